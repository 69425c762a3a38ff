"""Helpers for excess stock (過剰在庫): how much is excess, when it sells out, and what a markdown is worth.

These are the numeric pieces of a markdown recommendation (SPEC §5 ``markdown_recommendations``): the excess
quantity, the forecast sell-out date (適正完売日), a suggested discount depth (値引率) and the expected gross
profit effect of taking it. Which *action* to take (sell down, hold, targeted coupon, transfer) also depends
on the item's LTV class and ZPM cell and is decided by the caller.

Price response is the constant-elasticity model: a discount d multiplies expected demand by (1 − d)^(−ε),
ε > 0 the price elasticity (ε = 1.3: a 30 % markdown sells 1.59 times as many units). The uncertainty scales
with the mean (the forecast's coefficient of variation is kept).

References:
    R. L. Phillips, *Pricing and Revenue Optimization*, 2nd ed., Stanford University Press, 2021
    (price-response functions; markdown management).
    L. V. Snyder, Z.-J. M. Shen, *Fundamentals of Supply Chain Theory*, 2nd ed., Wiley, 2019, ch. 4
    (expected sales and leftovers through the loss function).
"""
from __future__ import annotations

import numpy as np

from ._checks import as_float, nonnegative, out
from .errors import ReplenishmentInputError
from .loss_functions import normal_loss


def excess_stock_units(on_hand, on_order, demand_until_target_date):
    """Units that will not sell by the target date: max(0, on hand + on order − demand until then).

    Parameters:
        on_hand, on_order: stock now and on its way (units).
        demand_until_target_date: forecast demand from now to the target sell-out date (units). Pass an
            upper quantile (e.g. p90) to call stock excess only when even good sales leave it unsold.

    >>> excess_stock_units(120, 30, 100.0)
    50.0
    """
    oh = nonnegative("on_hand", on_hand)
    oo = nonnegative("on_order", on_order)
    d = nonnegative("demand_until_target_date", demand_until_target_date)
    return out(np.maximum(oh + oo - d, 0.0), on_hand, on_order, demand_until_target_date)


def sell_out_days(stock_units, demand_mean_per_day):
    """Days until the stock sells out at the forecast rate (infinite where nothing sells).

    >>> sell_out_days(150, 2.5), sell_out_days(10, 0)
    (60.0, inf)
    """
    s = nonnegative("stock_units", stock_units)
    d = nonnegative("demand_mean_per_day", demand_mean_per_day)
    s, d = np.broadcast_arrays(s, d)
    days = np.where(d > 0, s / np.where(d > 0, d, 1.0), np.where(s > 0, np.inf, 0.0))
    return out(days, stock_units, demand_mean_per_day)


def markdown_depth_constant_elasticity(stock_units, demand_mean_full_price, price_elasticity, max_depth=0.5,
                                       depth_step=0.1):
    """Smallest discount (on a grid) at which expected demand in the window reaches the stock.

    Parameters:
        stock_units: units to clear within the window.
        demand_mean_full_price: μ₀, expected demand in the window at the current price (units).
        price_elasticity: ε > 0 in the constant-elasticity model μ(d) = μ₀ (1 − d)^(−ε).
        max_depth: the deepest discount allowed (default 0.5 = 50 % off).
        depth_step: discounts are offered in these steps (default 0.1 = 10 % steps), rounded up.

    Returns:
        d in [0, max_depth]; max_depth when even that cannot clear the stock (or nothing sells at all).

    Equations used:
        μ₀ (1 − d)^(−ε) ≥ stock  ⇔  d ≥ 1 − (μ₀ / stock)^(1/ε)

    >>> markdown_depth_constant_elasticity(160, 100, 1.3)    # needs 30.4 % off: offer 40 %
    0.4
    >>> markdown_depth_constant_elasticity(80, 100, 1.3)
    0.0
    """
    s = nonnegative("stock_units", stock_units)
    mu = nonnegative("demand_mean_full_price", demand_mean_full_price)
    eps = as_float("price_elasticity", price_elasticity)
    if (eps <= 0).any():
        raise ReplenishmentInputError("price_elasticity must be > 0 (demand rises when the price falls)")
    top = float(nonnegative("max_depth", max_depth))
    step = float(nonnegative("depth_step", depth_step))
    if not (0 < top < 1 and 0 < step <= top):
        raise ReplenishmentInputError("need 0 < depth_step <= max_depth < 1 (e.g. 0.1 and 0.5)")
    s, mu, eps = np.broadcast_arrays(s, mu, eps)
    with np.errstate(divide="ignore"):
        ratio = np.where(s > 0, mu / np.where(s > 0, s, 1.0), np.inf)
    exact = np.where(ratio >= 1.0, 0.0, 1.0 - np.power(ratio, 1.0 / eps))
    grid = np.ceil(np.round(exact / step, 9)) * step
    depth = np.round(np.minimum(grid, top), 9)
    return out(depth, stock_units, demand_mean_full_price, price_elasticity)


def markdown_gross_profit_effect(stock_units, demand_mean_full_price, demand_sd_full_price, price, depth,
                                 price_elasticity, salvage_value=0.0):
    """Expected change in gross profit (yen) from selling the window's stock at a discount d.

    The stock is already bought (its cost is sunk), so the effect is the change in expected revenue from the
    window plus what the leftovers recover afterwards.

    Parameters:
        stock_units: units available in the window.
        demand_mean_full_price, demand_sd_full_price: μ₀, σ₀ of demand in the window at full price.
        price: current selling price per unit (yen).
        depth: discount d in [0, 1).
        price_elasticity: ε > 0 (demand multiplier (1 − d)^(−ε)).
        salvage_value: yen recovered per unit left at the end of the window (jobber / outlet).

    Equations used (expected sales through the normal loss function, Snyder & Shen 2019 ch. 4):
        m = (1 − d)^(−ε),  sales(d) = m μ₀ − n_d(stock), n_d = loss function of N(m μ₀, (m σ₀)²)
        GP(d) = (1 − d) price · sales(d) + salvage · (stock − sales(d))
        effect = GP(d) − GP(0)

    Clearing 300 units against a full-price demand of 100 ± 20 at 50 % off pays; 30 % off on 160 units, with
    leftovers recovering 1,000 yen each, does not:

    >>> round(markdown_gross_profit_effect(300, 100, 20, 5000, 0.5, 1.3))
    106988
    >>> round(markdown_gross_profit_effect(160, 100, 20, 5000, 0.3, 1.3, salvage_value=1000))
    -32961
    """
    s = nonnegative("stock_units", stock_units)
    mu = nonnegative("demand_mean_full_price", demand_mean_full_price)
    sd = nonnegative("demand_sd_full_price", demand_sd_full_price)
    p = nonnegative("price", price)
    d = nonnegative("depth", depth)
    if (d >= 1).any():
        raise ReplenishmentInputError("depth is a discount rate in [0, 1), e.g. 0.3 for 30 % off")
    eps = as_float("price_elasticity", price_elasticity)
    if (eps <= 0).any():
        raise ReplenishmentInputError("price_elasticity must be > 0")
    v = nonnegative("salvage_value", salvage_value)

    def gross_profit(discount):
        mult = np.power(1.0 - discount, -eps)
        sales = mult * mu - np.asarray(normal_loss(s, mult * mu, mult * sd))
        sales = np.clip(sales, 0.0, s)
        return (1.0 - discount) * p * sales + v * (s - sales)

    effect = gross_profit(d) - gross_profit(np.zeros_like(d))
    return out(effect, stock_units, demand_mean_full_price, demand_sd_full_price, price, depth,
               price_elasticity, salvage_value)
