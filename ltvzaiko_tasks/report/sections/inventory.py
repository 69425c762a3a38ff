"""Sell-through (消化) with forecast sell-out dates, and dead stock (不良在庫) with the markdown triage."""
from __future__ import annotations

from datetime import date

import pandas as pd

from .. import data as M
from ..data import ReportData
from ..fmt import integer, pct, ratio, text, yen
from ..html import Col, Filter, bi, heading, interactive_table, note, source_tag, static_table
from ..i18n import enum_label
from ..svg import SERIES_COLORS, TimeSeries, hbars, legend, timeline_chart
from .common import Section, auto_cols, grain_blocks, pair, unavailable

CURVES = 8
MAX_ROWS = 2000
RISK_ORDER = {"overstock_risk": 0, "early_sell_out_risk": 1, "not_selling": 2, "on_track": 3, "continuing": 4,
              "sold_out": 5}

ST_COLS = [
    Col("item_id", "品目", "Item"), Col("style_id", "商品番号", "Style"), Col("channel", "チャネル", "Channel", "enum:channel"),
    Col("item_type", "商品区分", "Item type", "enum:item_type"), Col("period_start", "販売期間開始", "Period start", "date"),
    Col("received_units", "入荷数", "Received", "int"), Col("sold_units", "販売数", "Sold", "int"),
    Col("on_hand_units", "手持在庫", "On hand", "int"), Col("sell_through_rate", "消化率", "Sell-through", "pct"),
    Col("weeks_of_cover", "在庫週数", "Weeks of cover", "num1"),
    Col("target_sell_out_date", "目標完売日", "Target sell-out", "date"),
    Col("projected_sell_out_date", "予測完売日", "Projected sell-out", "date"),
    Col("projection_basis", "予測根拠", "Basis", "enum:projection_basis"),
    Col("days_ahead_of_target", "目標との差（日）", "Days ahead of target", "int"),
    Col("sell_through_status", "状態", "Status", "enum:sell_through_status"),
]


def _d(value) -> date | None:
    try:
        return date.fromisoformat(str(value)[:10]) if pd.notna(value) else None
    except ValueError:
        return None


def _curves(rows: pd.DataFrame, as_of: date, grain_ja: str, grain_en: str) -> str:
    live = rows[pd.to_numeric(rows["on_hand_units"], errors="coerce").fillna(0) > 0].copy()
    if live.empty:
        return note("在庫のある品目がありません。", "No item has stock on hand.")
    live["_risk"] = live["sell_through_status"].map(lambda s: RISK_ORDER.get(str(s), 9))
    live["_target"] = live["target_sell_out_date"].notna()
    live = live.sort_values(["_target", "_risk", "received_units"], ascending=[False, True, False]).head(CURVES)
    series = []
    for i, r in enumerate(live.itertuples(index=False)):
        start, proj, target = _d(r.period_start), _d(r.projected_sell_out_date), _d(r.target_sell_out_date)
        rate = pd.to_numeric(r.sell_through_rate, errors="coerce")
        if start is None or pd.isna(rate):
            continue
        pts = [(start, 0.0), (as_of, float(rate))]
        if proj is not None:
            pts.append((proj, 1.0))
        series.append(TimeSeries(f"{r.item_id}", pts, SERIES_COLORS[i % len(SERIES_COLORS)], dashed_from=1,
                                 target=target))
    if not series:
        return ""
    chart = timeline_chart(series, label=f"Sell-through curves ({grain_en})", y_fmt=lambda v: pct(v, 0), y_max=1.0,
                           today=as_of)
    lg = legend([(s.label, s.label, s.color) for s in series])
    return (heading(3, f"消化カーブと予測完売日（{grain_ja}・上位{CURVES}）",
                    f"Sell-through curves and forecast sell-out dates ({grain_en}, top {CURVES})") + chart + lg
            + note("実線: 販売期間開始（0%）から基準日の消化率まで · 破線: 予測完売日（100%）まで · ◆: 目標完売日 · 縦線: 基準日。"
                   "リスクのある品目から表示。",
                   "Solid: from the period start (0 %) to today's sell-through · dashed: to the projected sell-out date "
                   "(100 %) · ◆: target sell-out date · vertical rule: as-of date. At-risk items first.", "axes"))


def _status_bars(d: ReportData, grain: str) -> str:
    f = d.frame("sell_through__status")
    if f.empty:
        return ""
    counts = f[f["grain"] == grain].set_index("sell_through_status")["items"]
    items = sorted(counts.items(), key=lambda kv: RISK_ORDER.get(str(kv[0]), 9))
    return hbars([(enum_label("sell_through_status", s), float(n), f"{int(n):,}")
                  for s, n in items], fmt=integer, color="#76b7b2")


def sell_through_section(d: ReportData) -> Section:
    st = d.frame(M.SELL_THROUGH)
    if st.empty or "grain" not in st.columns:
        return Section("sell-through", "消化率", "Sell-through", unavailable(d, M.SELL_THROUGH), grain="both")
    blocks = {}
    for grain, ja, en in (("style", "商品番号", "style"), ("sku", "SKU", "SKU")):
        g = st[st["grain"] == grain]
        overall = g[g["channel"] == "all"]
        if g.empty:
            blocks[grain] = note("データなし", "no data")
            continue
        table = interactive_table(f"st-{grain}", g.sort_values(["item_id", "channel"]), ST_COLS,
                                  csv_name=f"sell_through_{grain}_{d.as_of.isoformat()}.csv",
                                  search_keys=["item_id", "style_id"],
                                  filters=[Filter("channel", "チャネル", "Channel", "channel", default="all"),
                                           Filter("sell_through_status", "状態", "Status", "sell_through_status"),
                                           Filter("item_type", "商品区分", "Item type", "item_type")],
                                  total_rows=d.totals.get(f"{M.SELL_THROUGH}:{grain}"), cap=MAX_ROWS)
        blocks[grain] = (_curves(overall, d.as_of, ja, en)
                         + heading(3, f"状態別の品目数（{ja}・全チャネル）", f"Items by status ({en}, all channels)")
                         + _status_bars(d, grain) + heading(3, f"{ja} 一覧", f"{en} list") + table)
    body = (note("消化率 = 販売数 ÷（販売数 + 手持在庫）。シーズン品はシーズン開始から、定番品は直近28日で測ります。",
                 "Sell-through = sold ÷ (sold + on hand), measured from the season start for seasonal goods and over "
                 "the last 28 days for staples.")
            + grain_blocks(blocks["style"], blocks["sku"]) + source_tag(M.SELL_THROUGH))
    return Section("sell-through", "消化率と予測完売日", "Sell-through and forecast sell-out dates", body, grain="both")


DEAD_COLS = [
    Col("sku_id", "SKU", "SKU"), Col("style_id", "商品番号", "Style"), Col("location_id", "拠点", "Location"),
    Col("location_label", "拠点名", "Location name"), Col("channel", "チャネル", "Channel", "enum:channel"),
    Col("item_type", "商品区分", "Item type", "enum:item_type"), Col("on_hand_units", "手持在庫", "On hand", "int"),
    Col("dead_stock_value_jpy", "不良在庫額（原価）", "Dead stock value (cost)", "yen"),
    Col("days_since_last_sale", "最終販売からの日数", "Days since last sale", "int"),
    Col("stock_age_days", "在庫日数", "Stock age (days)", "num1"),
    Col("dead_stock_reason", "判定理由", "Reason", "enum:dead_stock_reason"),
    Col("product_status", "販売ステータス", "Product status", "enum:product_status"),
    Col("ltv_class", "LTVクラス", "LTV class", "enum:ltv_class"),
    Col("_action", "推奨アクション（ZPM）", "Recommended action (ZPM)", "pair"),
]
STYLE_DEAD_COLS = [
    Col("style_id", "商品番号", "Style"), Col("style_label", "商品名", "Style name"),
    Col("sku_locations", "SKU×拠点数", "SKU × locations", "int"), Col("on_hand_units", "手持在庫", "On hand", "int"),
    Col("dead_stock_value_jpy", "不良在庫額（原価）", "Dead stock value (cost)", "yen"),
]


MARKDOWN_COLS = [
    Col("sku_id", "SKU", "SKU"), Col("style_id", "商品番号", "Style"), Col("location_id", "拠点", "Location"),
    Col("ltv_class", "LTVクラス", "LTV class", "enum:ltv_class"),
    Col("action", "アクション", "Action", "enum:markdown_action"),
    Col("suggested_markdown_rate", "推奨値引率", "Suggested markdown", "pct"),
    Col("suggested_price_jpy", "推奨売価", "Suggested price", "yen"),
    Col("on_hand_units", "手持在庫", "On hand", "num1"), Col("excess_units", "過剰在庫", "Excess units", "num1"),
    Col("excess_value_jpy", "過剰在庫額", "Excess value", "yen"),
    Col("transfer_units", "移動数", "Transfer units", "num1"),
    Col("expected_sell_through_full_price", "消化見込（定価）", "Sell-through at full price", "pct"),
    Col("expected_sell_through_after_action", "消化見込（実施後）", "Sell-through after action", "pct"),
    Col("expected_gross_profit_effect_jpy", "粗利影響", "Gross profit effect", "yen"),
    Col("target_date", "適正完売日", "Target sell-out date", "date"),
    Col("days_since_last_sale", "最終販売からの日数", "Days since last sale", "int"),
    Col("reason_codes", "理由", "Reasons"),
]


def dead_stock_section(d: ReportData) -> Section:
    totals = d.frame("inventory__totals")
    title = ("不良在庫と値下げ判断", "Dead stock and the markdown triage")
    if totals.empty or int(totals["rows"].iloc[0] or 0) == 0 or "dead_stock_value_jpy" not in totals.columns:
        return Section("dead-stock", *title, unavailable(d, M.INVENTORY_HEALTH), grain="both")
    t = totals.iloc[0]
    value, stock, n_dead = t.get("dead_stock_value_jpy"), t.get("on_hand_value_jpy"), t.get("dead_rows")
    share = pct(ratio(value, stock))
    summary = bi(f"不良在庫 {integer(n_dead)} SKU×拠点 · {yen(value)}（在庫額 {yen(stock)} の {share}）",
                 f"Dead stock: {integer(n_dead)} SKU × locations · {yen(value)} ({share} of {yen(stock)} stock at cost)")
    body = f'<p class="summary">{summary}</p>'
    body += note("不良在庫 = 手持在庫があり、販売終了品または60日以上売れていないもの（dbt 変数 dead_stock_days）。",
                 "Dead stock = stock on hand that is off sale or has not sold for 60+ days (dbt var dead_stock_days).")
    dead = d.frame(M.INVENTORY_HEALTH)
    if dead.empty:
        body += note("この基準日に不良在庫はありません。", "No dead stock on this as-of date.", "empty")
        return Section("dead-stock", *title, body + source_tag(M.INVENTORY_HEALTH), grain="both")
    dead = dead.copy()
    zpm = d.frame(M.ZPM)
    if not zpm.empty:
        keep = [c for c in ("sku_id", "ltv_class", "recommended_action", "recommended_action_ja") if c in zpm]
        dead = dead.merge(zpm[keep], on="sku_id", how="left")
    dead["_action"] = pair(dead, "recommended_action_ja", "recommended_action")
    by_reason = d.frame("dead_stock__by_reason")
    if not by_reason.empty:
        by_reason = by_reason.sort_values("dead_stock_value_jpy", ascending=False)
        body += heading(3, "理由別 不良在庫額", "Dead stock value by reason") + hbars(
            [(enum_label("dead_stock_reason", text(r.dead_stock_reason)), float(r.dead_stock_value_jpy or 0),
              f"{yen(r.dead_stock_value_jpy)} · {int(r.sku_locations):,} SKU×loc") for r in by_reason.itertuples(index=False)],
            fmt=yen, color="#9c755f")
    sku_table = interactive_table("dead-sku", dead, DEAD_COLS, csv_name=f"dead_stock_sku_{d.as_of.isoformat()}.csv",
                                  search_keys=["sku_id", "style_id", "location_id", "location_label"],
                                  filters=[Filter("channel", "チャネル", "Channel", "channel"),
                                           Filter("dead_stock_reason", "判定理由", "Reason", "dead_stock_reason"),
                                           Filter("ltv_class", "LTVクラス", "LTV class", "ltv_class")],
                                  total_rows=int(n_dead) if n_dead is not None else None)
    by_style = d.frame("dead_stock__by_style")
    style_html = (note("商品番号ごとの合計（SKU×拠点の不良在庫額・数量の合計、金額の大きい順）。",
                       "Totals per style (sums of the SKU × location dead-stock value and units, largest first).")
                  + static_table(by_style, STYLE_DEAD_COLS)) if not by_style.empty else note("商品番号がありません。",
                                                                                             "No style numbers.")
    body += grain_blocks(heading(3, "商品番号別", "By style") + style_html,
                         heading(3, "SKU × 拠点", "SKU × location") + sku_table)
    body += heading(3, "値下げ・保留の判断", "Markdown triage")
    md = d.frame(M.MARKDOWN)
    if not md.empty:
        known = [c for c in MARKDOWN_COLS if c.key in md.columns]
        cols = known if len(known) >= 5 else auto_cols(md)  # an older mart layout: show what it has
        body += interactive_table("markdown", md, cols, csv_name=f"markdown_{d.as_of.isoformat()}.csv",
                                  search_keys=[c for c in ("sku_id", "style_id", "location_id") if c in md.columns],
                                  filters=[Filter("action", "アクション", "Action", "markdown_action"),
                                           Filter("ltv_class", "LTVクラス", "LTV class", "ltv_class")]
                                  if {"action", "ltv_class"} <= set(md.columns) else [],
                                  total_rows=d.totals.get(M.MARKDOWN)) + source_tag(M.MARKDOWN)
    else:
        body += unavailable(d, M.MARKDOWN) + note(
            "それまでは上の表の「推奨アクション（ZPM）」列（mart_zpm、LTVオーバーレイ適用後）を判断材料にしてください。",
            "Until it is, the table's \u201cRecommended action (ZPM)\u201d column (mart_zpm, after the LTV overlay) is the triage.")
    return Section("dead-stock", *title, body + source_tag(M.INVENTORY_HEALTH, M.ZPM), grain="both")
