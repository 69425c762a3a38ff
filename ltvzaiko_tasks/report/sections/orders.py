"""The two order lists (発注リスト): staples (定番品) and seasonal goods (シーズン品), from replenishment_order_list."""
from __future__ import annotations

from .. import data as M
from ..data import ReportData
from ..fmt import integer, yen
from ..html import Col, Filter, bi, heading, interactive_table, note, source_tag, static_table
from .common import Section, total, unavailable, with_locations, with_styles

COLUMNS = [
    Col("priority_rank", "優先順位", "Priority", "int"),
    Col("sku_id", "SKU", "SKU"),
    Col("style_id", "商品番号", "Style"),
    Col("location_id", "拠点", "Location"),
    Col("location_label", "拠点名", "Location name"),
    Col("ltv_class", "LTVクラス", "LTV class", "enum:ltv_class"),
    Col("recommended_order_qty", "推奨発注数", "Order qty", "int"),
    Col("order_value_jpy", "発注金額", "Order value", "yen"),
    Col("expected_gross_profit_jpy", "期待粗利", "Expected GP", "yen"),
    Col("on_hand_units", "手持在庫", "On hand", "num1"),
    Col("on_order_units", "発注残", "On order", "num1"),
    Col("inventory_position_units", "在庫ポジション", "Inventory position", "num1"),
    Col("reorder_point_units", "発注点", "Reorder point", "num1"),
    Col("order_up_to_units", "補充点", "Order-up-to", "num1"),
    Col("safety_stock_units", "安全在庫", "Safety stock", "num1"),
    Col("demand_over_protection_units", "期間需要予測", "Demand over protection", "num1"),
    Col("demand_sd_units", "需要の標準偏差", "Demand σ", "num1"),
    Col("service_level_target", "目標サービス率", "Service level", "pct"),
    Col("protection_days", "保護期間（日）", "Protection days", "num1"),
    Col("reason", "理由", "Reason", "enum:reason"),
    Col("method", "発注方式", "Method", "enum:method"),
]
FILTERS = [Filter("ltv_class", "LTVクラス", "LTV class", "ltv_class"), Filter("location_id", "拠点", "Location"),
           Filter("reason", "理由", "Reason", "reason")]


def _one_list(d: ReportData, name: str, ja: str, en: str, csv: str) -> str:
    frame = d.frame(name)
    head = heading(3, ja, en)
    if frame.empty:
        return head + note("この基準日の発注候補はありません。", "No order-list rows for this as-of date.")
    t = d.frame(name + "__totals")
    summary = ""
    if not t.empty:
        lines, order_lines = total(t, "lines"), total(t, "order_lines")
        units, value, gp = total(t, "order_units"), total(t, "order_value_jpy"), total(t, "expected_gross_profit_jpy")
        text = bi(f"発注あり {integer(order_lines)} / {integer(lines)} 行 · {integer(units)} 点 · 発注金額 {yen(value)} · "
                  f"期待粗利 {yen(gp)}",
                  f"{integer(order_lines)} of {integer(lines)} lines to order · {integer(units)} units · order value "
                  f"{yen(value)} · expected gross profit {yen(gp)}")
        summary = f'<p class="summary">{text}</p>'
    frame = with_locations(with_styles(frame, d), d)
    table = interactive_table(f"orders-{csv}", frame, COLUMNS, csv_name=f"order_list_{csv}_{d.as_of.isoformat()}.csv",
                              search_keys=["sku_id", "style_id", "location_id", "location_label"], filters=FILTERS,
                              nonzero=("recommended_order_qty", "発注ありのみ", "orders only"),
                              total_rows=d.totals.get(name))
    return head + summary + table


WHAT_IF_COLS = [
    Col("scenario", "シナリオ", "Scenario"),
    Col("service_level", "サービス率", "Service level", "pct"),
    Col("safety_stock_units", "安全在庫（点）", "Safety stock (units)", "num1"),
    Col("safety_stock_value_jpy", "安全在庫（原価）", "Safety stock at cost", "yen"),
    Col("holding_cost_jpy_per_year", "保管コスト/年", "Holding cost / year", "yen"),
    Col("inventory_cost_jpy_per_year", "在庫コスト計/年", "Inventory cost / year", "yen"),
    Col("stockout_probability", "欠品確率/サイクル", "Stock-out prob. / cycle", "pct"),
    Col("shortage_units_per_year", "欠品数/年", "Units short / year", "num1"),
]


def _what_if(d: ReportData) -> str:
    """Scenario analysis (シナリオ分析): the staple list's cost and stock-out risk at other service levels."""
    from ...whatif import what_if_section_data

    head = heading(3, "シナリオ分析：サービス率を変えたら", "What-if: other service levels")
    try:
        table = what_if_section_data(d)
    except (KeyError, ValueError) as exc:  # an order list without the policy columns: say so, keep the report
        return head + note(f"計算できません（{exc}）。", f"Cannot be computed ({exc}).")
    if table.empty:
        return head + note("定番品の発注リスト（方策の列を含む）がないため計算できません。",
                           "No staple order list with its policy columns to compute it on.")
    table = table.copy()
    table["scenario"] = [("公開中のリスト / as published" if s == "as_published" else s) for s in table["scenario"]]
    return (head + note("発注金額上位の定番品（最大50行）について、同じ需要予測・リードタイムのまま目標サービス率だけを変えた場合の"
                        "安全在庫・年間在庫コスト（保管＋発注）・欠品リスク。`ltvzaiko what-if` で任意の SKU・リードタイム・発注点を試せます。",
                        "For the staple rows with the largest order value (up to 50): safety stock, yearly inventory cost "
                        "(holding + ordering) and stock-out risk if only the target service level changed, same forecast "
                        "and lead times. `ltvzaiko what-if` tries any SKUs, lead time or reorder point.")
            + static_table(table, WHAT_IF_COLS))


def order_section(d: ReportData) -> Section:
    if not d.has(M.ORDER_LIST) or all(d.frame(n).empty for n in ("orders_staple", "orders_seasonal", "orders_all")):
        return Section("orders", "発注リスト", "Order lists", unavailable(d, M.ORDER_LIST), grain="sku")
    if "orders_all" in d.frames:
        body = _one_list(d, "orders_all", "発注リスト", "Order list", "all")
    else:
        body = (_one_list(d, "orders_staple", "定番品（欠品させない）", "Staples (never run out)", "staple")
                + _one_list(d, "orders_seasonal", "シーズン品（買い過ぎず、売り逃さず）",
                            "Seasonal goods (don't overbuy, don't miss sales)", "seasonal"))
    body += note("優先順位は顧客価値を含む 1 円あたり期待粗利の順。検索・絞り込みの結果をそのまま CSV に保存できます。",
                 "Priority is expected gross profit per yen, customer value included. The CSV saves what the filters show.")
    body += _what_if(d)
    return Section("orders", "発注リスト", "Order lists", body + source_tag(M.ORDER_LIST), grain="sku")
