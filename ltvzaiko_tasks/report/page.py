"""Assemble the sections into one self-contained HTML page.

A Content-Security-Policy allows no network at all and only the page's own script (by its hash), so even
a value that slipped through escaping could not run script or fetch anything.
"""
from __future__ import annotations

import base64
import hashlib

import pandas as pd

from .assets import CSS, JS
from .data import ReportData
from .html import Col, bi, esc, static_table
from .sections import BUILDERS, Section


def _csp(script: str) -> str:
    digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii")
    return (f"default-src 'none'; script-src 'sha256-{digest}'; style-src 'unsafe-inline'; img-src data:; "
            "base-uri 'none'; form-action 'none'")


def _build_sections(data: ReportData) -> list[Section]:
    out = []
    for build in BUILDERS:
        try:
            out.append(build(data))
        except Exception as exc:  # one broken section must not cost the whole report
            name = build.__name__.replace("_section", "")
            out.append(Section(name, name, name, f'<div class="empty error">{bi("この節を表示できませんでした", "This section could not be drawn")}'
                                                 f': <code>{esc(type(exc).__name__)}: {esc(exc)}</code></div>'))
    return out


def _footer(data: ReportData) -> str:
    rows = [{"mart": m, "columns": len(c), "rows": data.totals.get(m)} for m, c in sorted(data.columns.items())]
    table = static_table(pd.DataFrame(rows), [Col("mart", "マート", "Mart"), Col("columns", "列数", "Columns", "int"),
                                               Col("rows", "基準日の行数（売上は基準日まで）", "Rows for the as-of date (sales: up to it)", "int")])
    origin = bi(f"すべての数値はスキーマ {data.schema} のマートから読み、合計・件数以外の再計算はしていません。",
                f"Every number is read from the marts in schema {data.schema}; nothing is recomputed beyond sums "
                "and counts.")
    return (f'<footer><h3>{bi("データの出典", "Where the numbers come from")}</h3><p>{origin}</p>'
            f'{table}<p>{bi("生成", "Generated")}: {esc(data.generated_at.strftime("%Y-%m-%d %H:%M UTC"))} · ltvzaiko</p></footer>')


def render_page(data: ReportData) -> str:
    sections = _build_sections(data)
    start, end = data.window
    toc = "".join(f'<a href="#{esc(s.anchor)}">{bi(s.ja.split("（")[0], s.en.split(" (")[0])}</a>' for s in sections)
    header = (f'<header class="top"><div><h1>{bi("LTV在庫レポート", "ltvzaiko report")}</h1>'
              f'<div class="meta">{bi("基準日", "As of")} <b data-as-of="{esc(data.as_of.isoformat())}">{esc(data.as_of.isoformat())}</b>'
              f' · {bi(f"KPI期間 {start.isoformat()} 〜 {end.isoformat()}", f"KPI window {start.isoformat()} to {end.isoformat()}")}'
              f' · schema <code>{esc(data.schema)}</code></div></div>'
              f'<div class="switches">'
              f'<div class="switch" role="group" aria-label="language"><button type="button" data-lang-set="ja" aria-pressed="true">日本語</button>'
              f'<button type="button" data-lang-set="en" aria-pressed="false">English</button></div>'
              f'<div class="switch" role="group" aria-label="item grain"><button type="button" data-grain-set="style" aria-pressed="false">'
              f'{bi("商品番号", "Style")}</button><button type="button" data-grain-set="sku" aria-pressed="true">SKU</button></div>'
              f'</div></header>')
    return ("<!DOCTYPE html>\n"
            f'<html lang="ja"><head><meta charset="utf-8">'
            f'<meta http-equiv="Content-Security-Policy" content="{esc(_csp(JS))}">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f'<meta name="generator" content="ltvzaiko report">'
            f'<title>{esc(f"LTV在庫レポート ltvzaiko report {data.as_of.isoformat()}")}</title>'
            f'<style>{CSS}</style></head>'
            f'<body class="lang-ja grain-sku">{header}<nav class="toc">{toc}</nav><main>'
            + "".join(s.render() for s in sections)
            + f"</main>{_footer(data)}<script>{JS}</script></body></html>\n")
