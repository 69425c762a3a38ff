"""HTML building blocks with escaping everywhere: every value that comes from the warehouse is untrusted.

Nothing here writes markup from a value without :func:`esc`; data handed to the page's script goes through
:func:`json_script`, which cannot close its ``<script>`` element.
"""
from __future__ import annotations

import html
import json
import math
from dataclasses import dataclass, field
from typing import Iterable, Sequence

import pandas as pd

from .fmt import MISSING, fmt
from .i18n import enum_label, option_text


def esc(value) -> str:
    """Text → HTML text or attribute value (quotes escaped too)."""
    return html.escape("" if value is None else str(value), quote=True)


def bi(ja: str, en: str, tag: str = "span") -> str:
    """The same label in both languages; the page's language switch shows one of them."""
    return f'<{tag} class="ja" lang="ja">{esc(ja)}</{tag}><{tag} class="en" lang="en">{esc(en)}</{tag}>'


def heading(level: int, ja: str, en: str, anchor: str | None = None) -> str:
    """A heading in the chosen language with the other one small beside it (a glossary at a glance)."""
    ident = f' id="{esc(anchor)}"' if anchor else ""
    return (f'<h{level}{ident}><span class="ja" lang="ja">{esc(ja)} <small lang="en">{esc(en)}</small></span>'
            f'<span class="en" lang="en">{esc(en)} <small lang="ja">{esc(ja)}</small></span></h{level}>')


def note(ja: str, en: str, cls: str = "note") -> str:
    return f'<p class="{esc(cls)}">{bi(ja, en)}</p>'


def empty_notice(mart: str, ja: str | None = None, en: str | None = None) -> str:
    """Plain words for a section whose mart has nothing for the date (or does not exist yet)."""
    ja = ja or f"{mart} にこの基準日のデータがありません。"
    en = en or f"{mart} has no rows for this as-of date."
    return f'<div class="empty" data-mart="{esc(mart)}">{bi(ja, en)}</div>'


def source_tag(*marts: str) -> str:
    names = ", ".join(f"marts.{m}" if "." not in m else m for m in marts)
    return f'<p class="source">{bi("出典", "Source")}: <code>{esc(names)}</code></p>'


def json_script(element_id: str, payload) -> str:
    """Data for the page's script in a non-executed ``<script type="application/json">``.

    ``<``, ``>`` and ``&`` are written as JSON unicode escapes, so no value can end the element early.
    """
    text = json.dumps(payload, ensure_ascii=False, default=_json_default, allow_nan=False)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    text = text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    return f'<script type="application/json" id="{esc(element_id)}">{text}</script>'


def _json_default(value):
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if hasattr(value, "item"):
        return value.item()
    return str(value)


def jsonable(value):
    """A frame cell as a JSON value: NaN/NA → null, numpy scalars → Python, dates → ISO text."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        value = value.item()
    if isinstance(value, (tuple, list)):
        return [jsonable(v) for v in value]
    if isinstance(value, float):
        if math.isnan(value) or math.isinf(value):
            return None
        return int(value) if value.is_integer() and abs(value) < 2 ** 53 else value
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def _js_str(value) -> str:
    """A value as the page script's ``String(v)`` spells it (filters compare these)."""
    v = jsonable(value)
    if isinstance(v, bool):
        return "true" if v else "false"
    return "" if v is None else str(v)


@dataclass(frozen=True)
class Col:
    """A table column: frame column, bilingual header, formatter kind (see :mod:`.fmt`)."""
    key: str
    ja: str
    en: str
    kind: str = "text"
    numeric: bool = field(default=False)

    @property
    def is_numeric(self) -> bool:
        return self.numeric or not (self.kind in ("text", "date", "pair") or self.kind.startswith("enum:"))


NUM_CLASS = ' class="n"'


def cell_html(value, kind: str) -> str:
    """One formatted, escaped value; codes (``enum:channel`` …) in both languages."""
    if kind.startswith("enum:"):
        text = fmt(value, "text")
        if text == MISSING:
            return MISSING
        ja, en = enum_label(kind[5:], text)
        return esc(ja) if ja == en else bi(ja, en)
    if kind == "date":
        return esc(fmt(value, "text"))
    if kind == "pair":  # (ja, en) text from two mart columns
        if not isinstance(value, (tuple, list)):
            return esc(fmt(value, "text"))
        ja, en = (fmt(v, "text") for v in value)
        return esc(ja) if ja == en else bi(ja, en)
    return esc(fmt(value, kind))


def cell(value, col: Col) -> str:
    cls = NUM_CLASS if col.is_numeric else ""
    return f"<td{cls}>{cell_html(value, col.kind)}</td>"


def header_row(cols: Sequence[Col]) -> str:
    ths = "".join(f'<th{NUM_CLASS if c.is_numeric else ""} title="{esc(c.key)}">{bi(c.ja, c.en)}</th>'
                  for c in cols)
    return f"<tr>{ths}</tr>"


def static_table(frame: pd.DataFrame, cols: Sequence[Col], cls: str = "grid",
                 row_class: Iterable[str] | None = None) -> str:
    """A plain table of ``frame`` (only the columns it has), every cell formatted and escaped."""
    cols = [c for c in cols if c.key in frame.columns]
    body = []
    classes = list(row_class) if row_class is not None else None
    for i, row in enumerate(frame[[c.key for c in cols]].itertuples(index=False, name=None)):
        rc = f' class="{esc(classes[i])}"' if classes and classes[i] else ""
        body.append(f"<tr{rc}>" + "".join(cell(v, c) for v, c in zip(row, cols)) + "</tr>")
    return (f'<div class="tablewrap"><table class="{esc(cls)}"><thead>{header_row(cols)}</thead>'
            f'<tbody>{"".join(body)}</tbody></table></div>')


@dataclass(frozen=True)
class Filter:
    """A drop-down filter on one column of an interactive table (``enum`` names its codes' labels)."""
    key: str
    ja: str
    en: str
    enum: str | None = None
    default: str = ""
    """Value selected when the page opens ("" = all)."""


def interactive_table(table_id: str, frame: pd.DataFrame, cols: Sequence[Col], *, csv_name: str,
                      search_keys: Sequence[str] = (), filters: Sequence[Filter] = (),
                      nonzero: tuple[str, str, str] | None = None, total_rows: int | None = None,
                      cap: int = 2000) -> str:
    """A table with a search box, drop-down filters and CSV download of the rows shown (or of all).

    The rows are rendered here (escaped); the page script only hides and shows them. The raw values ride
    along in a JSON block, so the CSV carries unformatted numbers. ``nonzero`` = (column, ja, en) adds a
    checkbox "only rows where column > 0", ticked by default.
    """
    cols = [c for c in cols if c.key in frame.columns]
    shown = frame.head(cap)
    keys = [c.key for c in cols]
    extra = [k for k in [*search_keys, *(f.key for f in filters), *( [nonzero[0]] if nonzero else [])]
             if k in frame.columns and k not in keys]
    data_keys = keys + extra
    rows = [[jsonable(v) for v in r] for r in shown[data_keys].itertuples(index=False, name=None)]
    controls = [f'<input type="search" class="f-search" placeholder="検索 / search" aria-label="search">']
    for f in filters:
        if f.key not in shown.columns:
            continue
        values = sorted({_js_str(v) for v in shown[f.key].dropna().tolist()})
        opts = "".join(f'<option value="{esc(v)}">{esc(option_text(f.enum, v) if f.enum else v)}</option>'
                       for v in values)
        if f.default and f.default in values:
            opts = opts.replace(f'<option value="{esc(f.default)}">', f'<option value="{esc(f.default)}" selected>', 1)
        controls.append(f'<label class="f-label">{bi(f.ja, f.en)} <select class="f-select" data-key="{esc(f.key)}">'
                        f'<option value="">{esc("すべて / all")}</option>{opts}</select></label>')
    if nonzero and nonzero[0] in shown.columns:
        controls.append(f'<label class="f-label"><input type="checkbox" class="f-nonzero" data-key="{esc(nonzero[0])}"'
                        f' checked> {bi(nonzero[1], nonzero[2])}</label>')
    controls.append(f'<button type="button" class="csv" data-mode="shown">{bi("CSV（表示中）", "CSV (shown)")}</button>')
    controls.append(f'<button type="button" class="csv" data-mode="all">{bi("CSV（全件）", "CSV (all)")}</button>')
    body = []
    for i, row in enumerate(shown[keys].itertuples(index=False, name=None)):
        body.append(f'<tr data-i="{i}">' + "".join(cell(v, c) for v, c in zip(row, cols)) + "</tr>")
    total = len(frame) if total_rows is None else total_rows
    count = (f'<p class="count" aria-live="polite"><span class="f-count">{len(shown):,}</span> / {len(shown):,} '
             f'{bi("行を表示", "rows shown")}</p>')
    if total > len(shown):
        count += note(f"全 {total:,} 行のうち上位 {len(shown):,} 行を掲載しています（CSV も同じ行）。",
                      f"The first {len(shown):,} of {total:,} rows are included (the CSV has the same rows).")
    payload = {"columns": data_keys, "search": [k for k in search_keys if k in data_keys], "rows": rows,
               "csv_name": csv_name}
    return (f'<div class="itable" id="{esc(table_id)}">'
            f'<div class="controls">{"".join(controls)}</div>{count}'
            f'<div class="tablewrap tall"><table class="grid"><thead>{header_row(cols)}</thead>'
            f'<tbody>{"".join(body)}</tbody></table></div>'
            f'{json_script(table_id + "-data", payload)}</div>')
