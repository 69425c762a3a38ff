"""The ZPM matrix (ZPM分析) with the LTV overlay, and item LTV contribution (商品LTV貢献); SKU grain."""
from __future__ import annotations

import pandas as pd

from .. import data as M
from ..data import ReportData
from ..fmt import number, pct, text, yen
from ..html import Col, Filter, bi, esc, heading, interactive_table, note, source_tag
from ..i18n import enum_label
from ..svg import PALETTE, Point, hbars, legend, scatter
from .common import Section, pair, unavailable, with_styles

LEVEL = {"H": ("高", "high"), "L": ("低", "low")}
WOC_CAP = 52.0
MAX_POINTS = 3000


def _levels(code) -> tuple[str, str, str] | None:
    parts = str(code).split("-")
    if len(parts) != 3 or not all(len(p) == 2 for p in parts):
        return None
    return parts[0][1], parts[1][1], parts[2][1]


def _matrix(z: pd.DataFrame) -> str:
    z = z.copy()
    lv = z["zpm_cell"].astype(object).map(_levels)  # object: with pyarrow strings, tuples would become arrays
    z["_z"], z["_p"], z["_m"] = lv.map(lambda t: t and t[0]), lv.map(lambda t: t and t[1]), lv.map(lambda t: t and t[2])
    blocks = []
    for zl, (zja, zen) in (("L", ("Z 低（在庫少）", "Z low (lean stock)")), ("H", ("Z 高（在庫多）", "Z high (heavy stock)"))):
        rows = []
        for pl in ("H", "L"):
            tds = []
            for ml in ("H", "L"):
                cell = z[(z["_z"] == zl) & (z["_p"] == pl) & (z["_m"] == ml)]
                code = f"Z{zl}-P{pl}-M{ml}"
                if cell.empty:
                    tds.append(f'<td class="zc empty-cell" data-cell="{esc(code)}"><div class="zcode">{esc(code)}</div>'
                               f'<div class="zn">0 SKU</div></td>')
                    continue
                first = cell.iloc[0]
                name = bi(str(first.get("zpm_cell_name_ja", code)), str(first.get("zpm_cell_name", code)))
                classes = cell["ltv_class"].value_counts() if "ltv_class" in cell else pd.Series(dtype=int)
                chips = "".join(f'<span class="chip" style="--c:{PALETTE[k]}">{esc(k)} {int(classes.get(k, 0))}</span>'
                                for k in ("高", "中", "低") if classes.get(k, 0))
                actions = pd.Series(pair(cell, "recommended_action_ja", "recommended_action")).value_counts()
                acts = "".join(f'<li>{bi(str(a[0]), str(a[1]))} <b>{int(n)}</b></li>' for a, n in actions.items()
                               if isinstance(a, tuple))
                tds.append(f'<td class="zc z{zl}p{pl}m{ml}" data-cell="{esc(code)}"><div class="zcode">{esc(code)}</div>'
                           f'<div class="zname">{name}</div><div class="zn">{len(cell):,} SKU</div>'
                           f'<div class="chips">{chips}</div><ul class="acts">{acts}</ul></td>')
            rows.append(f'<tr><th>{bi("P " + LEVEL[pl][0] + "（利益）", "P " + LEVEL[pl][1] + " (profit)")}</th>{"".join(tds)}</tr>')
        head = (f'<tr><th></th><th>{bi("M 高（動き）", "M high (movement)")}</th>'
                f'<th>{bi("M 低（動き）", "M low (movement)")}</th></tr>')
        blocks.append(f'<div class="zblock"><h4>{bi(zja, zen)}</h4><table class="zpm">{head}{"".join(rows)}</table></div>')
    return f'<div class="zpm-wrap">{"".join(blocks)}</div>'


def _scatter(z: pd.DataFrame) -> str:
    if not {"weeks_of_cover", "gmroi"} <= set(z.columns):
        return ""
    pts = []
    step = max(1, len(z) // MAX_POINTS)  # every n-th SKU when there are very many
    for r in z.iloc[::step].itertuples(index=False):
        x, y = pd.to_numeric(r.weeks_of_cover, errors="coerce"), pd.to_numeric(r.gmroi, errors="coerce")
        if pd.isna(x) or pd.isna(y):
            continue
        cls = getattr(r, "ltv_class", None)
        pts.append(Point(float(x), float(y), PALETTE.get(str(cls), "#4e79a7"),
                         f"{r.sku_id} · {r.zpm_cell} · LTV {cls} · cover {number(x, 1)} wk · GMROI {number(y, 2)}"))
    if not pts:
        return ""
    chart = scatter(pts, label="ZPM: weeks of cover vs GMROI", y_fmt=lambda v: number(v, 1),
                    x_fmt=lambda v: number(v, 0), x_max=WOC_CAP)
    return (heading(3, "在庫週数 × 交差比率（GMROI）", "Weeks of cover × GMROI") + chart
            + legend([("LTV 高", "LTV high", PALETTE["高"]), ("LTV 中", "LTV mid", PALETTE["中"]),
                      ("LTV 低", "LTV low", PALETTE["低"])])
            + note(f"横軸: 在庫週数（{WOC_CAP:.0f} 週以上は右端）· 縦軸: GMROI · 点にカーソルで SKU",
                   f"x: weeks of cover ({WOC_CAP:.0f}+ drawn at the edge) · y: GMROI · hover a point for the SKU", "axes"))


def _item_value(d: ReportData) -> str:
    f = d.frame(M.ITEM_LTV)
    if f.empty:
        return heading(3, "商品LTV貢献", "Item LTV contribution") + unavailable(d, M.ITEM_LTV)
    f = with_styles(f, d)
    top = f.sort_values("clv_rank").head(15) if "clv_rank" in f else f.head(15)
    rows = [(f"{r.sku_id}" + (f" ({r.style_id})" if "style_id" in f and pd.notna(r.style_id) else ""),
             float(r.clv_contribution_jpy or 0),
             tuple(f"{yen(r.clv_contribution_jpy)} · {pct(r.clv_share)} · {c}" for c in enum_label("ltv_class", text(r.ltv_class))))
            for r in top.itertuples(index=False)]
    counts = f["ltv_class"].value_counts() if "ltv_class" in f else pd.Series(dtype=int)
    chips = "".join(f'<span class="chip" style="--c:{PALETTE[k]}">{bi("LTV " + k, "LTV " + {"高": "high", "中": "mid", "低": "low"}[k])}'
                    f' {int(counts.get(k, 0)):,} SKU</span>' for k in ("高", "中", "低"))
    return (heading(3, "商品LTV貢献 上位15", "Top 15 items by customer value carried")
            + f'<div class="chips">{chips}</div>'
            + note("右: LTV貢献額 · シェア · クラス", "right: customer value carried · share · class", "axes")
            + hbars(rows, fmt=yen, color="#b07aa1") + source_tag(M.ITEM_LTV))


ZPM_COLS = [
    Col("sku_id", "SKU", "SKU"), Col("style_id", "商品番号", "Style"), Col("zpm_cell", "ZPMセル", "ZPM cell"),
    Col("_cell_name", "セル名", "Cell name", "pair"), Col("ltv_class", "LTVクラス", "LTV class", "enum:ltv_class"),
    Col("_action", "推奨アクション", "Recommended action", "pair"),
    Col("units_sold_window", "期間販売数", "Units sold (window)", "num1"), Col("on_hand_units", "手持在庫", "On hand", "num1"),
    Col("weeks_of_cover", "在庫週数", "Weeks of cover", "num1"), Col("gross_margin_rate", "粗利率", "Margin", "pct"),
    Col("gmroi", "交差比率", "GMROI", "num2"), Col("sell_through_rate", "消化率", "Sell-through", "pct"),
    Col("clv_contribution_jpy", "LTV貢献額", "Customer value carried", "yen"),
    Col("repeat_rate", "リピート率", "Repeat rate", "pct"),
]


def zpm_section(d: ReportData) -> Section:
    z = d.frame(M.ZPM)
    if z.empty:
        body = unavailable(d, M.ZPM) + _item_value(d)
        return Section("zpm", "ZPM分析", "ZPM matrix", body, grain="sku")
    z = with_styles(z, d)
    item = d.frame(M.ITEM_LTV)
    if not item.empty:
        extra = [c for c in ("clv_contribution_jpy", "repeat_rate") if c in item and c not in z]
        z = z.merge(item[["sku_id", *extra]], on="sku_id", how="left")
    z["_cell_name"] = pair(z, "zpm_cell_name_ja", "zpm_cell_name")
    z["_action"] = pair(z, "recommended_action_ja", "recommended_action")
    table = interactive_table("zpm-table", z.sort_values(["zpm_cell", "sku_id"]), ZPM_COLS,
                              csv_name=f"zpm_{d.as_of.isoformat()}.csv", search_keys=["sku_id", "style_id"],
                              filters=[Filter("zpm_cell", "ZPMセル", "ZPM cell"),
                                       Filter("ltv_class", "LTVクラス", "LTV class", "ltv_class")],
                              total_rows=d.totals.get(M.ZPM))
    body = (note("Z = 在庫（目標に対する在庫週数）、P = 利益（粗利率・GMROI）、M = 動き（消化の速さ）。"
                 "高LTVの顧客が買う商品は処分に回さないよう推奨アクションを補正（LTVオーバーレイ）。",
                 "Z = stock (weeks of cover against target), P = profit (margin, GMROI), M = movement (sell-through "
                 "velocity). Items high-LTV customers buy get their action adjusted (LTV overlay), never liquidated blindly.")
            + _matrix(z) + _scatter(z) + heading(3, "SKU 一覧", "SKU list") + table + source_tag(M.ZPM)
            + _item_value(d))
    return Section("zpm", "ZPM分析（在庫・利益・動き）", "ZPM matrix (stock, profit, movement)", body, grain="sku")
