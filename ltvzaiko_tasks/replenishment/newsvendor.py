"""The newsvendor model for seasonal buys (シーズン品): the critical fractile of remaining-season demand.

A seasonal item is bought (mostly) once against demand D for the rest of its season. Each unit short loses
the underage cost cu (the gross margin, plus a customer-value penalty when good customers are turned away);
each unit left at season end costs the overage cost co (unit cost minus what markdown or salvage recovers).
The expected cost co E[(Q − D)+] + cu E[(D − Q)+] is smallest at the **critical fractile**

    F(Q*) = cu / (cu + co)

so the buy is the cu/(cu + co) quantile of the demand forecast: of a normal forecast (μ + z σ), of a
quantile forecast (interpolated between its quantiles), or of an empirical/discrete distribution (the
smallest Q with F(Q) ≥ the ratio).

References:
    S. Nahmias, T. L. Olsen, *Production and Operations Analysis*, 7th ed., Waveland, 2015, ch. 5
    (the newsboy model: cu, co and the critical ratio).
    L. V. Snyder, Z.-J. M. Shen, *Fundamentals of Supply Chain Theory*, 2nd ed., Wiley, 2019, ch. 4
    (Examples 4.1-4.3 normal, Example 4.7 discrete; eq. (4.27) S* = F⁻¹(p/(p + h))).
    E. A. Silver, D. F. Pyke, D. J. Thomas, *Inventory and Production Management in Supply Chains*, 4th ed.,
    CRC Press, 2017, ch. 11 (style goods and perishable items).
"""
from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pandas as pd
from scipy.special import ndtri

from ._checks import as_float, nonnegative, out
from .errors import ReplenishmentInputError
from .loss_functions import normal_loss

_INV_SQRT_2PI = 1.0 / np.sqrt(2.0 * np.pi)


class NewsvendorSolution(NamedTuple):
    """The best buy and what it is expected to cost (floats, or arrays for array inputs)."""

    order_quantity: float
    """Q*, units to have available for the season (S* in Snyder & Shen)."""
    critical_ratio: float
    """cu / (cu + co), the target probability of not selling out."""
    expected_cost: float
    """co E[(Q* − D)+] + cu E[(D − Q*)+], the expected cost of mismatch (g* in Snyder & Shen)."""


def newsvendor_critical_ratio(underage_cost, overage_cost):
    """Critical ratio cu / (cu + co) (Nahmias: the critical ratio; Snyder & Shen: α = p/(p + h)).

    Parameters:
        underage_cost: cu ≥ 0, yen lost per unit of demand not met (margin + goodwill / customer value).
        overage_cost: co ≥ 0, yen lost per unit left over (unit cost − salvage value).

    >>> round(newsvendor_critical_ratio(0.50, 0.25), 4)   # Nahmias' newsstand: sells at 75¢, costs 25¢
    0.6667
    """
    cu = nonnegative("underage_cost", underage_cost)
    co = nonnegative("overage_cost", overage_cost)
    cu, co = np.broadcast_arrays(cu, co)
    if ((cu + co) <= 0).any():
        raise ReplenishmentInputError("underage_cost + overage_cost must be > 0 (at least one of a lost sale or "
                                      "a leftover unit must cost something)")
    return out(cu / (cu + co), underage_cost, overage_cost)


def newsvendor_unit_costs(price, unit_cost, salvage_value=0.0, stockout_penalty=0.0):
    """Underage and overage cost per unit from prices (yen), each floored at 0.

    Parameters:
        price: selling price per unit (tax-exclusive, the revenue of a sale).
        unit_cost: purchase cost per unit (原価).
        salvage_value: what a leftover unit recovers at season end (markdown or jobber price, net of costs).
        stockout_penalty: extra yen lost per unit short beyond the margin (goodwill; customer value, see
            :func:`ltv_stockout_penalty`).

    Returns:
        ``(underage_cost, overage_cost)`` = (price − unit cost + penalty, unit cost − salvage value).

    Equations used (Nahmias & Olsen 2015, ch. 5; Snyder & Shen 2019, Example 4.2: p = r − c, h = c − v):
        cu = price − c + penalty,   co = c − v

    >>> newsvendor_unit_costs(1.0, 0.3, 0.12)        # Snyder & Shen Example 4.2: r = 1, c = 0.3, v = 0.12
    (0.7, 0.18)
    """
    p = nonnegative("price", price)
    c = nonnegative("unit_cost", unit_cost)
    v = nonnegative("salvage_value", salvage_value)
    g = nonnegative("stockout_penalty", stockout_penalty)
    inputs = (price, unit_cost, salvage_value, stockout_penalty)
    cu = np.round(np.maximum(p - c + g, 0.0), 12)
    co = np.round(np.maximum(c - v, 0.0), 12)
    return out(cu, *inputs), out(co, *inputs)


def ltv_stockout_penalty(gross_margin, ltv_weight, elasticity=1.0):
    """Customer-value penalty per unit short for a seasonal item (SPEC §6.5: underage = margin + penalty).

    A stock-out turns a customer away; when the item's buyers are worth more than average (LTV weight
    w > 1), the loss is more than this sale's margin. The penalty scales the margin so that the whole
    underage cost is margin × max(w, 1)^γ; items of average or low customer value get no penalty (their
    buy is never cut below the plain newsvendor quantity because of who buys them).

    Parameters:
        gross_margin: price − unit cost (yen per unit), floored at 0.
        ltv_weight: w ≥ 0 (1 = the average item's buyers).
        elasticity: γ ≥ 0, as in :func:`~.service_levels.service_level_ltv_weighted`.

    Equations used:
        penalty = margin × (max(w, 1)^γ − 1)

    >>> ltv_stockout_penalty(1000.0, 2.0), ltv_stockout_penalty(1000.0, 0.5)
    (1000.0, 0.0)
    """
    m = np.maximum(as_float("gross_margin", gross_margin), 0.0)
    w = nonnegative("ltv_weight", ltv_weight)
    gamma = float(nonnegative("elasticity", elasticity))
    return out(m * (np.power(np.maximum(w, 1.0), gamma) - 1.0), gross_margin, ltv_weight)


def newsvendor_normal(underage_cost, overage_cost, demand_mean, demand_sd):
    """Newsvendor buy for normally distributed demand.

    Parameters:
        underage_cost: cu > 0 (p in Snyder & Shen), yen per unit short.
        overage_cost: co > 0 (h in Snyder & Shen), yen per unit left over.
        demand_mean: μ, mean demand over the selling period (units).
        demand_sd: σ ≥ 0 (units).

    Returns:
        :class:`NewsvendorSolution` (Q*, cu/(cu + co), expected cost).

    Equations used (Snyder & Shen 2019, eqs. (4.27), (4.30), (4.37); Nahmias & Olsen 2015, ch. 5):
        Q* = μ + z_α σ,  α = cu/(cu + co),  g* = (cu + co) φ(z_α) σ

    Example (Snyder & Shen 2019, Examples 4.1 and 4.3: h = 0.18, p = 0.70, D ~ N(50, 8²)):

    >>> q, ratio, cost = newsvendor_normal(0.70, 0.18, 50, 8)
    >>> round(q, 2), round(ratio, 4), round(cost, 4)
    (56.6, 0.7955, 1.9976)

    Example (Nahmias' newsstand, Production and Operations Analysis ch. 5: a weekly paper bought for 25¢ and
    sold for 75¢, no salvage; weekly demand N(11.73, 4.74²)): Q* = 13.77, so order 14.

    >>> round(newsvendor_normal(0.50, 0.25, 11.73, 4.74).order_quantity, 2)
    13.77
    """
    cu = as_float("underage_cost", underage_cost)
    co = as_float("overage_cost", overage_cost)
    if (cu <= 0).any() or (co <= 0).any():
        raise ReplenishmentInputError("underage_cost and overage_cost must both be > 0 here (with a free "
                                      "shortage or a free leftover the answer is 0 or unbounded)")
    ratio = np.asarray(newsvendor_critical_ratio(cu, co))
    mu = nonnegative("demand_mean", demand_mean)
    sd = nonnegative("demand_sd", demand_sd)
    z = ndtri(ratio)
    q = mu + z * sd
    cost = (cu + co) * _INV_SQRT_2PI * np.exp(-0.5 * z * z) * sd
    inputs = (underage_cost, overage_cost, demand_mean, demand_sd)
    return NewsvendorSolution(out(q, *inputs), out(np.broadcast_to(ratio, np.shape(q)), *inputs),
                              out(cost, *inputs))


def newsvendor_normal_cost(order_quantity, underage_cost, overage_cost, demand_mean, demand_sd):
    """Expected mismatch cost of buying ``order_quantity`` against N(μ, σ²) demand.

    Equations used (Snyder & Shen 2019, eq. (4.24)):
        g(Q) = co n̄(Q) + cu n(Q),  n(Q) = E[(D − Q)+] = σ G((Q − μ)/σ),  n̄(Q) = Q − μ + n(Q)

    Example (Snyder & Shen 2019, Example 4.1 data: h = 0.18, p = 0.70, D ~ N(50, 8²)):

    >>> round(newsvendor_normal_cost(60, 0.70, 0.18, 50, 8), 4), round(newsvendor_normal_cost(40, 0.70, 0.18, 50, 8), 4)
    (2.1561, 7.3561)
    """
    q = as_float("order_quantity", order_quantity)
    cu = nonnegative("underage_cost", underage_cost)
    co = nonnegative("overage_cost", overage_cost)
    mu = nonnegative("demand_mean", demand_mean)
    short = np.asarray(normal_loss(q, mu, demand_sd))
    left = q - mu + short
    return out(co * left + cu * short, order_quantity, underage_cost, overage_cost, demand_mean, demand_sd)


def newsvendor_quantile_forecast(critical_ratio, quantile_levels, quantile_values):
    """Newsvendor buy read off a quantile forecast (p10/p50/p90 …), vectorised over rows.

    The forecast gives demand quantiles q_j at levels τ_j. The buy is the forecast's critical-ratio quantile,
    interpolated linearly in the normal score z = Φ⁻¹(τ) between the two nearest given levels and
    extrapolated along the outermost segment beyond them. For a normal forecast, quantiles are linear in z,
    so this reproduces :func:`newsvendor_normal` exactly; for a skewed forecast it follows the skew.

    Parameters:
        critical_ratio: α in (0, 1), scalar or one per row.
        quantile_levels: the levels τ_1 < … < τ_k (k ≥ 2), e.g. ``(0.1, 0.5, 0.9)``.
        quantile_values: demand quantiles (units), shape (k,) for one item or (n, k) for n items. Crossed
            quantiles (possible when each level has its own model) are sorted within a row first.

    Returns:
        Q* ≥ 0 per row (a float for one item with a scalar ratio).

    Equations used:
        z_t = Φ⁻¹(α),  z_j = Φ⁻¹(τ_j),  Q* = max(0, q_j + (z_t − z_j)(q_{j+1} − q_j)/(z_{j+1} − z_j))
        with j the segment containing z_t (the first or last segment outside the given levels).

    >>> round(newsvendor_quantile_forecast(0.7955, (0.1, 0.5, 0.9), (39.75, 50.0, 60.25)), 2)
    56.6
    """
    levels = as_float("quantile_levels", quantile_levels).ravel()
    if levels.size < 2 or (levels <= 0).any() or (levels >= 1).any() or (np.diff(levels) <= 0).any():
        raise ReplenishmentInputError(
            f"quantile_levels must be at least two increasing probabilities in (0, 1), got {levels.tolist()}")
    values = as_float("quantile_values", quantile_values)
    single = values.ndim == 1
    values = np.sort(np.atleast_2d(values), axis=1)
    if values.shape[1] != levels.size:
        raise ReplenishmentInputError(f"quantile_values has {values.shape[1]} columns for {levels.size} levels: "
                                      "give one column per level, in the same order")
    alpha = as_float("critical_ratio", critical_ratio)
    if ((alpha <= 0) | (alpha >= 1)).any():
        raise ReplenishmentInputError("critical_ratio must be strictly between 0 and 1 (clip it, e.g. to "
                                      "[0.01, 0.99], before reading a quantile)")
    z_levels = ndtri(levels)
    z_t = np.broadcast_to(ndtri(alpha), (values.shape[0],)) if alpha.ndim else np.full(values.shape[0],
                                                                                        ndtri(alpha))
    seg = np.clip(np.searchsorted(z_levels, z_t, side="right") - 1, 0, levels.size - 2)
    rows = np.arange(values.shape[0])
    lo_v, hi_v = values[rows, seg], values[rows, seg + 1]
    lo_z, hi_z = z_levels[seg], z_levels[seg + 1]
    q = np.maximum(lo_v + (z_t - lo_z) * (hi_v - lo_v) / (hi_z - lo_z), 0.0)
    if single and alpha.ndim == 0:
        return float(q[0])
    return q


def newsvendor_discrete(underage_cost, overage_cost, demand_values, probabilities=None):
    """Newsvendor buy for a discrete or empirical demand distribution (one item).

    Parameters:
        underage_cost: cu > 0, yen per unit short.
        overage_cost: co > 0, yen per unit left over.
        demand_values: possible demands, or scenario / sample demands (units).
        probabilities: their probabilities (summing to 1); ``None`` weighs every value equally (an empirical
            distribution of samples or simulated scenarios).

    Returns:
        :class:`NewsvendorSolution` with Q* the smallest demand value whose cumulative probability reaches
        cu/(cu + co), and its exact expected cost under the given distribution.

    Equations used (Snyder & Shen 2019, ch. 4, discrete demand):
        Q* = min{ Q : F(Q) ≥ cu/(cu + co) },  g(Q) = Σ_d f(d) [co (Q − d)+ + cu (d − Q)+]

    Example (Snyder & Shen 2019, Example 4.7 as a newsvendor: Poisson(6) demand, h = 1, p = 4):

    >>> from scipy.stats import poisson
    >>> d = range(41)
    >>> sol = newsvendor_discrete(4, 1, d, poisson.pmf(d, 6))
    >>> int(sol.order_quantity), round(sol.expected_cost, 4)
    (8, 3.5701)
    """
    cu = float(as_float("underage_cost", underage_cost))
    co = float(as_float("overage_cost", overage_cost))
    if cu <= 0 or co <= 0:
        raise ReplenishmentInputError("underage_cost and overage_cost must both be > 0")
    values = as_float("demand_values", demand_values).ravel()
    if values.size == 0:
        raise ReplenishmentInputError("demand_values is empty: give at least one possible demand")
    if probabilities is None:
        probs = np.full(values.size, 1.0 / values.size)
    else:
        probs = nonnegative("probabilities", probabilities).ravel()
        if probs.size != values.size:
            raise ReplenishmentInputError(f"{probs.size} probabilities for {values.size} demand values")
        if not np.isclose(probs.sum(), 1.0, atol=1e-6):
            raise ReplenishmentInputError(f"probabilities must sum to 1, got {probs.sum():.6f}")
    order = np.argsort(values, kind="stable")
    values, probs = values[order], probs[order]
    ratio = cu / (cu + co)
    cdf = np.cumsum(probs)
    q = values[min(int(np.searchsorted(cdf, ratio - 1e-12, side="left")), values.size - 1)]
    cost = float(np.sum(probs * (co * np.maximum(q - values, 0.0) + cu * np.maximum(values - q, 0.0))))
    return NewsvendorSolution(float(q), ratio, cost)


def seasonal_last_order_date(season_end, lead_time_days):
    """Last day a seasonal reorder can still arrive in season: season end − lead time (SPEC §6.5).

    Parameters:
        season_end: the last selling day of the season (date-like, scalar or array/Series).
        lead_time_days: lead time to plan with (days, e.g. mean + a margin for variability), rounded up.

    >>> str(seasonal_last_order_date("2026-08-31", 20.5).date())
    '2026-08-10'
    """
    lt = np.ceil(nonnegative("lead_time_days", lead_time_days)).astype("int64")
    if np.ndim(season_end) == 0:
        return pd.Timestamp(season_end).normalize() - pd.Timedelta(days=int(lt))
    ends = pd.to_datetime(pd.Series(season_end).reset_index(drop=True)).dt.normalize()
    return ends - pd.to_timedelta(np.broadcast_to(lt, (len(ends),)), unit="D")


def order_window_open(as_of, season_end, lead_time_days):
    """True where a seasonal reorder placed on ``as_of`` can still arrive before the season ends.

    >>> bool(order_window_open("2026-08-10", "2026-08-31", 21)), bool(order_window_open("2026-08-11", "2026-08-31", 21))
    (True, False)
    """
    last = seasonal_last_order_date(season_end, lead_time_days)
    as_of_ts = pd.Timestamp(as_of).normalize()
    if isinstance(last, pd.Series):
        return (as_of_ts <= last).to_numpy()
    return as_of_ts <= last
