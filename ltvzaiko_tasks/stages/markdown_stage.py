"""Markdown list: excess and dead stock per SKU × location and what to do with it (sell down, hold, targeted
coupon, transfer), from the same inputs as the order list.

The pure decision is :func:`~ltvzaiko_tasks.replenishment.markdown_table.recommend_markdowns`; this module
builds its rows from the inventory position, the demand forecast, the item values and the last sale dates,
and is called by the orders stage, which gates and writes ``models.markdown_recommendations``.
"""
from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from ..replenishment.markdown_table import MarkdownPolicy, recommend_markdowns
from .orders_stage import protection_demand

MARKDOWN_COLUMNS = {
    "as_of_date": "date not null", "sku_id": "text not null", "location_id": "text not null",
    "style_id": "text", "item_type": "text", "product_status": "text", "ltv_class": "text", "zpm_cell": "text",
    "target_date": "date", "days_to_target": "double precision", "on_hand": "double precision",
    "on_order": "double precision", "stock_units": "double precision", "demand_mean": "double precision",
    "demand_sd": "double precision", "days_since_last_sale": "double precision", "dead_stock": "boolean",
    "excess_units": "double precision", "excess_value_jpy": "double precision",
    "transfer_units": "double precision", "action": "text", "action_ja": "text",
    "current_markdown_rate": "double precision", "price_jpy": "double precision",
    "suggested_markdown_rate": "double precision", "suggested_price_jpy": "double precision",
    "expected_sell_through_full_price": "double precision",
    "expected_sell_through_after_action": "double precision",
    "expected_gross_profit_effect_jpy": "double precision", "sell_out_days": "double precision",
    "forecast_sell_out_date": "date", "reason_codes": "text",
}


def build_markdown_rows(position: pd.DataFrame, forecast: pd.DataFrame, item_value: pd.DataFrame,
                        last_sale: pd.DataFrame, as_of: date, policy: MarkdownPolicy,
                        history_days: int | None = None) -> pd.DataFrame:
    """One row per SKU × location with stock: its target date and the forecast demand until then.

    ``last_sale``: sku_id, location_id, last_sale_date of sales within the last ``policy.dead_stock_days``;
    ``history_days``: days of demand history loaded (no-sale days are counted at most that far back)."""
    pos = position[pd.to_numeric(position["on_hand_units"], errors="coerce").fillna(0) > 0].copy()
    if pos.empty:
        return pd.DataFrame()
    pos["item_type"] = pos["item_type"].where(pos["item_type"].isin(["staple", "seasonal"]), "staple")
    today = pd.Timestamp(as_of)
    seasonal = pos["item_type"].eq("seasonal")
    season_end = pd.to_datetime(pos["season_end"], errors="coerce")
    end_date = pd.to_datetime(pos["end_date"], errors="coerce")
    staple_target = today + pd.Timedelta(days=policy.staple_cover_days)
    target = np.where(seasonal, season_end.fillna(end_date), end_date)
    target = pd.to_datetime(pd.Series(target, index=pos.index)).fillna(staple_target)
    pos["target_date"] = target.dt.date.astype(str)
    pos["days_to_target"] = (target - today).dt.days.clip(lower=0).astype(float)
    pos["discontinued"] = ~seasonal & end_date.notna()
    pos["off_sale"] = pos["status"].astype(str).eq("ended")
    keyed = pos.set_index(["sku_id", "location_id"])
    demand = protection_demand(forecast, keyed["days_to_target"]) if not forecast.empty else pd.DataFrame(
        columns=["demand_mean", "demand_sd"], index=keyed.index[:0])  # no forecast (too little history): keyed alike
    rows = keyed.join(demand, how="left").reset_index()
    rows[["demand_mean", "demand_sd"]] = rows[["demand_mean", "demand_sd"]].astype(float).fillna(0.0)
    classes = item_value.set_index("sku_id") if not item_value.empty else pd.DataFrame(
        columns=["ltv_class", "zpm_cell"])
    rows["ltv_class"] = rows["sku_id"].map(classes["ltv_class"]).astype(object).fillna("中")
    rows["zpm_cell"] = rows["sku_id"].map(classes["zpm_cell"]).astype(object)
    sold = last_sale.set_index(["sku_id", "location_id"])["last_sale_date"] if not last_sale.empty else None
    cap = float(min(policy.dead_stock_days, history_days)) if history_days is not None else float(
        policy.dead_stock_days)
    since = np.full(len(rows), cap)
    if sold is not None:
        last = pd.to_datetime(pd.Series([sold.get((s, loc)) for s, loc in zip(rows["sku_id"], rows["location_id"])],
                                        index=rows.index), errors="coerce")
        since = np.where(last.notna(), (today - last).dt.days, cap)
    rows["days_since_last_sale"] = since.astype(float)
    rows = rows.rename(columns={"on_hand_units": "on_hand", "on_order_units": "on_order",
                                "status": "product_status"})
    rows["price_jpy"] = pd.to_numeric(rows["selling_price_jpy"], errors="coerce").fillna(
        pd.to_numeric(rows["list_price_jpy"], errors="coerce")).astype(float)
    rows["current_markdown_rate"] = pd.to_numeric(rows["markdown_pct"], errors="coerce").fillna(0) / 100.0
    rows["unit_cost_jpy"] = pd.to_numeric(rows["unit_cost_jpy"], errors="coerce").fillna(0.0)
    return rows


def compute_markdowns(position, forecast, item_value, last_sale, as_of: date, policy: MarkdownPolicy | None = None,
                      history_days: int | None = None) -> pd.DataFrame:
    policy = policy or MarkdownPolicy()
    rows = build_markdown_rows(position, forecast, item_value, last_sale, as_of, policy, history_days)
    if rows.empty:
        return pd.DataFrame(columns=list(MARKDOWN_COLUMNS))
    out = recommend_markdowns(rows, policy)
    out["as_of_date"] = as_of.isoformat()
    days = out["sell_out_days"].replace([np.inf, -np.inf], np.nan)
    out["sell_out_days"] = days  # never at the forecast rate: null (the warehouse's numeric has no infinity)
    out["forecast_sell_out_date"] = [(pd.Timestamp(as_of) + pd.Timedelta(days=int(np.ceil(d)))).date().isoformat()
                                     if pd.notna(d) and d < 3650 else None for d in days]
    for col in MARKDOWN_COLUMNS:  # master columns a caller's position frame may not carry
        if col not in out.columns:
            out[col] = None
    return out[list(MARKDOWN_COLUMNS)].reset_index(drop=True)
