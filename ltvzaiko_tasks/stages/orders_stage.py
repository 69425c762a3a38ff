"""Orders stage: the replenishment order list for staples and seasonal goods, prioritised by customer value,
the markdown list for excess stock, and a purchase-order file per supplier.

Joins the inventory position (``intermediate.int_inventory_position``), the day's demand forecast
(``models.demand_forecast``) and the items' customer value and ZPM cell (``models.item_value``), turns the
forecast into demand over each row's protection interval, and lets
:func:`~ltvzaiko_tasks.replenishment.recommend_orders` compute safety stock, reorder point, order-up-to and the
recommended quantity with its reasons. Staple service levels come from the LTV class × ZPM cell table
(:class:`~ltvzaiko_tasks.replenishment.service_targets.ServiceLevelTargets`); nothing is reordered from an
item's last order date (the product master's, or season end − lead time for seasonal goods). The markdown list
comes from :mod:`.markdown_stage`.

Both lists pass the output checks of :mod:`ltvzaiko_tasks.replenishment.output_rules` before anything is
written; then ``models.order_recommendations`` and ``models.markdown_recommendations`` (one slice per
``as_of_date``) are replaced in one transaction, and ``$LTVZAIKO_HOME/purchase_orders/<as_of_date>/
<supplier_id>.csv`` are written for the buyers.
"""
from __future__ import annotations

import logging
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import psycopg

from ..replenishment import ReplenishmentPolicy, recommend_orders
from ..replenishment.markdown_table import MarkdownPolicy
from ..replenishment.service_targets import ServiceLevelTargets
from ..warehouse.frames import read_frame, replace_rows
from .item_value_stage import LTV_WEIGHT

log = logging.getLogger(__name__)

Z_90 = 1.2815515655446004
"""Standard normal quantile at 0.9: sd ≈ (p90 − p10) / (2 × 1.2816) for a roughly normal forecast."""

ORDER_COLUMNS = {
    "as_of_date": "date not null", "sku_id": "text not null", "location_id": "text not null",
    "style_id": "text", "supplier_id": "text", "item_type": "text", "ltv_class": "text", "zpm_cell": "text",
    "ltv_weight": "double precision", "on_hand": "double precision",
    "on_order": "double precision", "protection_days": "double precision", "review_period_days": "double precision",
    "lead_time_mean_days": "double precision", "lead_time_sd_days": "double precision",
    "demand_mean": "double precision", "demand_sd": "double precision",
    "protection_demand_sd": "double precision", "method": "text", "service_level_target": "double precision",
    "safety_stock": "double precision", "reorder_point": "double precision", "order_up_to": "double precision",
    "inventory_position": "double precision", "raw_need": "double precision", "order_qty": "integer",
    "binding_constraint": "text", "case_pack": "integer", "moq": "integer", "last_order_date": "date",
    "unit_cost_jpy": "double precision", "price_jpy": "double precision", "order_value_jpy": "double precision",
    "expected_gross_profit_jpy": "double precision", "gross_profit_per_yen": "double precision",
    "priority_rank": "integer",
}
NO_FORECAST = "no_forecast"
"""Reason of an active staple listed without a forecast (a new listing): nothing is ordered until one exists."""

POSITION_QUERY = ("select sku_id, location_id, style_id, supplier_id, item_type, status, on_hand_units, "
                  "on_order_units, unit_cost_jpy, list_price_jpy, selling_price_jpy, markdown_pct, case_pack, moq, "
                  "lead_time_mean_days, lead_time_sd_days, season_end, end_date, last_order_date "
                  "from intermediate.int_inventory_position")


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


def last_order_dates(pos: pd.DataFrame) -> pd.Series:
    """The last order date per row (最終発注日): no order is placed on or after it. The product master's
    ``last_order_date`` ("no order from this day on"), and for seasonal goods at the latest season end − mean
    lead time (rounded up), after which a reorder would arrive too late to sell (SPEC §6.5); NaT when neither
    exists."""
    master = pd.to_datetime(pos["last_order_date"], errors="coerce") if "last_order_date" in pos.columns \
        else pd.Series(pd.NaT, index=pos.index)
    season_end = pd.to_datetime(pos["season_end"], errors="coerce")
    window = season_end - pd.to_timedelta(np.ceil(pos["lead_time_mean_days"].astype(float)), unit="D")
    window = window.where(pos["item_type"].eq("seasonal"))
    return pd.concat([master, window], axis=1).min(axis=1)


def build_order_rows(position: pd.DataFrame, forecast: pd.DataFrame, item_value: pd.DataFrame, as_of: date,
                     policy: ReplenishmentPolicy, targets: ServiceLevelTargets | None = None) -> pd.DataFrame:
    """The rows :func:`recommend_orders` needs, one per SKU × location with a forecast, plus every active staple
    without one (a new listing: zero demand, nothing ordered, reason ``no_forecast``)."""
    targets = targets or ServiceLevelTargets.from_env()
    pos = position.copy()
    pos["item_type"] = pos["item_type"].where(pos["item_type"].isin(["staple", "seasonal"]), "staple")
    season_end = pd.to_datetime(pos["season_end"], errors="coerce")
    days_left = (season_end - pd.Timestamp(as_of)).dt.days
    staple_days = policy.review_period_days + pos["lead_time_mean_days"].astype(float)
    seasonal = pos["item_type"].eq("seasonal")
    pos["protection_days"] = np.where(seasonal, days_left.fillna(0).clip(lower=0), staple_days)
    pos["review_period_days"] = policy.review_period_days
    last_order = last_order_dates(pos)
    pos["last_order_date"] = last_order.dt.date.astype(object).where(last_order.notna(), None)
    pos["order_allowed"] = last_order.isna() | (pd.Timestamp(as_of) < last_order)
    keyed = pos.set_index(["sku_id", "location_id"])
    demand = protection_demand(forecast, keyed["protection_days"]) if not forecast.empty else pd.DataFrame(
        columns=["demand_mean", "demand_sd"], index=keyed.index[:0])  # no forecast yet (too little history)
    rows = keyed.join(demand, how="left").reset_index()
    no_forecast = rows["demand_mean"].isna()
    active_staple = rows["item_type"].eq("staple") & rows["status"].astype(str).eq("active") \
        if "status" in rows.columns else pd.Series(False, index=rows.index)
    rows = rows[~no_forecast | active_staple].copy()
    rows["no_forecast"] = rows["demand_mean"].isna()
    rows[["demand_mean", "demand_sd"]] = rows[["demand_mean", "demand_sd"]].astype(float).fillna(0.0)
    values = item_value.set_index("sku_id") if not item_value.empty else pd.DataFrame(
        columns=["ltv_class", "zpm_cell"])
    rows["ltv_class"] = rows["sku_id"].map(values["ltv_class"]).astype(object).fillna("中")
    rows["zpm_cell"] = rows["sku_id"].map(values["zpm_cell"]).astype(object) if "zpm_cell" in values.columns \
        else None
    rows["ltv_weight"] = rows["ltv_class"].map(LTV_WEIGHT).astype(float)
    rows["service_level"] = targets.targets(rows["ltv_class"], rows["zpm_cell"], policy)
    rows = rows.rename(columns={"on_hand_units": "on_hand", "on_order_units": "on_order"})
    rows["price_jpy"] = rows["list_price_jpy"].astype(float)
    return rows.reset_index(drop=True)


def compute_orders(position, forecast, item_value, as_of: date, policy: ReplenishmentPolicy | None = None,
                   budget_jpy: float | None = None, targets: ServiceLevelTargets | None = None) -> pd.DataFrame:
    policy = policy or ReplenishmentPolicy()
    if position.empty:
        return pd.DataFrame(columns=list(ORDER_COLUMNS))
    rows = build_order_rows(position, forecast, item_value, as_of, policy, targets)
    if rows.empty:
        return pd.DataFrame(columns=list(ORDER_COLUMNS))
    rec = recommend_orders(rows, policy, budget_jpy=budget_jpy)
    rec["as_of_date"] = as_of.isoformat()
    rec["order_qty"] = rec["order_qty"].round().astype(int)
    rec["binding_constraint"] = rec["binding_constraint"].astype(str).where(~rec["no_forecast"], NO_FORECAST)
    ordered = rec["order_qty"] > 0
    rec["priority_rank"] = np.nan
    rec.loc[ordered, "priority_rank"] = rec.loc[ordered, "gross_profit_per_yen"].rank(ascending=False,
                                                                                     method="first")
    for col in ORDER_COLUMNS:  # master columns a caller's position frame may not carry
        if col not in rec.columns:
            rec[col] = None
    return rec[list(ORDER_COLUMNS)]


def read_inputs(conn: psycopg.Connection, as_of: date) -> dict[str, pd.DataFrame]:
    """What the order and markdown lists are computed from: position, forecast, item values (class, ZPM cell)."""
    text = {"sku_id": "string", "location_id": "string"}
    return {
        "position": read_frame(conn, POSITION_QUERY, dtypes={**text, "style_id": "string", "supplier_id": "string"}),
        "forecast": read_frame(conn, "select sku_id, location_id, forecast_date, mean_units, p10_units, p90_units "
                                     "from models.demand_forecast where as_of_date = %s", (as_of,), dtypes=text),
        "item_value": read_frame(conn, "select sku_id, ltv_class, zpm_cell from models.item_value "
                                       "where as_of_date = %s", (as_of,), dtypes={"sku_id": "string"}),
    }


def _last_sales(conn: psycopg.Connection, as_of: date, days: int) -> tuple[pd.DataFrame, int | None]:
    """Last sale date within ``days`` per SKU × location, and how many days of demand history are loaded."""
    last = read_frame(conn, "select sku_id, location_id, max(sales_date) as last_sale_date "
                            "from intermediate.int_demand_daily where sales_date > %s::date - %s "
                            "and sales_date <= %s and units_sold > 0 group by sku_id, location_id",
                      (as_of, days, as_of), dtypes={"sku_id": "string", "location_id": "string"})
    first = conn.execute("select min(sales_date) from intermediate.int_demand_daily").fetchone()[0]
    return last, ((as_of - first).days + 1 if first else None)


def recommend_replenishment(conn: psycopg.Connection, as_of: date, policy: ReplenishmentPolicy | None = None,
                            budget_jpy: float | None = None, targets: ServiceLevelTargets | None = None,
                            markdown_policy: MarkdownPolicy | None = None,
                            purchase_order_dir: Path | None = None) -> dict:
    """Compute, check and write the order list and the markdown list for ``as_of``; then the purchase orders.

    A broken output check raises :class:`~ltvzaiko_tasks.quality.output_gate.OutputCheckFailed` before anything
    is written: the previous tables and files stay as they were."""
    from ..replenishment.output_rules import gate_replenishment
    from ..replenishment.purchase_orders import write_purchase_orders
    from ..settings import load_settings
    from .markdown_stage import MARKDOWN_COLUMNS, compute_markdowns

    policy = policy or ReplenishmentPolicy.from_env()
    markdown_policy = markdown_policy or MarkdownPolicy()
    inputs = read_inputs(conn, as_of)
    out = compute_orders(inputs["position"], inputs["forecast"], inputs["item_value"], as_of, policy, budget_jpy,
                         targets)
    last_sale, history_days = _last_sales(conn, as_of, markdown_policy.dead_stock_days)
    markdowns = compute_markdowns(inputs["position"], inputs["forecast"], inputs["item_value"], last_sale, as_of,
                                  markdown_policy, history_days)
    gate_replenishment(out, inputs["position"], markdowns)
    with conn.transaction():
        n = replace_rows(conn, "order_recommendations", out, ORDER_COLUMNS, {"as_of_date": as_of},
                         comment="Recommended orders per SKU x location with safety stock, reorder point, order-up-to")
        m = replace_rows(conn, "markdown_recommendations", markdowns, MARKDOWN_COLUMNS, {"as_of_date": as_of},
                         comment="Markdown / hold / coupon / transfer per SKU x location with excess or dead stock")
    folder = purchase_order_dir or load_settings().home / "purchase_orders"
    files = write_purchase_orders(out, as_of, folder) if n else {}
    lines = int((out["order_qty"] > 0).sum()) if n else 0
    value = float(out["order_value_jpy"].sum()) if n else 0.0
    actions = markdowns["action"].value_counts().to_dict() if m else {}
    log.info("orders %s: %d rows, %d order lines, ¥%s at cost, %d purchase-order files; markdown list %d rows %s",
             as_of, n, lines, f"{value:,.0f}", len(files), m, actions)
    return {"rows": n, "order_lines": lines, "order_value_jpy": value, "purchase_order_files": len(files),
            "purchase_order_dir": str(Path(folder) / as_of.isoformat()), "markdown_rows": m,
            "markdown_actions": actions}
