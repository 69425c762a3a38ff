"""Item value stage: customer value attributed to items (item LTV contribution) and the ZPM portfolio.

Reads the unified sales lines (``intermediate.int_sales_lines``), the day's customer scores
(``models.customer_ltv``) and end-of-day stock (``intermediate.int_demand_daily``); writes
``models.item_value``: one row per SKU per ``as_of_date`` with the customer value the SKU carries, its LTV
class (高/中/低) and its ZPM cell and recommended action. The replenishment stage reads the LTV class.
"""
from __future__ import annotations

import logging
from datetime import date, timedelta

import numpy as np
import pandas as pd
import psycopg

from ..portfolio import ItemLtvConfig, ZpmConfig, classify_zpm, item_ltv_contribution, zpm_item_inputs
from ..warehouse.frames import read_frame, replace_rows

log = logging.getLogger(__name__)

ITEM_VALUE_COLUMNS = {
    "as_of_date": "date not null", "sku_id": "text not null", "net_sales_jpy": "double precision",
    "buyers": "integer", "clv_contribution_jpy": "double precision", "clv_share": "double precision",
    "clv_rank": "integer", "high_ltv_buyer_lift": "double precision", "repeat_rate": "double precision",
    "ltv_class": "text", "ltv_class_reason": "text", "units_sold_window": "double precision",
    "on_hand_units": "double precision", "weeks_of_cover": "double precision",
    "gross_margin_rate": "double precision", "gmroi": "double precision",
    "sell_through_rate": "double precision", "zpm_cell": "text", "zpm_cell_name": "text",
    "zpm_cell_name_ja": "text", "recommended_action": "text", "recommended_action_ja": "text",
}
LTV_WEIGHT = {"高": 2.5, "中": 1.0, "低": 0.5}
"""Weight of an item's customer value in its service level (replenishment): 高 items are protected most."""


def compute_item_value(lines: pd.DataFrame, scores: pd.DataFrame, stock: pd.DataFrame, as_of: date,
                       ltv_config: ItemLtvConfig | None = None, zpm_config: ZpmConfig | None = None) -> pd.DataFrame:
    """Pure part. ``lines``: customer_key (null = anonymous), sku_id, sales_date, units, net_sales_jpy,
    gross_profit_jpy. ``scores``: customer_key, clv, segment. ``stock``: sku_id, snapshot_date,
    on_hand_units, unit_cost_jpy (per location rows)."""
    zpm_config = zpm_config or ZpmConfig()
    if lines.empty:
        return pd.DataFrame(columns=list(ITEM_VALUE_COLUMNS))
    if scores.empty:  # no customer model yet: every item is average ("中")
        value = pd.DataFrame(index=pd.Index(sorted(lines["sku_id"].unique()), name="sku_id"))
        value["ltv_class"], value["ltv_class_reason"] = "中", "no_customer_scores"
    else:
        value = item_ltv_contribution(lines, scores.set_index("customer_key"), ltv_config, as_of=as_of)
    zpm = classify_zpm(zpm_item_inputs(lines, stock, as_of=as_of, window_weeks=zpm_config.window_weeks,
                                       attributes=value[["ltv_class"]]), zpm_config)
    out = zpm.join(value.drop(columns=[c for c in value.columns if c in zpm.columns]), how="left")
    out = out.reset_index().rename(columns={"index": "sku_id", "units_sold": "units_sold_window",
                                            "cell_name": "zpm_cell_name", "cell_name_ja": "zpm_cell_name_ja"})
    out["as_of_date"] = as_of.isoformat()
    out["ltv_class"] = out["ltv_class"].fillna("低")
    for col in ITEM_VALUE_COLUMNS:
        if col not in out.columns:
            out[col] = np.nan
    # unbounded ratios (cover of stock that does not sell, GMROI on zero inventory) are unknown, not infinite:
    # null in the warehouse, where numeric types have no infinity
    return out[list(ITEM_VALUE_COLUMNS)].replace([np.inf, -np.inf], np.nan)


def value_items(conn: psycopg.Connection, as_of: date, history_days: int = 365) -> dict:
    start = as_of - timedelta(days=history_days)
    lines = read_frame(conn, "select customer_key, sku_id, sales_date, quantity as units, net_sales_jpy, "
                             "gross_profit_jpy from intermediate.int_sales_lines where sales_date between %s and %s",
                       (start, as_of), dtypes={"customer_key": "string", "sku_id": "string"})
    scores = read_frame(conn, "select customer_key, clv_jpy as clv, segment from models.customer_ltv "
                              "where as_of_date = %s", (as_of,), dtypes={"customer_key": "string"})
    stock = read_frame(conn, "select d.sku_id, d.sales_date as snapshot_date, d.on_hand_units, p.unit_cost_jpy "
                             "from intermediate.int_demand_daily d join intermediate.int_inventory_position p "
                             "using (sku_id, location_id) where d.sales_date between %s and %s",
                       (as_of - timedelta(weeks=8), as_of), dtypes={"sku_id": "string"})
    if stock.empty:
        stock = pd.DataFrame(columns=["sku_id", "snapshot_date", "on_hand_units", "unit_cost_jpy"])
    out = compute_item_value(lines, scores, stock, as_of)
    n = replace_rows(conn, "item_value", out, ITEM_VALUE_COLUMNS, {"as_of_date": as_of},
                     comment="Item LTV contribution, LTV class and ZPM cell per SKU and as_of_date")
    classes = out["ltv_class"].value_counts().to_dict() if n else {}
    log.info("item value %s: %d SKUs, classes %s", as_of, n, classes)
    return {"items": n, "ltv_classes": classes}
