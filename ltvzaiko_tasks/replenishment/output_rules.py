"""Output checks on the order list and the markdown list before they are published (Great Expectations).

The orders stage calls :func:`gate_replenishment` on what it is about to write; if any rule breaks, nothing is
written (no table row, no purchase-order file) and
:class:`~ltvzaiko_tasks.quality.output_gate.OutputCheckFailed` names the rule, the count and example values.

Rules on ``models.order_recommendations`` (each checks one column of the checked frame, so the failure
message names it):

| rule | column checked | expectation |
| --- | --- | --- |
| no negative quantities | ``order_qty``, ``safety_stock``, ``reorder_point``, ``order_up_to``, ``demand_mean`` | >= 0 |
| order-up-to at or above the reorder point | ``order_up_to_minus_reorder_point`` | >= 0 |
| whole case packs | ``case_pack_remainder`` (order qty mod case pack) | = 0 |
| every active staple SKU × location listed | ``unlisted_active_staple``: ``SKU@location`` of an active staple (inventory position, status active) missing from the list | null |

Rules on ``models.markdown_recommendations``: ``action`` one of the four actions, ``suggested_markdown_rate``
in [0, 1), ``excess_units`` >= 0, ``excess_minus_transfer_units`` >= 0 (never move more than the excess).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..quality.output_gate import gate_output
from .markdown_table import ACTIONS

NON_NEGATIVE = ("order_qty", "safety_stock", "reorder_point", "order_up_to", "demand_mean")
TOLERANCE = 1e-6
"""Float noise allowed in the order-up-to ≥ reorder-point rule (units)."""


def _gx():
    import great_expectations as gx

    return gx.expectations


def order_list_rules() -> list:
    e = _gx()
    rules = [e.ExpectColumnValuesToBeBetween(column=c, min_value=0) for c in NON_NEGATIVE]
    rules += [e.ExpectColumnValuesToBeBetween(column="order_up_to_minus_reorder_point", min_value=-TOLERANCE),
              e.ExpectColumnValuesToBeInSet(column="case_pack_remainder", value_set=[0]),
              e.ExpectColumnValuesToBeNull(column="unlisted_active_staple")]
    return rules


def markdown_rules() -> list:
    e = _gx()
    return [e.ExpectColumnValuesToBeInSet(column="action", value_set=list(ACTIONS)),
            e.ExpectColumnValuesToBeBetween(column="suggested_markdown_rate", min_value=0, max_value=1,
                                            strict_max=True),
            e.ExpectColumnValuesToBeBetween(column="excess_units", min_value=0),
            e.ExpectColumnValuesToBeBetween(column="excess_minus_transfer_units", min_value=0)]


def active_staples(position: pd.DataFrame) -> pd.DataFrame:
    """SKU × location keys of the inventory position that are staples on sale (status ``active``)."""
    keep = position["item_type"].astype(str).eq("staple") & position["status"].astype(str).eq("active")
    return position.loc[keep, ["sku_id", "location_id"]].astype(str).drop_duplicates()


def order_check_frame(orders: pd.DataFrame, position: pd.DataFrame) -> pd.DataFrame:
    """The order list with the derived columns the rules read, plus one row per active staple SKU × location the
    list lacks (``unlisted_active_staple`` = ``SKU@location``, everything else empty)."""
    frame = orders[[c for c in ("sku_id", "location_id", *NON_NEGATIVE, "case_pack") if c in orders.columns]].copy()
    frame["sku_id"], frame["location_id"] = frame["sku_id"].astype(str), frame["location_id"].astype(str)
    for col in NON_NEGATIVE:
        frame[col] = pd.to_numeric(frame[col], errors="coerce")
    frame["order_up_to_minus_reorder_point"] = frame["order_up_to"] - frame["reorder_point"]
    pack = pd.to_numeric(frame["case_pack"], errors="coerce")
    qty = frame["order_qty"]
    frame["case_pack_remainder"] = np.where(pack >= 1, np.mod(qty, pack.where(pack >= 1, 1)), np.nan)
    expected = active_staples(position)
    missing = expected.merge(frame[["sku_id", "location_id"]].drop_duplicates(), how="left", indicator=True)
    missing = missing[missing["_merge"] == "left_only"].drop(columns="_merge")
    frame["unlisted_active_staple"] = None
    if not missing.empty:
        missing["unlisted_active_staple"] = missing["sku_id"] + "@" + missing["location_id"]
        frame = pd.concat([frame, missing], ignore_index=True)
    return frame


def markdown_check_frame(markdowns: pd.DataFrame) -> pd.DataFrame:
    frame = markdowns[["action", "suggested_markdown_rate", "excess_units", "transfer_units"]].copy()
    for col in ("suggested_markdown_rate", "excess_units", "transfer_units"):
        frame[col] = pd.to_numeric(frame[col], errors="coerce")
    frame["excess_minus_transfer_units"] = frame["excess_units"] - frame["transfer_units"]
    return frame


def gate_replenishment(orders: pd.DataFrame, position: pd.DataFrame, markdowns: pd.DataFrame | None = None):
    """Check the order list (and the markdown list); raise ``OutputCheckFailed`` on the first that breaks a
    rule. Returns the verdicts."""
    verdicts = [gate_output(order_check_frame(orders, position), "order_recommendations", order_list_rules())]
    if markdowns is not None and not markdowns.empty:
        verdicts.append(gate_output(markdown_check_frame(markdowns), "markdown_recommendations", markdown_rules()))
    return verdicts
