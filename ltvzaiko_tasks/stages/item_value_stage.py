"""Item value stage: customer value attributed to items (item LTV contribution) and the ZPM portfolio.

Reads the unified sales lines (``intermediate.int_sales_lines``), the day's customer scores
(``models.customer_ltv``) and end-of-day stock (``intermediate.int_demand_daily``); writes, per
``as_of_date``, ``models.item_value`` (one row per SKU) and ``models.item_value_by_style`` (one row per style,
商品番号: the item measured as a whole, not a sum of its SKUs' rates) with the customer value the item carries,
its LTV class (高/中/低) and its ZPM cell and recommended action. The replenishment stage reads the SKU's LTV
class; ``mart_item_ltv_contribution`` and ``mart_zpm`` serve both grains.

Both frames pass their quality rules (:mod:`ltvzaiko_tasks.portfolio.output_rules`) before either is written;
a frame that breaks one raises :class:`~ltvzaiko_tasks.quality.output_gate.OutputCheckFailed` and nothing of
the run is written.
"""
from __future__ import annotations

import logging
from datetime import date, timedelta

import numpy as np
import pandas as pd
import psycopg

from ..portfolio import ItemLtvConfig, ZpmConfig, classify_zpm, item_ltv_contribution_by_grain, zpm_item_inputs
from ..portfolio.output_rules import item_value_rules
from ..quality.output_gate import gate_output
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
    "high_ltv_buyers": "integer", "high_ltv_buyer_share": "double precision", "gateway_buyers": "integer",
    "gateway_repeat_rate": "double precision", "gateway_repeat_lift": "double precision",
    "anonymous_sales_share": "double precision",
}
STYLE_VALUE_COLUMNS = {("style_id" if c == "sku_id" else c): t for c, t in ITEM_VALUE_COLUMNS.items()}
"""``models.item_value_by_style``: the same measures per style (商品番号)."""
GRAINS = {"sku": "sku_id", "style": "style_id"}
"""Item grains the stage values: name → key column of the lines and stock."""
TABLES = {"sku": "item_value", "style": "item_value_by_style"}
"""The ``models`` table of each grain."""
LTV_WEIGHT = {"高": 2.5, "中": 1.0, "低": 0.5}
"""Weight of an item's customer value in its service level (replenishment): 高 items are protected most."""


def compute_item_value(lines: pd.DataFrame, scores: pd.DataFrame, stock: pd.DataFrame, as_of: date,
                       ltv_config: ItemLtvConfig | None = None, zpm_config: ZpmConfig | None = None) -> pd.DataFrame:
    """Pure part, SKU grain (the rows of ``models.item_value``). ``lines``: customer_key (null = anonymous),
    sku_id, sales_date, units, net_sales_jpy, gross_profit_jpy. ``scores``: customer_key, clv, segment.
    ``stock``: sku_id, snapshot_date, on_hand_units, unit_cost_jpy (per location rows)."""
    return compute_item_values(lines, scores, stock, as_of, ltv_config, zpm_config, grains=("sku",))["sku"]


def compute_item_values(lines: pd.DataFrame, scores: pd.DataFrame, stock: pd.DataFrame, as_of: date,
                        ltv_config: ItemLtvConfig | None = None, zpm_config: ZpmConfig | None = None,
                        grains: tuple[str, ...] = ("sku", "style")) -> dict[str, pd.DataFrame]:
    """Pure part, every grain: ``{"sku": rows of models.item_value, "style": rows of models.item_value_by_style}``.

    The style grain needs ``style_id`` on the lines and the stock rows; the style's measures are computed on the
    style as one item (its buyers, its repeat rate, its cover and margin), not summed from its SKUs, and its
    class comes from ranking styles against styles.
    """
    zpm_config = zpm_config or ZpmConfig()
    unknown = [g for g in grains if g not in GRAINS]
    if unknown:
        raise ValueError(f"unknown grain(s) {unknown}: use {sorted(GRAINS)}")
    columns = {"sku": ITEM_VALUE_COLUMNS, "style": STYLE_VALUE_COLUMNS}
    if lines.empty:
        return {g: pd.DataFrame(columns=list(columns[g])) for g in grains}
    for g in grains:
        for frame, name in ((lines, "sales lines"), (stock, "stock rows")):
            if GRAINS[g] not in frame.columns:
                raise ValueError(f"{name} lack {GRAINS[g]!r}, needed for the {g} grain")
    keys = {g: GRAINS[g] for g in grains}
    if scores.empty:  # no customer model yet: every item is average ("中")
        values = {}
        for g, col in keys.items():
            value = pd.DataFrame(index=pd.Index(sorted(lines[col].unique()), name=col))
            value["ltv_class"], value["ltv_class_reason"] = "中", "no_customer_scores"
            values[g] = value
    else:
        stacked = item_ltv_contribution_by_grain(lines, scores.set_index("customer_key"), ltv_config, grains=keys,
                                                 as_of=as_of)
        values = {g: stacked[stacked["grain"] == g].drop(columns="grain").set_index("item_id").rename_axis(col)
                  for g, col in keys.items()}
    return {g: _with_zpm(values[g], lines, stock, as_of, col, columns[g], zpm_config) for g, col in keys.items()}


def _with_zpm(value: pd.DataFrame, lines: pd.DataFrame, stock: pd.DataFrame, as_of: date, item_col: str,
              columns: dict[str, str], zpm_config: ZpmConfig) -> pd.DataFrame:
    zpm = classify_zpm(zpm_item_inputs(lines, stock, as_of=as_of, window_weeks=zpm_config.window_weeks,
                                       item_col=item_col, attributes=value[["ltv_class"]]), zpm_config)
    out = zpm.join(value.drop(columns=[c for c in value.columns if c in zpm.columns]), how="left")
    out = out.reset_index().rename(columns={"index": item_col, "units_sold": "units_sold_window",
                                            "cell_name": "zpm_cell_name", "cell_name_ja": "zpm_cell_name_ja"})
    out["as_of_date"] = as_of.isoformat()
    out["ltv_class"] = out["ltv_class"].fillna("低")
    for col in columns:
        if col not in out.columns:
            out[col] = np.nan
    # unbounded ratios (cover of stock that does not sell, GMROI on zero inventory) are unknown, not infinite:
    # null in the warehouse, where numeric types have no infinity
    return out[list(columns)].replace([np.inf, -np.inf], np.nan)


def value_items(conn: psycopg.Connection, as_of: date, history_days: int = 365) -> dict:
    start = as_of - timedelta(days=history_days)
    lines = read_frame(conn, "select customer_key, sku_id, style_id, sales_date, quantity as units, net_sales_jpy, "
                             "gross_profit_jpy from intermediate.int_sales_lines where sales_date between %s and %s",
                       (start, as_of), dtypes={"customer_key": "string", "sku_id": "string", "style_id": "string"})
    scores = read_frame(conn, "select customer_key, clv_jpy as clv, segment from models.customer_ltv "
                              "where as_of_date = %s", (as_of,), dtypes={"customer_key": "string"})
    stock = read_frame(conn, "select d.sku_id, d.style_id, d.sales_date as snapshot_date, d.on_hand_units, "
                             "p.unit_cost_jpy from intermediate.int_demand_daily d "
                             "join intermediate.int_inventory_position p using (sku_id, location_id) "
                             "where d.sales_date between %s and %s",
                       (as_of - timedelta(weeks=8), as_of), dtypes={"sku_id": "string", "style_id": "string"})
    if stock.empty:
        stock = pd.DataFrame(columns=["sku_id", "style_id", "snapshot_date", "on_hand_units", "unit_cost_jpy"])
    out = compute_item_values(lines, scores, stock, as_of)
    ltv_config = ItemLtvConfig()
    # the gate: both grains' rules before either is written (a failure raises and writes nothing)
    for grain, frame in out.items():
        if not frame.empty:
            gate_output(frame, TABLES[grain], item_value_rules(GRAINS[grain], ltv_config))
    n = replace_rows(conn, "item_value", out["sku"], ITEM_VALUE_COLUMNS, {"as_of_date": as_of},
                     comment="Item LTV contribution, LTV class and ZPM cell per SKU and as_of_date")
    n_styles = replace_rows(conn, "item_value_by_style", out["style"], STYLE_VALUE_COLUMNS, {"as_of_date": as_of},
                            comment="Item LTV contribution, LTV class and ZPM cell per style (商品番号) and as_of_date")
    classes = out["sku"]["ltv_class"].value_counts().to_dict() if n else {}
    style_classes = out["style"]["ltv_class"].value_counts().to_dict() if n_styles else {}
    log.info("item value %s: %d SKUs, classes %s; %d styles, classes %s", as_of, n, classes, n_styles, style_classes)
    return {"items": n, "ltv_classes": classes, "styles": n_styles, "style_ltv_classes": style_classes}
