"""Service-level targets and the safety factors that meet them; LTV weighting of the targets.

Two measures of service (Silver, Pyke & Thomas 2017, ch. 6):

* **cycle service level** (type 1, P1, 欠品しない確率): the probability that a replenishment cycle ends
  without a stock-out. Met by the safety factor k = Φ⁻¹(P1).
* **fill rate** (type 2, P2, 充足率): the fraction of demand filled from stock on hand. Met by the k for
  which the expected shortage per cycle, σ G(k), is (1 − P2) times the demand per cycle.

A buyer usually means the fill rate when saying "95 % service"; the cycle service level is easier to
explain ("we run out in one review cycle in twenty"). Both are offered; ``ReplenishmentPolicy`` chooses.

Customer value enters as an **LTV weight** w per item (w = 1: the item's buyers are worth the average
customer; w = 2: twice as much). :func:`service_level_ltv_weighted` maps it to a target with the
newsvendor logic: the odds of being in stock, P/(1 − P), equal the ratio of what a lost sale costs to what
a unit of excess costs (cu/co). If a lost sale of this item costs w^γ times as much because of who buys it,
its odds are multiplied by w^γ. The result is clipped to explicit bounds.

References:
    E. A. Silver, D. F. Pyke, D. J. Thomas, *Inventory and Production Management in Supply Chains*, 4th ed.,
    CRC Press, 2017, ch. 6 (service measures P1/P2, the (R,S) system).
    S. Axsäter, *Inventory Control*, 3rd ed., Springer, 2015, ch. 5 (service levels S1/S2, normal demand).
"""
from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
from scipy.special import ndtr, ndtri

from ._checks import as_float, nonnegative, out, probability
from .errors import ReplenishmentInputError, examples
from .loss_functions import inverse_standard_normal_loss, standard_normal_loss

DEFAULT_SERVICE_LEVEL_BY_LTV_CLASS: Mapping[str, float] = {"high": 0.98, "mid": 0.95, "low": 0.90}
"""SPEC §6.5 defaults: high 98 %, mid 95 %, low 90 %."""

LTV_CLASS_ALIASES: Mapping[str, str] = {"高": "high", "中": "mid", "低": "low"}
"""Japanese class labels used in the marts (高/中/低) and their English keys."""


def safety_factor_cycle_service_level(cycle_service_level):
    """Safety factor k that meets a cycle service level (type 1, P1) under normal demand.

    Parameters:
        cycle_service_level: P1 in (0, 1), the probability of no stock-out per replenishment cycle.

    Returns:
        k = Φ⁻¹(P1) (negative when P1 < 0.5).

    Equations used:
        Pr(X ≤ x̂ + kσ) = Φ(k) = P1                     (Silver, Pyke & Thomas 2017, ch. 6, P1 criterion)

    >>> round(safety_factor_cycle_service_level(0.95), 4)
    1.6449
    """
    p1 = probability("cycle_service_level", cycle_service_level)
    return out(ndtri(p1), cycle_service_level)


def cycle_service_level_normal(safety_factor):
    """Cycle service level Φ(k) achieved by safety factor k (the inverse of the function above).

    >>> round(cycle_service_level_normal(1.2816), 3)
    0.9
    """
    k = as_float("safety_factor", safety_factor)
    return out(ndtr(k), safety_factor)


def safety_factor_fill_rate_normal(fill_rate, demand_per_cycle, demand_sd):
    """Safety factor k that meets a fill-rate target (type 2, P2) under normal demand, via G(k).

    Parameters:
        fill_rate: P2 in (0, 1), the target fraction of demand filled from stock.
        demand_per_cycle: expected demand in one replenishment cycle (units): Q for an (s, Q) system, the
            mean demand over one review period R for an (R, S) system.
        demand_sd: σ (units) of demand over the protection interval: the lead time L for (s, Q), R + L for
            (R, S).

    Returns:
        k with σ G(k) = (1 − P2) × demand per cycle. Where nothing can run short (σ = 0 or no demand) k = 0.

    Equations used:
        ESPRC = σ G_u(k)  (expected shortage per replenishment cycle)
        P2 = 1 − ESPRC / (demand per cycle)   ⇒   G_u(k) = (1 − P2) · Q / σ_L         for (s, Q)
                                                   G_u(k) = (1 − P2) · x̂_R / σ_{R+L}    for (R, S)
        (Silver, Pyke & Thomas 2017, ch. 6: the B2/P2 rules for (s, Q) and (R, S). The (R, S) form counts
        shortages already outstanding at the start of a cycle again, so it slightly over-protects.)

    >>> round(safety_factor_fill_rate_normal(0.99, 100.0, 50.0), 3)  # G(k) = 0.02
    1.663
    """
    p2 = probability("fill_rate", fill_rate)
    mu_cycle = nonnegative("demand_per_cycle", demand_per_cycle)
    sd = nonnegative("demand_sd", demand_sd)
    p2, mu_cycle, sd = np.broadcast_arrays(p2, mu_cycle, sd)
    can_short = (sd > 0) & (mu_cycle > 0)
    target = np.where(can_short, (1.0 - p2) * mu_cycle / np.where(sd > 0, sd, 1.0), 1.0)
    k = np.where(can_short, np.asarray(inverse_standard_normal_loss(target)), 0.0)
    return out(k, fill_rate, demand_per_cycle, demand_sd)


def fill_rate_normal(safety_factor, demand_per_cycle, demand_sd):
    """Fill rate (type 2, P2) achieved by safety factor k: 1 − σ G(k) / demand per cycle, floored at 0.

    Parameters as in :func:`safety_factor_fill_rate_normal`. With no demand per cycle the fill rate is 1.

    >>> round(fill_rate_normal(1.663, 100.0, 50.0), 3)
    0.99
    """
    k = as_float("safety_factor", safety_factor)
    mu_cycle = nonnegative("demand_per_cycle", demand_per_cycle)
    sd = nonnegative("demand_sd", demand_sd)
    k, mu_cycle, sd = np.broadcast_arrays(k, mu_cycle, sd)
    shortage = sd * np.asarray(standard_normal_loss(k))
    rate = np.where(mu_cycle > 0, 1.0 - shortage / np.where(mu_cycle > 0, mu_cycle, 1.0), 1.0)
    return out(np.clip(rate, 0.0, 1.0), safety_factor, demand_per_cycle, demand_sd)


def service_level_ltv_weighted(ltv_weight, base_service_level=0.95, min_service_level=0.80,
                               max_service_level=0.995, elasticity=1.0):
    """Service-level target of an item from the customer value of its buyers (LTV weighting).

    Parameters:
        ltv_weight: w ≥ 0, the customer value the item carries relative to the average item (1 = average;
            e.g. the mean CLV of its buyers divided by the mean CLV of all buyers).
        base_service_level: P_0, the target of an average item (w = 1). Default 0.95.
        min_service_level, max_service_level: bounds of the result (defaults 0.80 and 0.995): no item is
            starved, and no target asks for the near-infinite stock a 100 % target would.
        elasticity: γ ≥ 0, how strongly customer value moves the target (0 = not at all, 1 = the lost-sale
            cost scales with w).

    Returns:
        P(w) in [min_service_level, max_service_level], non-decreasing in w.

    Equations used (newsvendor odds, Nahmias; Snyder & Shen 2019 eq. (4.27): P = p/(p + h)):
        P/(1 − P) = cu/co  ⇒  P(w)/(1 − P(w)) = w^γ · P_0/(1 − P_0)
        P(w) = clip( w^γ·o_0 / (1 + w^γ·o_0), min, max ),  o_0 = P_0/(1 − P_0)

    With the defaults, w = 2.5 gives 0.979 and w = 0.5 gives 0.905 — close to the SPEC's LTV-class defaults
    high 98 % / mid 95 % / low 90 %:

    >>> [round(service_level_ltv_weighted(w), 3) for w in (0.0, 0.5, 1.0, 2.5, 100.0)]
    [0.8, 0.905, 0.95, 0.979, 0.995]
    """
    w = nonnegative("ltv_weight", ltv_weight)
    p0 = float(probability("base_service_level", base_service_level))
    lo = float(probability("min_service_level", min_service_level))
    hi = float(probability("max_service_level", max_service_level))
    gamma = float(nonnegative("elasticity", elasticity))
    if not lo <= p0 <= hi:
        raise ReplenishmentInputError(
            f"need min_service_level <= base_service_level <= max_service_level, got {lo}, {p0}, {hi}")
    odds = np.power(w, gamma) * (p0 / (1.0 - p0))
    level = odds / (1.0 + odds)
    return out(np.clip(level, lo, hi), ltv_weight)


def service_level_by_ltv_class(ltv_class, levels: Mapping[str, float] | None = None, default: float | None = None):
    """Service-level target looked up from an item's LTV class (high/mid/low or 高/中/低).

    Parameters:
        ltv_class: one label or an array/Series of labels.
        levels: class → target, default ``{"high": 0.98, "mid": 0.95, "low": 0.90}`` (SPEC §6.5).
        default: target for labels not in ``levels`` (and missing labels); ``None`` refuses them.

    >>> service_level_by_ltv_class(["high", "低", "mid"]).tolist()
    [0.98, 0.9, 0.95]
    """
    levels = dict(DEFAULT_SERVICE_LEVEL_BY_LTV_CLASS if levels is None else levels)
    for label, level in levels.items():
        probability(f"levels[{label!r}]", level)
    scalar = np.ndim(ltv_class) == 0
    codes, labels = pd.factorize(pd.Series([ltv_class] if scalar else list(ltv_class), dtype="object"))
    keys = [LTV_CLASS_ALIASES.get(v, v) if isinstance(v, str) else v for v in labels]
    per_label = np.array([levels.get(k, np.nan) for k in keys] + [np.nan], dtype=float)
    values = per_label[codes]                      # code -1 (missing label) reads the trailing NaN
    unknown = np.isnan(values)
    if unknown.any():
        if default is None:
            bad = sorted({"<missing>" if c < 0 else str(labels[c]) for c in codes[unknown]})
            raise ReplenishmentInputError(
                f"unknown LTV class label(s) {examples(bad)}: use one of {sorted(levels)} (or 高/中/低), or pass "
                "default= for unclassified items")
        values = np.where(unknown, float(probability("default", default)), values)
    return float(values[0]) if scalar else values
