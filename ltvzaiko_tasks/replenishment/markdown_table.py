"""Markdown recommendations for excess and dead stock (過剰在庫・不良在庫の値下げ判断), vectorised over a table.

:func:`recommend_markdowns` takes one row per SKU × location with its stock, the forecast demand until the
item's target date (シーズン品: season end; discontinued staples: their end date; continuing staples: a cover
horizon) and its customer value, and decides for every row whose stock will not sell by then:

1. **transfer** (店間移動) when other locations of the same SKU are forecast to run short before the target
   date: the excess goes where it sells at full price;
2. **hold** (保留) a continuing staple that still sells: stop reordering and let it sell at full price (its
   excess carries over; the order list orders nothing while the position covers the target);
3. otherwise a discount deep enough (on a grid) for forecast demand to reach the stock, from the constant-
   elasticity price response (:func:`~.markdown.markdown_depth_constant_elasticity`) — taken only if its
   expected gross-profit effect (:func:`~.markdown.markdown_gross_profit_effect`) is positive, else **hold**;
   as a **targeted coupon** (優良顧客向けクーポン) for items whose buyers are high-LTV (高: never a blanket
   clearance, SPEC §6.3), else as a **markdown** (``sell_down``, 値下げ);
4. stock that is off sale (販売終了) is **sold down** at the deepest step (outlet / jobber).

Every row carries its reason codes (:data:`REASONS`). Sunk cost is ignored: effects compare expected revenue
plus salvage with and without the action.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .errors import ReplenishmentInputError
from .loss_functions import normal_loss
from .markdown import markdown_depth_constant_elasticity, markdown_gross_profit_effect, sell_out_days
from .order_table import _item_types, _numeric

ACTIONS = {"sell_down": "値下げで消化", "targeted_coupon": "優良顧客向けクーポン", "transfer": "店間移動",
           "hold": "保留（定価販売・発注停止）"}
"""Actions (SPEC §5: sell down / hold / targeted coupon / transfer) and their Japanese labels."""

REASONS = {
    "excess_by_target_date": "stock beyond the forecast demand until the target date (目標日までに売れない在庫)",
    "dead_stock_no_sale": "no sale for dead_stock_days or more (不良在庫: 長期間販売なし)",
    "off_sale": "the item is off sale (販売終了)",
    "shortage_elsewhere": "other locations of the SKU are forecast to run short (他拠点で不足)",
    "excess_left_after_transfer": "the transfer does not absorb all of the excess (移動後も過剰)",
    "staple_carries_over": "a continuing staple that still sells: hold and stop reordering (定番品は持ち越し)",
    "zpm_sell_down": "ZPM cell ZH-PL-ML, dead-stock risk (ZPM: 不良在庫リスク)",
    "high_ltv_buyers": "its buyers are high-LTV customers: a targeted offer, no blanket markdown (高LTV顧客)",
    "markdown_not_profitable": "no discount on the grid raises expected gross profit (値下げしても粗利が増えない)",
    "max_depth_not_enough": "even the deepest discount does not clear the stock (最大値引でも売り切れない)",
}
"""Reason codes (a row lists every one that applies, comma-separated, the deciding one first)."""

OUTPUT_COLUMNS = (
    "stock_units", "excess_units", "excess_value_jpy", "dead_stock", "transfer_units", "action", "action_ja",
    "suggested_markdown_rate", "suggested_price_jpy", "expected_sell_through_full_price",
    "expected_sell_through_after_action", "expected_gross_profit_effect_jpy", "sell_out_days", "reason_codes",
)


@dataclass(frozen=True)
class MarkdownPolicy:
    """Settings of the markdown recommendations.

    Attributes:
        staple_cover_days: target horizon of a continuing staple: stock beyond this many days of forecast
            demand is excess (default 56 = the ZPM's 8 weeks of target cover).
        price_elasticity: ε of the constant-elasticity response, demand × (1 − d)^(−ε) (default 1.3).
        max_depth, depth_step: discounts are offered in ``depth_step`` steps up to ``max_depth`` off the
            current selling price (defaults 10 % steps, at most 50 %).
        salvage_fraction_of_cost: what a unit left at the target date recovers (outlet / jobber), as a share
            of unit cost (default 0.3, as the seasonal buy assumes).
        dead_stock_days: stock with no sale for this many days is dead stock (default 60, as the dbt variable
            ``dead_stock_days`` of ``mart_inventory_health``).
        min_excess_units: rows with less excess than this (and not dead or off sale) are not listed (default 1).
        transfer_min_share: transfer when at least this share of the excess can go to locations running short
            (default 0.5).
        transfer_cost_per_unit_jpy: handling and freight of moving one unit between locations (default 150).
    """

    staple_cover_days: float = 56.0
    price_elasticity: float = 1.3
    max_depth: float = 0.5
    depth_step: float = 0.1
    salvage_fraction_of_cost: float = 0.3
    dead_stock_days: int = 60
    min_excess_units: float = 1.0
    transfer_min_share: float = 0.5
    transfer_cost_per_unit_jpy: float = 150.0

    def __post_init__(self) -> None:
        if not self.staple_cover_days > 0:
            raise ReplenishmentInputError("MarkdownPolicy.staple_cover_days must be > 0 (e.g. 56)")
        if not self.price_elasticity > 0:
            raise ReplenishmentInputError("MarkdownPolicy.price_elasticity must be > 0 (e.g. 1.3)")
        if not 0 < self.depth_step <= self.max_depth < 1:
            raise ReplenishmentInputError("MarkdownPolicy needs 0 < depth_step <= max_depth < 1 (e.g. 0.1, 0.5)")
        if not 0 <= self.salvage_fraction_of_cost <= 1:
            raise ReplenishmentInputError("MarkdownPolicy.salvage_fraction_of_cost must be in [0, 1]")
        if not 0 <= self.transfer_min_share <= 1:
            raise ReplenishmentInputError("MarkdownPolicy.transfer_min_share must be in [0, 1]")
        if self.dead_stock_days < 1 or self.min_excess_units < 0 or self.transfer_cost_per_unit_jpy < 0:
            raise ReplenishmentInputError("dead_stock_days must be >= 1; min_excess_units and "
                                          "transfer_cost_per_unit_jpy >= 0")


REQUIRED_COLUMNS = {
    "sku_id": "SKU (transfers stay within a SKU)",
    "item_type": "'staple' or 'seasonal'",
    "on_hand": "units on hand (手持在庫)",
    "on_order": "units on order (発注残): they arrive before the target date and add to the stock to clear",
    "demand_mean": "forecast demand from now to the target date at the current price (units)",
    "demand_sd": "its standard deviation (units)",
    "days_to_target": "days from now to the target date",
    "unit_cost_jpy": "purchase cost per unit, yen",
    "price_jpy": "current selling price per unit (tax-exclusive), yen",
}
OPTIONAL_COLUMNS = {
    "ltv_class": "item LTV class 高/中/低 (default 中)",
    "zpm_cell": "ZPM cell code, e.g. ZH-PL-ML",
    "discontinued": "True for a staple with an announced end (its target date is that end)",
    "off_sale": "True when the item is off sale (status ended)",
    "days_since_last_sale": "days since the SKU last sold at the location (missing = unknown)",
}


def _bool(rows: pd.DataFrame, name: str) -> np.ndarray:
    if name not in rows.columns:
        return np.zeros(len(rows), dtype=bool)
    col = rows[name]
    if not pd.api.types.is_bool_dtype(col):
        col = col.map(lambda v: str(v).strip().lower() in ("true", "t", "1")) if len(col) else col
    return col.fillna(False).to_numpy(dtype=bool)


def _expected_sales(stock, mean, sd):
    """E[min(D, stock)] for D ~ N(mean, sd²), clipped to [0, stock] (normal loss, Snyder & Shen ch. 4)."""
    sales = mean - np.asarray(normal_loss(stock, mean, sd))
    return np.clip(sales, 0.0, stock)


def recommend_markdowns(rows: pd.DataFrame, policy: MarkdownPolicy | None = None) -> pd.DataFrame:
    """The markdown list: one row per input row whose stock will not sell by its target date (or is dead stock
    or off sale), with the action, discount, expected sell-through and gross-profit effect and reason codes.

    Parameters:
        rows: one row per SKU × location with :data:`REQUIRED_COLUMNS` (and optionally
            :data:`OPTIONAL_COLUMNS`); other columns are passed through.
        policy: :class:`MarkdownPolicy`.

    Returns:
        The listed rows (same index) with :data:`OUTPUT_COLUMNS`:

        * ``stock_units`` = on hand + on order; ``excess_units`` = max(0, stock − demand until the target date)
          (:func:`~.markdown.excess_stock_units`), all of it when off sale; ``excess_value_jpy`` at cost;
        * ``transfer_units`` to other locations of the SKU forecast to run short (their shortfall shared out in
          proportion to the excess);
        * ``action`` / ``action_ja`` (:data:`ACTIONS`); ``suggested_markdown_rate`` off the current selling
          price and ``suggested_price_jpy`` (0 / the current price unless the action discounts);
        * ``expected_sell_through_full_price`` and ``expected_sell_through_after_action``: expected units
          sold (or moved) by the target date ÷ stock (off-sale stock is cleared whole, at salvage value);
        * ``expected_gross_profit_effect_jpy`` of the action against doing nothing (leftovers salvaged);
        * ``sell_out_days``: days until the stock sells out at the forecast rate (適正完売日 = today + this);
        * ``reason_codes``: :data:`REASONS` that apply, the deciding one first.
    """
    policy = policy or MarkdownPolicy()
    missing = [c for c in REQUIRED_COLUMNS if c not in rows.columns]
    if missing:
        raise ReplenishmentInputError(f"markdown rows are missing column(s) {missing}: "
                                      + "; ".join(f"{c}: {REQUIRED_COLUMNS[c]}" for c in missing))
    if rows.empty:
        return rows.assign(**{c: pd.Series(dtype=object) for c in OUTPUT_COLUMNS})
    seasonal = _item_types(rows)
    on_hand = np.maximum(_numeric(rows, "on_hand"), 0.0)
    stock = on_hand + _numeric(rows, "on_order", minimum=0)
    mu = _numeric(rows, "demand_mean", minimum=0)
    sd = _numeric(rows, "demand_sd", minimum=0)
    days = np.maximum(_numeric(rows, "days_to_target", minimum=0), 0.0)
    cost = _numeric(rows, "unit_cost_jpy", minimum=0)
    price = _numeric(rows, "price_jpy", minimum=0)
    off_sale = _bool(rows, "off_sale")
    continuing_staple = ~seasonal & ~_bool(rows, "discontinued") & ~off_sale
    since = (pd.to_numeric(rows["days_since_last_sale"], errors="coerce").to_numpy(dtype=float)
             if "days_since_last_sale" in rows.columns else np.full(len(rows), np.nan))
    dead = (on_hand > 0) & ((since >= policy.dead_stock_days) | off_sale)
    high_ltv = rows["ltv_class"].astype(str).isin(["高", "high"]).to_numpy() if "ltv_class" in rows.columns \
        else np.zeros(len(rows), dtype=bool)
    zpm_sell_down = rows["zpm_cell"].astype(str).eq("ZH-PL-ML").to_numpy() if "zpm_cell" in rows.columns \
        else np.zeros(len(rows), dtype=bool)

    excess = np.where(off_sale, stock, np.maximum(stock - mu, 0.0))
    listed = (on_hand > 0) & ((excess >= max(policy.min_excess_units, 1e-9)) | dead)

    # transfers: the SKU's shortfalls elsewhere (locations that are not themselves listed) shared by its excess
    sku = rows["sku_id"].astype(str).to_numpy()
    short = np.where(listed | off_sale, 0.0, np.maximum(mu - stock, 0.0))
    frame = pd.DataFrame({"sku": sku, "short": short, "excess": np.where(listed & ~off_sale, excess, 0.0)})
    sums = frame.groupby("sku")[["short", "excess"]].transform("sum")
    share = np.where(sums["excess"] > 0, np.minimum(sums["short"] / sums["excess"].where(sums["excess"] > 0, 1), 1.0),
                     0.0)
    transfer = np.floor(frame["excess"].to_numpy() * share + 1e-9)
    salvage = cost * policy.salvage_fraction_of_cost
    transfer_ok = (transfer >= np.maximum(1.0, policy.transfer_min_share * excess)) & \
        (price - salvage - policy.transfer_cost_per_unit_jpy > 0)
    transfer = np.where(transfer_ok, transfer, 0.0)

    # what is left to clear here, and the discount that clears it
    left = stock - transfer
    depth = np.asarray(markdown_depth_constant_elasticity(left, mu, policy.price_elasticity, policy.max_depth,
                                                          policy.depth_step), dtype=float)
    depth = np.where(off_sale, policy.max_depth, depth)
    md_effect = np.asarray(markdown_gross_profit_effect(left, mu, sd, price, depth, policy.price_elasticity,
                                                        salvage), dtype=float)
    sales_full = _expected_sales(stock, mu, sd)
    sales_left = _expected_sales(left, mu, sd)
    transfer_effect = (price * (sales_left + transfer) + salvage * (left - sales_left)
                       - policy.transfer_cost_per_unit_jpy * transfer) - (price * sales_full
                                                                           + salvage * (stock - sales_full))
    mult = np.power(1.0 - depth, -policy.price_elasticity)
    sales_md = _expected_sales(left, mult * mu, mult * sd)

    hold_staple = continuing_staple & ~dead & ~zpm_sell_down
    action = np.select(
        [transfer_ok, off_sale, hold_staple, (depth <= 0) | (md_effect <= 0), high_ltv],
        ["transfer", "sell_down", "hold", "hold", "targeted_coupon"], default="sell_down")
    discounts = np.isin(action, ["sell_down", "targeted_coupon"])
    rate = np.where(discounts, depth, 0.0)
    effect = np.select([action == "transfer", off_sale, discounts], [transfer_effect, 0.0, md_effect], default=0.0)
    after = np.select([action == "transfer", off_sale, discounts],     # off sale: cleared to outlet / jobber
                      [sales_left + transfer, stock, sales_md], default=sales_full)
    safe_stock = np.where(stock > 0, stock, 1.0)
    daily = np.where(days > 0, mu / np.where(days > 0, days, 1.0), 0.0)

    reasons = []
    for i in range(len(rows)):
        codes = []
        if off_sale[i]:
            codes.append("off_sale")
        if action[i] == "transfer":
            codes.append("shortage_elsewhere")
        if not off_sale[i] and excess[i] > 0:
            codes.append("excess_by_target_date")
        if dead[i] and not off_sale[i]:
            codes.append("dead_stock_no_sale")
        if action[i] == "transfer" and transfer[i] < excess[i]:
            codes.append("excess_left_after_transfer")
        if zpm_sell_down[i]:
            codes.append("zpm_sell_down")
        if action[i] == "hold":
            codes.insert(0, "staple_carries_over" if hold_staple[i] else "markdown_not_profitable")
        if action[i] == "targeted_coupon":
            codes.insert(0, "high_ltv_buyers")
        if discounts[i] and not off_sale[i] and mult[i] * mu[i] < left[i]:
            codes.append("max_depth_not_enough")
        reasons.append(",".join(dict.fromkeys(codes)))

    out = rows.copy()
    out["stock_units"] = stock
    out["excess_units"] = excess
    out["excess_value_jpy"] = excess * cost
    out["dead_stock"] = dead
    out["transfer_units"] = transfer
    out["action"] = action
    out["action_ja"] = [ACTIONS[a] for a in action]
    out["suggested_markdown_rate"] = rate
    out["suggested_price_jpy"] = np.round(price * (1.0 - rate))
    out["expected_sell_through_full_price"] = np.where(stock > 0, sales_full / safe_stock, np.nan)
    out["expected_sell_through_after_action"] = np.where(stock > 0, after / safe_stock, np.nan)
    out["expected_gross_profit_effect_jpy"] = effect
    out["sell_out_days"] = np.asarray(sell_out_days(stock, daily), dtype=float)
    out["reason_codes"] = reasons
    return out[listed]
