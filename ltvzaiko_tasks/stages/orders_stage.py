"""Orders stage: the replenishment order list for staples and seasonal goods, prioritised by customer value.

Joins the inventory position (``intermediate.int_inventory_position``), the day's demand forecast
(``models.demand_forecast``) and the items' customer value (``models.item_value``), turns the forecast into
demand over each row's protection interval, and lets :func:`~ltvzaiko_tasks.replenishment.recommend_orders`
compute safety stock, reorder point, order-up-to and the recommended quantity with its reasons. Writes
``models.order_recommendations`` (one row per SKU × location per ``as_of_date``).
"""
from __future__ import annotations

import logging
from datetime import date

import numpy as np
import pandas as pd
import psycopg

from ..replenishment import ReplenishmentPolicy, recommend_orders
from ..warehouse.frames import read_frame, replace_rows
from .item_value_stage import LTV_WEIGHT

log = logging.getLogger(__name__)

Z_90 = 1.2815515655446004
"""Standard normal quantile at 0.9: sd ≈ (p90 − p10) / (2 × 1.2816) for a roughly normal forecast."""

ORDER_COLUMNS = {
    "as_of_date": "date not null", "sku_id": "text not null", "location_id": "text not null",
    "item_type": "text", "ltv_class": "text", "ltv_weight": "double precision", "on_hand": "double precision",
    "on_order": "double precision", "protection_days": "double precision", "demand_mean": "double precision",
    "demand_sd": "double precision", "method": "text", "service_level_target": "double precision",
    "safety_stock": "double precision", "reorder_point": "double precision", "order_up_to": "double precision",
    "inventory_position": "double precision", "raw_need": "double precision", "order_qty": "integer",
    "binding_constraint": "text", "unit_cost_jpy": "double precision", "order_value_jpy": "double precision",
    "expected_gross_profit_jpy": "double precision", "gross_profit_per_yen": "double precision",
    "priority_rank": "integer",
}


def protection_demand(forecast: pd.DataFrame, days: pd.Series) -> pd.DataFrame:
    """Mean and sd of demand over the first ``days`` forecast days of each series (keys sku_id, location_id;
    ``days`` indexed the same way). Beyond the forecast horizon the last week's daily mean is extended."""
    f = forecast.sort_values(["sku_id", "location_id", "forecast_date"]).copy()
    f["step"] = f.groupby(["sku_id", "location_id"]).cumcount() + 1
    f["var"] = ((f["p90_units"] - f["p10_units"]).clip(lower=0) / (2 * Z_90)) ** 2
    f = f.join(days.rename("days"), on=["sku_id", "location_id"], how="inner")
    inside = f[f["step"] <= np.ceil(f["days"])]
    agg = inside.groupby(["sku_id", "location_id"]).agg(mean=("mean_units", "sum"), var=("var", "sum"),
                                                        steps=("step", "max"))
    tail = f[f["step"] > f.groupby(["sku_id", "location_id"])["step"].transform("max") - 7]
    tail = tail.groupby(["sku_id", "location_id"]).agg(tail_mean=("mean_units", "mean"), tail_var=("var", "mean"))
    agg = agg.join(tail).join(days.rename("days"))
    extra = (agg["days"] - agg["steps"]).clip(lower=0)
    agg["demand_mean"] = agg["mean"] + extra * agg["tail_mean"]
    agg["demand_sd"] = np.sqrt(agg["var"] + extra * agg["tail_var"])
    return agg[["demand_mean", "demand_sd"]]


def build_order_rows(position: pd.DataFrame, forecast: pd.DataFrame, item_value: pd.DataFrame, as_of: date,
                     policy: ReplenishmentPolicy) -> pd.DataFrame:
    """The rows :func:`recommend_orders` needs, one per SKU × location with a forecast."""
    pos = position.copy()
    pos["item_type"] = pos["item_type"].fillna("staple")
    season_end = pd.to_datetime(pos["season_end"], errors="coerce")
    days_left = (season_end - pd.Timestamp(as_of)).dt.days
    staple_days = policy.review_period_days + pos["lead_time_mean_days"].astype(float)
    seasonal = pos["item_type"].eq("seasonal")
    pos["protection_days"] = np.where(seasonal, days_left.fillna(0).clip(lower=0), staple_days)
    pos["order_allowed"] = ~seasonal | (days_left > pos["lead_time_mean_days"].astype(float))
    keyed = pos.set_index(["sku_id", "location_id"])
    demand = protection_demand(forecast, keyed["protection_days"])
    rows = keyed.join(demand, how="inner").reset_index()
    classes = item_value.set_index("sku_id")["ltv_class"] if not item_value.empty else pd.Series(dtype=str)
    rows["ltv_class"] = rows["sku_id"].map(classes).astype(object).fillna("中")
    rows["ltv_weight"] = rows["ltv_class"].map(LTV_WEIGHT).astype(float)
    rows = rows.rename(columns={"on_hand_units": "on_hand", "on_order_units": "on_order"})
    rows["price_jpy"] = rows["list_price_jpy"].astype(float)
    return rows


def compute_orders(position, forecast, item_value, as_of: date, policy: ReplenishmentPolicy | None = None,
                   budget_jpy: float | None = None) -> pd.DataFrame:
    policy = policy or ReplenishmentPolicy()
    if position.empty or forecast.empty:
        return pd.DataFrame(columns=list(ORDER_COLUMNS))
    rows = build_order_rows(position, forecast, item_value, as_of, policy)
    if rows.empty:
        return pd.DataFrame(columns=list(ORDER_COLUMNS))
    rec = recommend_orders(rows, policy, budget_jpy=budget_jpy)
    rec["as_of_date"] = as_of.isoformat()
    rec["order_qty"] = rec["order_qty"].round().astype(int)
    rec["binding_constraint"] = rec["binding_constraint"].astype(str)
    ordered = rec["order_qty"] > 0
    rec["priority_rank"] = np.nan
    rec.loc[ordered, "priority_rank"] = rec.loc[ordered, "gross_profit_per_yen"].rank(ascending=False,
                                                                                     method="first")
    return rec[list(ORDER_COLUMNS)]


def recommend_replenishment(conn: psycopg.Connection, as_of: date, policy: ReplenishmentPolicy | None = None,
                            budget_jpy: float | None = None) -> dict:
    policy = policy or ReplenishmentPolicy.from_env()
    position = read_frame(conn, "select sku_id, location_id, item_type, on_hand_units, on_order_units, "
                                "unit_cost_jpy, list_price_jpy, case_pack, moq, lead_time_mean_days, "
                                "lead_time_sd_days, season_end from intermediate.int_inventory_position",
                          dtypes={"sku_id": "string", "location_id": "string"})
    forecast = read_frame(conn, "select sku_id, location_id, forecast_date, mean_units, p10_units, p90_units "
                                "from models.demand_forecast where as_of_date = %s", (as_of,),
                          dtypes={"sku_id": "string", "location_id": "string"})
    item_value = read_frame(conn, "select sku_id, ltv_class from models.item_value where as_of_date = %s", (as_of,),
                            dtypes={"sku_id": "string"})
    out = compute_orders(position, forecast, item_value, as_of, policy, budget_jpy)
    n = replace_rows(conn, "order_recommendations", out, ORDER_COLUMNS, {"as_of_date": as_of},
                     comment="Recommended orders per SKU x location with safety stock, reorder point, order-up-to")
    lines = int((out["order_qty"] > 0).sum()) if n else 0
    value = float(out["order_value_jpy"].sum()) if n else 0.0
    log.info("orders %s: %d rows, %d order lines, ¥%s at cost", as_of, n, lines, f"{value:,.0f}")
    return {"rows": n, "order_lines": lines, "order_value_jpy": value}
