"""Spending a purchase budget (仕入予算) where the expected gross profit per yen is highest.

When the recommended orders cost more than the budget, each order is cut into increments — the first one
the MOQ (or one case), then whole cases — and the increments are bought greedily in falling order of
expected gross profit per yen of purchase cost, until the next one no longer fits.

The expected gross profit of an increment of n units bought on top of a stock position y is marginal
(newsvendor) analysis: of those units, E[min((D − y)+, n)] = n(y) − n(y + n) are expected to sell within the
protection interval, earning the underage cost cu each (margin, with customer value); the rest are left
over, costing the overage cost co each (holding for a staple, cost − salvage for a seasonal item):

    value = cu · sold − co · (n − sold),   sold = σ [G((y − μ)/σ) − G((y + n − μ)/σ)]

Within one order the value per yen falls from one increment to the next (each sits higher in the demand
distribution), so the greedy order respects the order of increments within an item, and taking a prefix of
the ranking is the classic marginal-allocation rule for a separable concave knapsack. Ties are broken by
row order (then increment order), so the result does not depend on sorting accidents.

References:
    E. A. Silver, D. F. Pyke, D. J. Thomas, *Inventory and Production Management in Supply Chains*, 4th ed.,
    CRC Press, 2017, ch. 6 and 7 (budget-constrained safety stocks; marginal analysis and Lagrange
    multipliers across items).
    S. Nahmias, T. L. Olsen, *Production and Operations Analysis*, 7th ed., 2015, ch. 5 (marginal analysis
    of the newsboy model; multiple items under a budget constraint).
"""
from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pandas as pd

from ._checks import as_float, nonnegative, out
from .errors import ReplenishmentInputError
from .loss_functions import normal_loss
from .rounding import effective_moq


def expected_units_sold_normal(stock_before, units, demand_mean, demand_sd):
    """Expected number of ``units`` extra units that sell, stocked on top of ``stock_before``.

    Parameters:
        stock_before: y, units already available against the demand (inventory position).
        units: n ≥ 0, the increment.
        demand_mean, demand_sd: μ, σ of demand over the selling / protection interval.

    Equations used (Snyder & Shen 2019, loss functions, (C.31)):
        E[min((D − y)+, n)] = n(y) − n(y + n),  n(x) = E[(D − x)+]

    >>> round(expected_units_sold_normal(50, 10, 50, 8), 3)   # 10 units above the mean of N(50, 8²)
    2.787
    """
    y = as_float("stock_before", stock_before)
    n = nonnegative("units", units)
    sold = np.asarray(normal_loss(y, demand_mean, demand_sd)) - np.asarray(normal_loss(y + n, demand_mean, demand_sd))
    return out(np.clip(sold, 0.0, n), stock_before, units, demand_mean, demand_sd)


def allocate_budget_greedy(row, cost_jpy, value_jpy, budget_jpy):
    """Greedy marginal allocation of a budget over increments ("chunks") of several orders.

    Parameters:
        row: the order (row number) each chunk belongs to; a row's chunks must be listed in buying order.
        cost_jpy: purchase cost of each chunk (> 0).
        value_jpy: expected gross profit of each chunk (any sign).
        budget_jpy: the budget (≥ 0).

    Returns:
        Boolean mask of the chunks bought. Their total cost never exceeds the budget; a chunk is bought only
        if every earlier chunk of its row is.

    Method:
        rank = value/cost made non-increasing within each row (running minimum), sorted descending with ties
        by input position; buy the ranked chunks while they fit; then, with what is left, buy any later
        ranked chunk that fits and whose row is still contiguous.

    >>> allocate_budget_greedy([0, 0, 1], [100, 100, 100], [50, 10, 30], 200).tolist()
    [True, False, True]
    """
    row = np.asarray(row)
    cost = as_float("cost_jpy", cost_jpy).ravel()
    value = as_float("value_jpy", value_jpy).ravel()
    budget = float(nonnegative("budget_jpy", budget_jpy))
    if row.shape != cost.shape or cost.shape != value.shape:
        raise ReplenishmentInputError("row, cost_jpy and value_jpy must have one entry per chunk")
    if (cost <= 0).any():
        raise ReplenishmentInputError("every chunk must cost > 0 yen: check unit_cost (a free item needs no budget)")
    taken = np.zeros(cost.size, dtype=bool)
    if cost.size == 0:
        return taken
    codes, row_codes = np.unique(row, return_inverse=True)
    ratio = pd.Series(value / cost).groupby(row_codes, sort=False).cummin().to_numpy()
    position = np.arange(cost.size)
    order = np.lexsort((position, -ratio))
    cum = np.cumsum(cost[order])
    n_prefix = int(np.searchsorted(cum, budget * (1 + 1e-12) + 1e-9, side="right"))
    taken[order[:n_prefix]] = True
    remaining = budget - (float(cum[n_prefix - 1]) if n_prefix else 0.0)
    rest = order[n_prefix:]
    rest = rest[cost[rest] <= remaining + 1e-9]
    if rest.size:
        # Fill what is left with later chunks that fit and keep their row contiguous; stop as soon as
        # nothing further down the ranking is cheap enough.
        index_in_row = pd.Series(position).groupby(row_codes, sort=False).cumcount().to_numpy()
        bought = np.bincount(row_codes[taken], minlength=codes.size).tolist()
        cheapest_after = np.minimum.accumulate(cost[rest][::-1])[::-1].tolist()
        rest_rows = row_codes[rest].tolist()
        rest_index = index_in_row[rest].tolist()
        rest_cost = cost[rest].tolist()
        for i, chunk in enumerate(rest.tolist()):
            if remaining + 1e-9 < cheapest_after[i]:
                break
            r = rest_rows[i]
            if rest_index[i] == bought[r] and rest_cost[i] <= remaining + 1e-9:
                taken[chunk] = True
                bought[r] += 1
                remaining -= rest_cost[i]
    return taken


class BudgetAllocation(NamedTuple):
    """Order quantities after the budget, and the ranking that decided them (arrays, one per order row)."""

    quantity: np.ndarray
    """Units kept (0, or a multiple of the case pack at or above the effective MOQ)."""
    gross_profit_per_yen: np.ndarray
    """Expected gross profit per yen of the order's first increment (its priority; NaN for no order)."""
    expected_gross_profit_jpy: np.ndarray
    """Expected gross profit of the units kept."""


def allocate_budget_by_gross_profit_per_yen(order_quantity, case_pack, moq, unit_cost, inventory_position,
                                            demand_mean, demand_sd, underage_cost, overage_cost, budget_jpy=None,
                                            max_chunks_per_row: int = 64):
    """Cut recommended orders to a purchase budget by expected gross profit per yen (vectorised).

    Parameters:
        order_quantity: the recommended orders (units; multiples of the case pack, ≥ the MOQ or 0).
        case_pack, moq: units per case and minimum order quantity (as for rounding).
        unit_cost: purchase cost per unit (yen, > 0 where an order is placed).
        inventory_position: stock on hand + on order − backorders before ordering (units).
        demand_mean, demand_sd: μ, σ of demand over the protection interval (or remaining season).
        underage_cost: cu, yen lost per unit short (margin × customer value).
        overage_cost: co, yen per unit left over (holding for staples, cost − salvage for seasonal items).
        budget_jpy: the budget; ``None`` keeps every order (the ranking is still returned).
        max_chunks_per_row: at most this many increments per order (later ones span several cases), which
            bounds the work for very large orders.

    Returns:
        :class:`BudgetAllocation`.

    >>> alloc = allocate_budget_by_gross_profit_per_yen([10, 10], 1, 0, [100, 100], [0, 0], [10, 10], [2, 2],
    ...                                                [300, 100], [5, 5], budget_jpy=1500)
    >>> alloc.quantity.tolist()          # the higher-margin item gets its 10, the other the 5 that fit
    [10, 5]
    """
    q = nonnegative("order_quantity", order_quantity).ravel()
    n_rows = q.size

    def per_row(name, value, check=as_float):
        arr = check(name, value)
        return np.broadcast_to(arr, (n_rows,)).astype(float) if arr.ndim == 0 else arr.ravel().astype(float)

    pack = per_row("case_pack", case_pack)
    m_eff = np.asarray(effective_moq(pack, per_row("moq", moq, nonnegative)), dtype=float).reshape(n_rows)
    c = per_row("unit_cost", unit_cost, nonnegative)
    ip = per_row("inventory_position", inventory_position)
    mu = per_row("demand_mean", demand_mean, nonnegative)
    sd = per_row("demand_sd", demand_sd, nonnegative)
    cu = per_row("underage_cost", underage_cost, nonnegative)
    co = per_row("overage_cost", overage_cost, nonnegative)
    if max_chunks_per_row < 2:
        raise ReplenishmentInputError("max_chunks_per_row must be >= 2")
    ordered = q > 0
    if (ordered & (c <= 0)).any():
        raise ReplenishmentInputError("unit_cost must be > 0 for every row with an order to rank it per yen")

    first = np.where(ordered, np.minimum(q, np.maximum(m_eff, pack)), 0.0)
    value_first = _chunk_value(ip, first, mu, sd, cu, co)
    ratio_first = np.where(ordered, value_first / np.where(ordered, first * c, 1.0), np.nan)
    if budget_jpy is None or float(nonnegative("budget_jpy", budget_jpy)) >= float(np.sum(q * c)):
        # Everything fits: no increments needed, the whole order's expected gross profit in closed form.
        gp = np.where(ordered, _chunk_value(ip, q, mu, sd, cu, co), 0.0)
        return BudgetAllocation(np.round(q).astype(np.int64), ratio_first, gp)

    rest = q - first
    step = pack * np.maximum(1.0, np.ceil(rest / pack / (max_chunks_per_row - 1)))
    n_more = np.where(rest > 0, np.ceil(rest / step - 1e-9), 0.0).astype(np.int64)
    n_chunks = np.where(ordered, 1 + n_more, 0)
    rows = np.repeat(np.arange(n_rows), n_chunks)
    starts = np.cumsum(n_chunks) - n_chunks
    j = np.arange(rows.size) - np.repeat(starts, n_chunks)
    offset = np.where(j == 0, 0.0, first[rows] + (j - 1) * step[rows])
    size = np.where(j == 0, first[rows], np.minimum(step[rows], q[rows] - offset))
    value = _chunk_value(ip[rows] + offset, size, mu[rows], sd[rows], cu[rows], co[rows])
    taken = allocate_budget_greedy(rows, size * c[rows], value, budget_jpy)
    kept = np.bincount(rows[taken], weights=size[taken], minlength=n_rows)
    gp = np.bincount(rows[taken], weights=value[taken], minlength=n_rows)
    return BudgetAllocation(np.round(kept).astype(np.int64), ratio_first, gp)


def _chunk_value(stock_before, units, demand_mean, demand_sd, underage_cost, overage_cost) -> np.ndarray:
    """cu · E[units sold] − co · E[units left over] for ``units`` stocked on top of ``stock_before``."""
    sold = np.asarray(expected_units_sold_normal(stock_before, units, demand_mean, demand_sd))
    return underage_cost * sold - overage_cost * (units - sold)
