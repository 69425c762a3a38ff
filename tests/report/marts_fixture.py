"""A small hand-made set of marts (the dbt contracts' columns and types), with hostile text in it.

``mart_frames()`` gives one DataFrame per mart; ``write_marts(conn, schema)`` creates them as tables in a
throwaway schema so the report's loader can be pointed at it (never at the real ``marts``).
"""
from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd
from psycopg import sql

AS_OF = date(2025, 5, 15)
FIRST = date(2025, 4, 1)
HOSTILE_SKU = "<script>alert('sku')</script>"
HOSTILE_STYLE_LABEL = '"><img src=x onerror=alert(2)>'
HOSTILE_LOCATION = '=HYPERLINK("http://evil.example","x")'

SKUS = [  # sku, style, style label, category, item type, unit cost, price
    ("SKU-A1", "ST-A", "定番Tシャツ", "tops", "staple", 1200, 2990),
    ("SKU-A2", "ST-A", "定番Tシャツ", "tops", "staple", 1200, 2990),
    ("SKU-B1", "ST-B", "春コート", "outer", "seasonal", 6000, 14900),
    (HOSTILE_SKU, "ST-X", HOSTILE_STYLE_LABEL, "goods", "seasonal", 500, 1500),
]
LOCATIONS = [("S01", "store", "渋谷店"), ("S02", "store", HOSTILE_LOCATION), ("E01", "ec", "自社EC倉庫"),
             ("M01", "mall", "モール市場")]

TYPES: dict[str, dict[str, str]] = {
    "mart_channel_sales_daily": {
        "sales_date": "date", "channel": "text", "location_id": "text", "location_label": "text", "sku_id": "text",
        "style_id": "text", "style_label": "text", "category": "text", "item_type": "text", "units": "integer",
        "units_sold": "integer", "returned_units": "integer", "discount_incl_tax_jpy": "bigint",
        "net_sales_jpy": "bigint", "cost_of_goods_jpy": "bigint", "gross_profit_jpy": "bigint", "orders": "integer",
        "identified_customers": "integer"},
    "mart_customer_ltv": {
        "as_of_date": "date", "customer_key": "text", "frequency": "integer", "recency_weeks": "numeric(10,2)",
        "tenure_weeks": "numeric(10,2)", "avg_repeat_spend_jpy": "bigint", "p_alive": "numeric(6,4)",
        "expected_purchases_12m": "numeric(10,3)", "expected_spend_jpy": "bigint", "clv_12m_margin_jpy": "bigint",
        "ltv_segment": "text"},
    "mart_item_ltv_contribution": {
        "as_of_date": "date", "grain": "text", "item_id": "text", "style_id": "text", "sku_id": "text",
        "net_sales_jpy": "bigint", "buyers": "integer",
        "clv_contribution_jpy": "bigint", "clv_share": "numeric(8,6)", "clv_rank": "integer",
        "high_ltv_buyer_lift": "numeric(8,3)", "repeat_rate": "numeric(6,4)", "ltv_class": "text",
        "ltv_class_reason": "text"},
    "mart_zpm": {
        "as_of_date": "date", "grain": "text", "item_id": "text", "style_id": "text", "sku_id": "text",
        "zpm_cell": "text", "zpm_cell_name": "text",
        "zpm_cell_name_ja": "text", "units_sold_window": "numeric(14,2)", "on_hand_units": "numeric(14,2)",
        "weeks_of_cover": "numeric(10,2)", "gross_margin_rate": "numeric(8,4)", "gmroi": "numeric(10,3)",
        "sell_through_rate": "numeric(8,4)", "ltv_class": "text", "recommended_action": "text",
        "recommended_action_ja": "text"},
    "mart_forecast_accuracy": {
        "as_of_date": "date", "model": "text", "cutoff_date": "date", "horizon_days": "integer", "series": "integer",
        "actual_units": "numeric(16,2)", "wape": "numeric(10,4)", "bias": "numeric(10,4)",
        "p10_p90_coverage": "numeric(6,4)", "model_version": "text", "segment_type": "text", "segment": "text",
        "horizon_bucket": "text", "horizon_from": "integer", "horizon_to": "integer", "mase": "numeric(10,4)",
        "wape_14d": "numeric(10,4)"},
    "replenishment_order_list": {
        "as_of_date": "date", "sku_id": "text", "location_id": "text", "item_type": "text", "ltv_class": "text",
        "method": "text", "service_level_target": "numeric(6,4)", "protection_days": "numeric(8,2)",
        "demand_over_protection_units": "numeric(14,2)", "demand_sd_units": "numeric(14,2)",
        "safety_stock_units": "numeric(14,2)", "reorder_point_units": "numeric(14,2)",
        "order_up_to_units": "numeric(14,2)", "on_hand_units": "numeric(14,2)", "on_order_units": "numeric(14,2)",
        "inventory_position_units": "numeric(14,2)", "recommended_order_qty": "integer", "order_value_jpy": "bigint",
        "expected_gross_profit_jpy": "bigint", "priority_rank": "integer", "reason": "text"},
    "mart_sell_through": {
        "as_of_date": "date", "grain": "text", "item_id": "text", "style_id": "text", "sku_id": "text",
        "channel": "text", "item_type": "text", "period_start": "date", "received_units": "integer",
        "sold_units": "integer", "on_hand_units": "integer", "sell_through_rate": "numeric(8,4)",
        "sold_units_28d": "integer", "weeks_of_cover": "numeric(10,1)", "target_sell_out_date": "date",
        "forecast_as_of_date": "date", "forecast_sell_out_date": "date", "projected_sell_out_date": "date",
        "projection_basis": "text", "days_ahead_of_target": "integer", "sell_through_status": "text"},
    "mart_inventory_health": {
        "as_of_date": "date", "sku_id": "text", "location_id": "text", "channel": "text", "location_label": "text",
        "style_id": "text", "style_label": "text", "category": "text", "item_type": "text", "product_status": "text",
        "on_hand_units": "integer", "on_order_units": "integer", "unit_cost_jpy": "bigint",
        "on_hand_value_jpy": "bigint", "stock_age_days": "numeric(10,1)", "days_since_last_sale": "integer",
        "units_sold_28d": "integer", "units_sold_90d": "integer", "cost_of_goods_90d_jpy": "bigint",
        "avg_on_hand_units_90d": "numeric(14,2)", "inventory_turnover_annualised": "numeric(10,2)",
        "stockout_days_28d": "integer", "stockout_days_90d": "integer", "days_observed_90d": "integer",
        "dead_stock_flag": "boolean", "dead_stock_reason": "text", "dead_stock_value_jpy": "bigint"},
    "mart_campaign_effect": {
        "campaign_id": "text", "campaign_label": "text", "channel": "text", "mechanism": "text",
        "discount_pct": "integer", "start_date": "date", "end_date": "date", "is_complete": "boolean",
        "actual_units": "integer", "baseline_units": "numeric(16,2)", "uplift_units": "numeric(16,2)",
        "uplift_pct": "numeric(12,4)", "actual_gross_profit_jpy": "bigint", "baseline_gross_profit_jpy": "bigint",
        "discount_cost_jpy": "bigint", "incremental_gross_profit_jpy": "bigint",
        "net_incremental_gross_profit_jpy": "bigint", "buyers": "integer", "new_buyer_share": "numeric(6,4)",
        "later_repeat_rate": "numeric(6,4)"},
    "mart_ltv_calibration": {
        "as_of_date": "date", "frequency_bucket": "text", "frequency_min": "integer", "customers": "integer",
        "actual_holdout_purchases": "numeric(12,4)", "predicted_holdout_purchases": "numeric(12,4)",
        "naive_holdout_purchases": "numeric(12,4)", "calibration_end_date": "date", "holdout_end_date": "date",
        "holdout_weeks": "integer", "customers_evaluated": "integer", "actual_holdout_total": "numeric(14,2)",
        "predicted_holdout_total": "numeric(14,2)", "total_relative_error": "numeric(10,4)",
        "naive_total_relative_error": "numeric(10,4)", "bucket_wape": "numeric(10,4)",
        "customer_mae": "numeric(10,4)", "naive_customer_mae": "numeric(10,4)"},
}


def mart_frames() -> dict[str, pd.DataFrame]:
    rng = np.random.default_rng(3)
    days = [FIRST + timedelta(days=i) for i in range((AS_OF - FIRST).days + 1)]
    sales = []
    for d in days:
        for loc, ch, label in LOCATIONS:
            for sku, style, slabel, cat, kind, cost, price in SKUS:
                units = int(rng.poisson(3 if ch == "store" else 2))
                if units == 0:
                    continue
                net = units * price
                sales.append({"sales_date": d, "channel": ch, "location_id": loc, "location_label": label,
                              "sku_id": sku, "style_id": style, "style_label": slabel, "category": cat,
                              "item_type": kind, "units": units, "units_sold": units, "returned_units": 0,
                              "discount_incl_tax_jpy": 0, "net_sales_jpy": net, "cost_of_goods_jpy": units * cost,
                              "gross_profit_jpy": net - units * cost, "orders": units, "identified_customers": 1})
    n = 60
    clv = np.sort(rng.gamma(2.0, 4000.0, n))[::-1].round()
    seg = ["high"] * 12 + ["mid"] * 18 + ["low"] * 30
    customers = pd.DataFrame({"as_of_date": AS_OF, "customer_key": [f"c{i:03d}" for i in range(n)],
                              "frequency": rng.integers(0, 6, n), "recency_weeks": 3.5, "tenure_weeks": 6.0,
                              "avg_repeat_spend_jpy": 4000, "p_alive": 0.8, "expected_purchases_12m": 2.5,
                              "expected_spend_jpy": 4100, "clv_12m_margin_jpy": clv.astype(int), "ltv_segment": seg})
    cells = {"SKU-A1": ("ZL-PH-MH", "protect: replenish first", "保護: 優先補充", "高"),
             "SKU-A2": ("ZL-PH-MH", "protect: replenish first", "保護: 優先補充", "中"),
             "SKU-B1": ("ZH-PL-ML", "dead-stock risk: sell down", "不良在庫リスク: 売り切り", "低"),
             HOSTILE_SKU: ("ZH-PL-ML", "hold: targeted coupon (high-LTV buyers)", "保留: 優良顧客向けクーポン", "高")}
    item = pd.DataFrame([{"as_of_date": AS_OF, "grain": "sku", "item_id": s, "style_id": st_, "sku_id": s,
                          "net_sales_jpy": 100000 * (i + 1), "buyers": 10 + i,
                          "clv_contribution_jpy": 50000 - 10000 * i, "clv_share": 0.4 - 0.1 * i, "clv_rank": i + 1,
                          "high_ltv_buyer_lift": 1.2, "repeat_rate": 0.3, "ltv_class": cells[s][3],
                          "ltv_class_reason": "share"} for i, (s, st_, *_r) in enumerate(SKUS)])
    item = pd.concat([item, item.drop_duplicates("style_id").assign(
        grain="style", item_id=lambda f: f["style_id"], sku_id=None, ltv_class="中")], ignore_index=True)
    zpm = pd.DataFrame([{"as_of_date": AS_OF, "grain": "sku", "item_id": s, "style_id": st_, "sku_id": s,
                         "zpm_cell": cells[s][0],
                         "zpm_cell_name": "protect" if cells[s][0] == "ZL-PH-MH" else "dead-stock risk",
                         "zpm_cell_name_ja": "保護" if cells[s][0] == "ZL-PH-MH" else "不良在庫リスク",
                         "units_sold_window": 40.0 - 8 * i, "on_hand_units": 20.0 + 15 * i, "weeks_of_cover": 2.0 + 6 * i,
                         "gross_margin_rate": 0.55, "gmroi": 3.0 - 0.7 * i, "sell_through_rate": 0.7 - 0.15 * i,
                         "ltv_class": cells[s][3], "recommended_action": cells[s][1],
                         "recommended_action_ja": cells[s][2]} for i, (s, st_, *_r) in enumerate(SKUS)])
    zpm = pd.concat([zpm, zpm.drop_duplicates("style_id").assign(
        grain="style", item_id=lambda f: f["style_id"], sku_id=None, zpm_cell="ZH-PH-ML")], ignore_index=True)
    calibration = pd.DataFrame([{"as_of_date": AS_OF, "frequency_bucket": "7+" if k == 7 else str(k), "frequency_min": k,
                                 "customers": 40 - 5 * k, "actual_holdout_purchases": 0.2 + 0.3 * k,
                                 "predicted_holdout_purchases": 0.25 + 0.28 * k, "naive_holdout_purchases": 0.4 * k,
                                 "calibration_end_date": AS_OF - timedelta(days=60), "holdout_end_date": AS_OF - timedelta(days=4),
                                 "holdout_weeks": 8, "customers_evaluated": 180, "actual_holdout_total": 130.0,
                                 "predicted_holdout_total": 124.0, "total_relative_error": -0.0462,
                                 "naive_total_relative_error": 0.31, "bucket_wape": 0.08, "customer_mae": 0.5,
                                 "naive_customer_mae": 0.7} for k in range(8)])
    acc = pd.DataFrame([{"as_of_date": AS_OF - timedelta(days=k), "model": m, "cutoff_date": AS_OF - timedelta(days=k + 14),
                         "horizon_days": 14, "series": 16, "actual_units": 400.0,
                         "wape": (0.35 if m == "xgboost" else 0.5) + 0.01 * k, "bias": (0.05 if m == "xgboost" else -0.1),
                         "p10_p90_coverage": 0.78 if m == "xgboost" else None, "model_version": "fc-20250501-ab12cd34",
                         "segment_type": seg_type, "segment": seg, "horizon_bucket": bucket, "horizon_from": lo,
                         "horizon_to": hi, "mase": (0.7 if m == "xgboost" else 1.1) + 0.01 * k,
                         "wape_14d": ((0.2 if m == "xgboost" else 0.3) + 0.01 * k) if bucket == "all" else None}
                        for k in range(10) for m in ("xgboost", "seasonal_naive", "moving_average")
                        for seg_type, seg, bucket, lo, hi in
                        [("all", "all", "all", 1, 14)] + ([("all", "all", "1-7", 1, 7), ("all", "all", "8-14", 8, 14),
                                                            ("item_type", "staple", "all", 1, 14),
                                                            ("ltv_class", "高", "all", 1, 14),
                                                            ("ltv_class", "unknown", "all", 1, 14)] if k == 0 else [])])
    orders = []
    rank = 0
    for sku, style, _l, _c, kind, cost, _p in SKUS:
        for loc, _ch, _lab in LOCATIONS:
            rank += 1
            qty = 12 if (rank % 3) else 0
            orders.append({"as_of_date": AS_OF, "sku_id": sku, "location_id": loc, "item_type": kind,
                           "ltv_class": cells[sku][3],
                           "method": "newsvendor" if kind == "seasonal" else "periodic_review_order_up_to",
                           "service_level_target": 0.95, "protection_days": 14.0, "demand_over_protection_units": 30.5,
                           "demand_sd_units": 6.2, "safety_stock_units": 10.3, "reorder_point_units": 40.8,
                           "order_up_to_units": 52.0, "on_hand_units": 25.0, "on_order_units": 6.0,
                           "inventory_position_units": 31.0, "recommended_order_qty": qty,
                           "order_value_jpy": qty * cost, "expected_gross_profit_jpy": qty * 900,
                           "priority_rank": rank if qty else None, "reason": "case_pack" if qty else "no_need"})
    st = []
    for grain in ("sku", "style"):
        items = ([(s, st_, k) for s, st_, _l, _c, k, *_ in SKUS] if grain == "sku"
                 else [("ST-A", "ST-A", "staple"), ("ST-B", "ST-B", "seasonal"), ("ST-X", "ST-X", "seasonal")])
        for item_id, style, kind in items:
            for ch in ("store", "ec", "mall", "all"):
                sold, oh = 40, 25 if item_id != "ST-B" else 60
                st.append({"as_of_date": AS_OF, "grain": grain, "item_id": item_id, "style_id": style,
                           "sku_id": item_id if grain == "sku" else None, "channel": ch, "item_type": kind,
                           "period_start": date(2025, 4, 1) if kind == "seasonal" else AS_OF - timedelta(days=27),
                           "received_units": sold + oh, "sold_units": sold, "on_hand_units": oh,
                           "sell_through_rate": round(sold / (sold + oh), 4), "sold_units_28d": 20,
                           "weeks_of_cover": round(oh / 5, 1),
                           "target_sell_out_date": date(2025, 6, 30) if kind == "seasonal" else None,
                           "forecast_as_of_date": AS_OF, "forecast_sell_out_date": date(2025, 7, 20),
                           "projected_sell_out_date": date(2025, 7, 20) if kind == "seasonal" else date(2025, 6, 5),
                           "projection_basis": "forecast", "days_ahead_of_target": -20 if kind == "seasonal" else None,
                           "sell_through_status": "overstock_risk" if kind == "seasonal" else "continuing"})
    inv = []
    for sku, style, slabel, cat, kind, cost, _p in SKUS:
        for loc, ch, label in LOCATIONS:
            dead = sku in ("SKU-B1", HOSTILE_SKU) and loc in ("S02", "M01")
            inv.append({"as_of_date": AS_OF, "sku_id": sku, "location_id": loc, "channel": ch, "location_label": label,
                        "style_id": style, "style_label": slabel, "category": cat, "item_type": kind,
                        "product_status": "active", "on_hand_units": 10, "on_order_units": 0, "unit_cost_jpy": cost,
                        "on_hand_value_jpy": 10 * cost, "stock_age_days": 70.0 if dead else 12.0,
                        "days_since_last_sale": 65 if dead else 1, "units_sold_28d": 0 if dead else 30,
                        "units_sold_90d": 0 if dead else 45, "cost_of_goods_90d_jpy": 0 if dead else 45 * cost,
                        "avg_on_hand_units_90d": 12.0, "inventory_turnover_annualised": None if dead else 12.2,
                        "stockout_days_28d": 2, "stockout_days_90d": 3, "days_observed_90d": 45,
                        "dead_stock_flag": dead, "dead_stock_reason": "no_sale_60d" if dead else None,
                        "dead_stock_value_jpy": 10 * cost if dead else 0})
    camp = pd.DataFrame([{"campaign_id": f"CP{i}", "campaign_label": lab, "channel": ch, "mechanism": "percent_off",
                          "discount_pct": 20, "start_date": date(2025, 4, 20) + timedelta(days=10 * i),
                          "end_date": date(2025, 4, 26) + timedelta(days=10 * i), "is_complete": True,
                          "actual_units": 120, "baseline_units": 80.0, "uplift_units": 40.0, "uplift_pct": 0.5,
                          "actual_gross_profit_jpy": 150000, "baseline_gross_profit_jpy": 140000,
                          "discount_cost_jpy": 30000, "incremental_gross_profit_jpy": 10000 if ch == "ec" else -5000,
                          "net_incremental_gross_profit_jpy": 4000 if ch == "ec" else -9000, "buyers": 40,
                          "new_buyer_share": 0.25, "later_repeat_rate": 0.3}
                         for i, lab in enumerate(["GW セール", "<b>bold</b> campaign"]) for ch in ("ec", "store")])
    return {"mart_channel_sales_daily": pd.DataFrame(sales), "mart_customer_ltv": customers,
            "mart_item_ltv_contribution": item, "mart_zpm": zpm, "mart_forecast_accuracy": acc,
            "replenishment_order_list": pd.DataFrame(orders), "mart_sell_through": pd.DataFrame(st),
            "mart_inventory_health": pd.DataFrame(inv), "mart_campaign_effect": camp,
            "mart_ltv_calibration": calibration}


def write_marts(conn, schema: str, frames: dict[str, pd.DataFrame] | None = None,
                empty: tuple[str, ...] = ()) -> None:
    """(Re)create ``schema`` with one table per mart; the marts named in ``empty`` get no rows."""
    frames = frames if frames is not None else mart_frames()
    conn.execute(sql.SQL("drop schema if exists {} cascade").format(sql.Identifier(schema)))
    conn.execute(sql.SQL("create schema {}").format(sql.Identifier(schema)))
    for mart, types in TYPES.items():
        if mart not in frames:
            continue
        cols = sql.SQL(", ").join(sql.SQL("{} {}").format(sql.Identifier(c), sql.SQL(t)) for c, t in types.items())
        conn.execute(sql.SQL("create table {} ({})").format(sql.Identifier(schema, mart), cols))
        if mart in empty:
            continue
        frame = frames[mart][list(types)].astype(object).where(frames[mart][list(types)].notna(), None)
        for c, t in types.items():
            if t in ("integer", "bigint"):
                frame[c] = pd.Series([None if v is None else int(v) for v in frame[c]], index=frame.index, dtype=object)
        with conn.cursor().copy(sql.SQL("copy {} ({}) from stdin").format(
                sql.Identifier(schema, mart), sql.SQL(", ").join(map(sql.Identifier, types)))) as copy:
            for row in frame.itertuples(index=False, name=None):
                copy.write_row(row)
