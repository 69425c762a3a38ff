"""Safety stock (安全在庫), reorder point (発注点) and periodic-review order-up-to level (補充点).

Staples are reviewed every R days; at a review the buyer orders up to S, and that order must cover demand
until the *next* order arrives: the **protection interval** R + L (review period plus lead time). With daily
demand of mean d and standard deviation σ_d, independent from day to day, and a lead time L (days) of mean
E[L] and standard deviation σ_L, independent of demand, demand over the protection interval has

    mean  μ_P = d (R + E[L])
    var   σ_P² = (R + E[L]) σ_d² + d² σ_L²

(the second term is lead-time variability: a late delivery means more days of demand to cover). The safety
stock is k σ_P, the order-up-to level S = μ_P + k σ_P, and the quantity ordered at a review is
max(0, S − inventory position), with inventory position = on hand + on order − backorders.

Units: all times in one unit (days in this project); all quantities in units of the item.

References:
    E. A. Silver, D. F. Pyke, D. J. Thomas, *Inventory and Production Management in Supply Chains*, 4th ed.,
    CRC Press, 2017, ch. 6 ((s, Q) and (R, S) systems; random lead times).
    S. Nahmias, T. L. Olsen, *Production and Operations Analysis*, 7th ed., Waveland, 2015, ch. 5
    (reorder point with normal lead-time demand; variable lead times).
    L. V. Snyder, Z.-J. M. Shen, *Fundamentals of Supply Chain Theory*, 2nd ed., Wiley, 2019, ch. 4 and 5
    (base-stock level with lead time; (r, Q) policies).
"""
from __future__ import annotations

from typing import NamedTuple

import numpy as np
from scipy.special import ndtr, ndtri

from ._checks import as_float, nonnegative, out, probability
from .constants import ServiceMeasure
from .errors import ReplenishmentInputError
from .loss_functions import normal_loss
from .service_levels import safety_factor_cycle_service_level, safety_factor_fill_rate_normal


def demand_sd_from_quantiles(lower_quantile, upper_quantile, lower_level=0.1, upper_level=0.9):
    """Standard deviation implied by two forecast quantiles, assuming a normal forecast distribution.

    Parameters:
        lower_quantile, upper_quantile: the forecast's quantiles (units), e.g. p10 and p90 of demand over the
            protection interval.
        lower_level, upper_level: their probability levels (defaults 0.1 and 0.9).

    Equations used:
        σ = (q_hi − q_lo) / (Φ⁻¹(hi) − Φ⁻¹(lo))      (for p10/p90 the denominator is 2 × 1.2816)

    A crossed pair (q_hi < q_lo, which separate quantile models can produce) gives σ = 0.

    >>> round(demand_sd_from_quantiles(37.1845, 62.8155), 3)   # N(50, 10²): p10 = 37.18, p90 = 62.82
    10.0
    """
    lo_q = as_float("lower_quantile", lower_quantile)
    hi_q = as_float("upper_quantile", upper_quantile)
    lo = float(probability("lower_level", lower_level))
    hi = float(probability("upper_level", upper_level))
    if not lo < hi:
        raise ReplenishmentInputError(f"lower_level must be below upper_level, got {lo} and {hi}")
    sd = np.maximum(hi_q - lo_q, 0.0) / (ndtri(hi) - ndtri(lo))
    return out(sd, lower_quantile, upper_quantile)


def protection_interval_demand_normal(demand_mean_per_period, demand_sd_per_period, lead_time_mean,
                                      lead_time_sd=0.0, review_period=0.0):
    """Mean and standard deviation of demand over review period + lead time, with lead-time variability.

    Parameters:
        demand_mean_per_period: d, mean demand per period (units/day).
        demand_sd_per_period: σ_d, standard deviation of one period's demand (units).
        lead_time_mean: E[L], mean lead time (periods).
        lead_time_sd: σ_L, standard deviation of the lead time (periods); 0 for a fixed lead time.
        review_period: R, periods between reviews (0 for continuous review: the lead time alone).

    Returns:
        ``(mean, sd)`` of demand over the protection interval R + L.

    Equations used (Silver, Pyke & Thomas 2017, ch. 6, random lead time; Nahmias & Olsen 2015, ch. 5):
        μ_P = d (R + E[L])
        σ_P = sqrt( (R + E[L]) σ_d² + d² σ_L² )

    Example (Chopra & Meindl, *Supply Chain Management*, the worked example on lead-time uncertainty:
    2,500 units a day with σ_d = 500, lead time 7 days with σ_L = 7 days):

    >>> mean, sd = protection_interval_demand_normal(2500, 500, 7, 7)
    >>> mean, round(sd)
    (17500.0, 17550)
    """
    d = nonnegative("demand_mean_per_period", demand_mean_per_period)
    sd_d = nonnegative("demand_sd_per_period", demand_sd_per_period)
    lt = nonnegative("lead_time_mean", lead_time_mean)
    lt_sd = nonnegative("lead_time_sd", lead_time_sd)
    r = nonnegative("review_period", review_period)
    periods = r + lt
    mean = d * periods
    sd = np.sqrt(periods * sd_d ** 2 + d ** 2 * lt_sd ** 2)
    inputs = (demand_mean_per_period, demand_sd_per_period, lead_time_mean, lead_time_sd, review_period)
    return out(mean, *inputs), out(sd, *inputs)


def demand_sd_with_lead_time_variability(demand_mean, demand_sd, protection_interval, lead_time_sd):
    """Add lead-time variability to a forecast already aggregated over the protection interval.

    A forecaster gives demand over R + E[L] (mean μ_P, standard deviation σ_P, e.g. from its quantiles) for
    the *expected* lead time. If the lead time itself varies, each day of lateness adds a day of demand:

    Parameters:
        demand_mean: μ_P, forecast mean demand over the protection interval (units).
        demand_sd: σ_P, forecast standard deviation over the same interval (units).
        protection_interval: R + E[L] (days) the forecast covers (> 0 when demand_mean > 0).
        lead_time_sd: σ_L (days).

    Equations used (same model as :func:`protection_interval_demand_normal`, with d = μ_P / (R + E[L])):
        σ = sqrt( σ_P² + (μ_P / (R + E[L]))² σ_L² )

    >>> round(demand_sd_with_lead_time_variability(100.0, 20.0, 10.0, 3.0), 4)   # sqrt(400 + 10² × 9)
    36.0555
    """
    mu = nonnegative("demand_mean", demand_mean)
    sd = nonnegative("demand_sd", demand_sd)
    p = nonnegative("protection_interval", protection_interval)
    lt_sd = nonnegative("lead_time_sd", lead_time_sd)
    mu, sd, p, lt_sd = np.broadcast_arrays(mu, sd, p, lt_sd)
    if ((p <= 0) & (mu > 0)).any():
        raise ReplenishmentInputError("protection_interval must be > 0 (review period + mean lead time, days) "
                                      "wherever demand_mean > 0")
    rate = np.where(p > 0, mu / np.where(p > 0, p, 1.0), 0.0)
    total = np.sqrt(sd ** 2 + (rate * lt_sd) ** 2)
    return out(total, demand_mean, demand_sd, protection_interval, lead_time_sd)


def safety_stock_normal(safety_factor, demand_sd):
    """Safety stock (安全在庫) SS = k σ: stock held beyond mean demand over the protection interval.

    Parameters:
        safety_factor: k (from a service target, see :mod:`.service_levels`).
        demand_sd: σ (units) of demand over the protection interval (with lead-time variability).

    >>> round(safety_stock_normal(1.2816, 17550.0))    # CSL 90 % in the lead-time example above
    22492
    """
    k = as_float("safety_factor", safety_factor)
    sd = nonnegative("demand_sd", demand_sd)
    return out(k * sd, safety_factor, demand_sd)


def reorder_point_normal(lead_time_demand_mean, lead_time_demand_sd, cycle_service_level):
    """Reorder point (発注点) s = μ_L + Φ⁻¹(P1) σ_L of a continuous-review system under normal demand.

    Parameters:
        lead_time_demand_mean: μ_L, mean demand over the lead time (units).
        lead_time_demand_sd: σ_L, its standard deviation (units).
        cycle_service_level: P1 in (0, 1).

    Equations used (Silver, Pyke & Thomas 2017, ch. 6, (s, Q) with P1; Snyder & Shen 2019, eq. (5.21)):
        s = μ_L + z_α σ_L

    Example (Snyder & Shen 2019, Example 5.5, the "EOQ + SS" reorder point: λ = 1300 a year, τ = 150,
    L = 1/12 year, h = 0.225, p = 7.5, so α = p/(p + h)):

    >>> import math
    >>> round(reorder_point_normal(1300 / 12, 150 * math.sqrt(1 / 12), 7.5 / 7.725), 2)
    190.34
    """
    mu = nonnegative("lead_time_demand_mean", lead_time_demand_mean)
    sd = nonnegative("lead_time_demand_sd", lead_time_demand_sd)
    k = np.asarray(safety_factor_cycle_service_level(cycle_service_level))
    return out(mu + k * sd, lead_time_demand_mean, lead_time_demand_sd, cycle_service_level)


class OrderUpToLevel(NamedTuple):
    """An (R, S) policy's target and its parts (units; arrays when the inputs were arrays)."""

    order_up_to_level: float
    """S = μ_P + SS (補充点)."""
    safety_stock: float
    """SS = k σ_P (安全在庫)."""
    safety_factor: float
    """k."""
    protection_demand_mean: float
    """μ_P, mean demand over R + E[L]."""
    protection_demand_sd: float
    """σ_P, with lead-time variability."""


def order_up_to_level_periodic_review_normal(demand_mean_per_period, demand_sd_per_period, review_period,
                                             lead_time_mean, service_level, lead_time_sd=0.0,
                                             service_measure: ServiceMeasure | str = ServiceMeasure.CYCLE):
    """Order-up-to level S of a periodic-review (R, S) system under normal demand (補充点).

    Parameters:
        demand_mean_per_period: d, mean demand per period (units/day).
        demand_sd_per_period: σ_d, standard deviation of one period's demand (units).
        review_period: R (periods) between reviews (> 0).
        lead_time_mean: E[L] (periods).
        service_level: the target: a cycle service level P1 or a fill rate P2, per ``service_measure``.
        lead_time_sd: σ_L (periods), default 0.
        service_measure: ``"cycle"`` (type 1, default) or ``"fill_rate"`` (type 2).

    Returns:
        :class:`OrderUpToLevel` (S, safety stock, k, μ_P, σ_P).

    Equations used (Silver, Pyke & Thomas 2017, ch. 6, the (R, S) system):
        μ_P = d (R + E[L]),  σ_P = sqrt((R + E[L]) σ_d² + d² σ_L²)
        P1:  k = Φ⁻¹(P1)
        P2:  G_u(k) = (1 − P2) d R / σ_P
        S = μ_P + k σ_P

    Example (Snyder & Shen 2019, Example 4.4: base-stock with h = 0.18, p = 0.70, demand N(50, 8²) per
    period, lead time L = 4; reviewing every period (R = 1) the protection interval is L + 1 = 5 periods and
    the newsvendor fractile p/(p + h) is the cycle service level):

    >>> result = order_up_to_level_periodic_review_normal(50, 8, 1, 4, 0.70 / 0.88)
    >>> round(result.order_up_to_level, 2), round(result.protection_demand_sd, 3)
    (264.77, 17.889)
    """
    measure = ServiceMeasure(service_measure)
    r = as_float("review_period", review_period)
    if (r <= 0).any():
        raise ReplenishmentInputError("review_period must be > 0 periods (use reorder_point_normal for "
                                      "continuous review)")
    mu_p, sd_p = protection_interval_demand_normal(demand_mean_per_period, demand_sd_per_period,
                                                   lead_time_mean, lead_time_sd, review_period)
    if measure is ServiceMeasure.CYCLE:
        k = safety_factor_cycle_service_level(service_level)
    else:
        d = nonnegative("demand_mean_per_period", demand_mean_per_period)
        k = safety_factor_fill_rate_normal(service_level, d * r, sd_p)
    k_arr, sd_arr, mu_arr = np.broadcast_arrays(np.asarray(k), np.asarray(sd_p), np.asarray(mu_p))
    ss = k_arr * sd_arr
    inputs = (demand_mean_per_period, demand_sd_per_period, review_period, lead_time_mean, service_level,
              lead_time_sd)
    return OrderUpToLevel(out(mu_arr + ss, *inputs), out(ss, *inputs), out(k_arr, *inputs),
                          out(mu_arr, *inputs), out(sd_arr, *inputs))


class PeriodicReviewPerformance(NamedTuple):
    """What an order-up-to level is expected to deliver per review cycle (for what-if analysis)."""

    cycle_service_level: float
    """Φ(k): probability that a cycle ends without a stock-out."""
    stockout_probability: float
    """1 − Φ(k) (欠品リスク)."""
    expected_shortage_per_cycle: float
    """σ_P G(k) units short per cycle (backorders or lost sales)."""
    fill_rate: float
    """1 − shortage / demand per cycle."""
    expected_on_hand_end_of_cycle: float
    """E[(S − D_P)+] units left just before the next delivery."""
    average_on_hand: float
    """Approximate average stock on hand: end-of-cycle stock + half a review period's demand."""


def periodic_review_performance_normal(order_up_to_level, protection_demand_mean, protection_demand_sd,
                                       review_period_demand_mean):
    """Service and stock that an order-up-to level S yields under normal demand (for what-if analysis).

    Parameters:
        order_up_to_level: S (units).
        protection_demand_mean: μ_P, mean demand over R + E[L] (units).
        protection_demand_sd: σ_P (units), with lead-time variability.
        review_period_demand_mean: μ_R = d R, mean demand in one review period (units).

    Equations used (Silver, Pyke & Thomas 2017, ch. 6; Snyder & Shen 2019, (C.31)-(C.32)):
        k = (S − μ_P)/σ_P,  P1 = Φ(k),  ESPRC = σ_P G(k),  P2 = 1 − ESPRC/μ_R
        E[on hand at cycle end] = E[(S − D_P)+] = (S − μ_P) + ESPRC
        average on hand ≈ E[on hand at cycle end] + μ_R / 2

    >>> perf = periodic_review_performance_normal(264.77, 250, 17.889, 50)
    >>> round(perf.cycle_service_level, 3), round(perf.fill_rate, 3)
    (0.795, 0.959)
    """
    s = as_float("order_up_to_level", order_up_to_level)
    mu = nonnegative("protection_demand_mean", protection_demand_mean)
    sd = nonnegative("protection_demand_sd", protection_demand_sd)
    mu_r = nonnegative("review_period_demand_mean", review_period_demand_mean)
    s, mu, sd, mu_r = np.broadcast_arrays(s, mu, sd, mu_r)
    shortage = np.asarray(normal_loss(s, mu, sd))
    safe_sd = np.where(sd > 0, sd, 1.0)
    csl = np.where(sd > 0, ndtr((s - mu) / safe_sd), (s >= mu).astype(float))
    fill = np.where(mu_r > 0, 1.0 - shortage / np.where(mu_r > 0, mu_r, 1.0), 1.0)
    end = s - mu + shortage
    inputs = (order_up_to_level, protection_demand_mean, protection_demand_sd, review_period_demand_mean)
    return PeriodicReviewPerformance(out(csl, *inputs), out(1.0 - csl, *inputs), out(shortage, *inputs),
                                     out(np.clip(fill, 0.0, 1.0), *inputs), out(end, *inputs),
                                     out(end + mu_r / 2.0, *inputs))
