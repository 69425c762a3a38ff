"""What-if analysis of the staple policy (シナリオ分析): change the service level, the lead time, the review period
or shift the reorder point, and see what happens to safety stock, inventory cost and stock-out risk.

:func:`what_if` takes rows of the order list (``replenishment_order_list``, one per SKU × location) and
recomputes each staple row twice with the same policy functions the order list uses — once as published
(baseline), once under a :class:`Scenario` — and reports, per row and per year:

* safety stock, reorder point, order-up-to level and the recommended order quantity;
* **stock-out risk**: the probability that a review cycle runs out (1 − Φ(k)), the expected shortage per
  cycle σ_P G(k), the fill rate, expected units short per year;
* **inventory cost**: holding = holding-cost rate × unit cost × average stock on hand; ordering = cost of
  one order line × orders per year (365 / R); their sum.

How a scenario changes the inputs (days independent, the forecast's daily rate d = μ_P / (R + L) unchanged):

    μ_P' = d (R' + L'),   σ_f'² = σ_f² (R' + L') / (R + L),   σ_f² = σ_P² − d² σ_L²   (forecast part of σ_P)
    σ_P' = sqrt(σ_f'² + d² σ_L²),  S' = μ_P' + k' σ_P' + Δ,  reorder point' = d L' + k' σ_P' + Δ

where k' comes from the scenario's service level (or the row's own target) and Δ is the reorder-point shift
in units (it moves safety stock, reorder point and order-up-to together). Performance follows
:func:`~.safety_stock.periodic_review_performance_normal`: average on hand ≈ (S − μ_P) + σ_P G(k) + d R / 2.
Seasonal rows are left out (their buy is a newsvendor decision over the rest of the season).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .config import ReplenishmentPolicy
from .constants import DAYS_PER_YEAR
from .errors import ReplenishmentInputError
from .order_table import recommend_orders
from .rounding import round_to_case_pack_and_moq
from .safety_stock import periodic_review_performance_normal

DEFAULT_ORDER_COST_JPY = 1_000.0
"""Cost of placing and receiving one order line (発注1行あたりのコスト), yen: buyer time, receiving, freight share."""

REQUIRED_COLUMNS = {
    "sku_id": "SKU", "location_id": "location", "item_type": "staple / seasonal",
    "demand_over_protection_units": "μ_P, forecast demand over review period + lead time",
    "demand_sd_units": "σ_P, its standard deviation with lead-time variability",
    "review_period_days": "R", "lead_time_mean_days": "E[L]", "lead_time_sd_days": "σ_L",
    "service_level_target": "the row's cycle service level target",
    "on_hand_units": "stock on hand", "on_order_units": "stock on order",
    "unit_cost_jpy": "unit cost", "case_pack": "case pack", "moq": "minimum order quantity",
}
"""Columns of ``replenishment_order_list`` that :func:`what_if` reads."""

METRICS = ("service_level", "safety_stock", "reorder_point", "order_up_to", "order_qty", "stockout_probability",
           "expected_shortage_per_cycle", "fill_rate", "average_on_hand", "shortage_units_per_year",
           "holding_cost_jpy_per_year", "ordering_cost_jpy_per_year", "inventory_cost_jpy_per_year")
"""Figures reported for the baseline and the scenario (``baseline_<m>``, ``scenario_<m>``)."""


@dataclass(frozen=True)
class Scenario:
    """What to change; ``None`` keeps each row's own value.

    Attributes:
        service_level: cycle service level target for every row (e.g. 0.98).
        lead_time_days: mean lead time E[L] in days.
        review_period_days: review period R in days.
        reorder_point_delta: units added to the reorder point (and so to safety stock and order-up-to).
    """

    service_level: float | None = None
    lead_time_days: float | None = None
    review_period_days: float | None = None
    reorder_point_delta: float = 0.0

    def __post_init__(self) -> None:
        if self.service_level is not None and not 0 < self.service_level < 1:
            raise ReplenishmentInputError("service_level must be strictly between 0 and 1, e.g. 0.98")
        if self.lead_time_days is not None and self.lead_time_days < 0:
            raise ReplenishmentInputError("lead_time_days must be >= 0")
        if self.review_period_days is not None and not self.review_period_days > 0:
            raise ReplenishmentInputError("review_period_days must be > 0")
        if not np.isfinite(self.reorder_point_delta):
            raise ReplenishmentInputError("reorder_point_delta must be a number of units")

    def describe(self) -> str:
        parts = []
        if self.service_level is not None:
            parts.append(f"service level {self.service_level:.1%}")
        if self.lead_time_days is not None:
            parts.append(f"lead time {self.lead_time_days:g} d")
        if self.review_period_days is not None:
            parts.append(f"review every {self.review_period_days:g} d")
        if self.reorder_point_delta:
            parts.append(f"reorder point {self.reorder_point_delta:+g} units")
        return ", ".join(parts) or "no change"


def _evaluate(rows: pd.DataFrame, service: np.ndarray, review: np.ndarray, lead: np.ndarray, delta: float,
              policy: ReplenishmentPolicy, order_cost_jpy: float) -> dict[str, np.ndarray]:
    """The policy and its expected performance for one set of parameters."""
    num = lambda c: pd.to_numeric(rows[c], errors="coerce").fillna(0.0).to_numpy(dtype=float)  # noqa: E731
    mu_p, sd_p = num("demand_over_protection_units"), num("demand_sd_units")
    r0, l0, lt_sd = num("review_period_days"), num("lead_time_mean_days"), num("lead_time_sd_days")
    p0 = np.where(r0 + l0 > 0, r0 + l0, 1.0)
    daily = mu_p / p0
    forecast_var = np.maximum(sd_p ** 2 - (daily * lt_sd) ** 2, 0.0)
    p1 = review + lead
    inputs = pd.DataFrame({
        "item_type": "staple", "on_hand": num("on_hand_units"), "on_order": num("on_order_units"),
        "demand_mean": daily * p1, "demand_sd": np.sqrt(forecast_var * p1 / p0),
        "lead_time_mean_days": lead, "lead_time_sd_days": lt_sd, "review_period_days": review,
        "unit_cost_jpy": num("unit_cost_jpy"), "price_jpy": num("unit_cost_jpy"),
        "case_pack": np.maximum(num("case_pack"), 1.0), "moq": num("moq"), "service_level": service,
    })
    rec = recommend_orders(inputs, policy)
    ss = np.maximum(rec["safety_stock"].to_numpy() + delta, 0.0)
    s = rec["protection_demand_mean"].to_numpy() + ss
    rop = rec["reorder_point"].to_numpy() - rec["safety_stock"].to_numpy() + ss
    need = np.maximum(s - rec["inventory_position"].to_numpy(), 0.0)
    qty, _ = round_to_case_pack_and_moq(need, inputs["case_pack"].to_numpy(), inputs["moq"].to_numpy(),
                                        policy.rounding, policy.moq_min_fraction)
    sd_prot = rec["protection_demand_sd"].to_numpy()
    perf = periodic_review_performance_normal(s, rec["protection_demand_mean"].to_numpy(), sd_prot, daily * review)
    cycles = DAYS_PER_YEAR / review
    holding = policy.holding_cost_rate_per_year * inputs["unit_cost_jpy"].to_numpy() * np.asarray(perf.average_on_hand)
    ordering = np.where(daily > 0, order_cost_jpy * cycles, 0.0)
    return {
        "service_level": np.asarray(perf.cycle_service_level), "safety_stock": ss, "reorder_point": rop,
        "order_up_to": s, "order_qty": np.asarray(qty, dtype=float),
        "stockout_probability": np.asarray(perf.stockout_probability),
        "expected_shortage_per_cycle": np.asarray(perf.expected_shortage_per_cycle),
        "fill_rate": np.asarray(perf.fill_rate), "average_on_hand": np.asarray(perf.average_on_hand),
        "shortage_units_per_year": np.asarray(perf.expected_shortage_per_cycle) * cycles,
        "holding_cost_jpy_per_year": holding, "ordering_cost_jpy_per_year": ordering,
        "inventory_cost_jpy_per_year": holding + ordering,
    }


def what_if(rows: pd.DataFrame, scenario: Scenario, policy: ReplenishmentPolicy | None = None,
            order_cost_jpy: float = DEFAULT_ORDER_COST_JPY) -> pd.DataFrame:
    """Baseline and scenario figures per staple row of the order list.

    Parameters:
        rows: rows of ``replenishment_order_list`` (columns :data:`REQUIRED_COLUMNS`); seasonal rows are dropped.
        scenario: what to change (:class:`Scenario`).
        policy: the replenishment policy (holding-cost rate, rounding, service measure), default from env.
        order_cost_jpy: cost of one order line, yen (default :data:`DEFAULT_ORDER_COST_JPY`).

    Returns:
        One row per staple SKU × location: ``sku_id``, ``location_id`` and ``baseline_<m>`` /
        ``scenario_<m>`` / ``delta_<m>`` for every figure in :data:`METRICS`. The baseline reproduces the order
        list's safety stock, reorder point and order-up-to (before any purchase budget).

    Example (Silver, Pyke & Thomas's normal-demand (R, S) system: μ_P = 140 over R = 7 + L = 7 days, σ_P = 20,
    unit cost ¥1,000, holding 25 %/year): raising the target from 95 % to 98 % raises safety stock from 32.9 to
    41.1 units and lowers the cycle stock-out probability from 5 % to 2 %.
    """
    policy = policy or ReplenishmentPolicy.from_env()
    missing = [c for c in REQUIRED_COLUMNS if c not in rows.columns]
    if missing:
        raise ReplenishmentInputError(f"what-if rows are missing column(s) {missing} (read them from "
                                      "replenishment_order_list)")
    staples = rows[rows["item_type"].astype(str).ne("seasonal")].reset_index(drop=True)
    out = staples[["sku_id", "location_id"]].copy()
    if staples.empty:
        return out.assign(**{f"{p}_{m}": pd.Series(dtype=float) for p in ("baseline", "scenario", "delta")
                             for m in METRICS})
    num = lambda c: pd.to_numeric(staples[c], errors="coerce").to_numpy(dtype=float)  # noqa: E731
    base_sl = np.clip(np.nan_to_num(num("service_level_target"), nan=policy.base_service_level), 1e-6, 1 - 1e-6)
    base_r, base_l = np.nan_to_num(num("review_period_days"), nan=policy.review_period_days), \
        np.nan_to_num(num("lead_time_mean_days"), nan=0.0)
    base = _evaluate(staples, base_sl, base_r, base_l, 0.0, policy, order_cost_jpy)
    n = len(staples)
    scen = _evaluate(
        staples,
        np.full(n, scenario.service_level) if scenario.service_level is not None else base_sl,
        np.full(n, float(scenario.review_period_days)) if scenario.review_period_days is not None else base_r,
        np.full(n, float(scenario.lead_time_days)) if scenario.lead_time_days is not None else base_l,
        float(scenario.reorder_point_delta), policy, order_cost_jpy)
    for m in METRICS:
        out[f"baseline_{m}"] = base[m]
        out[f"scenario_{m}"] = scen[m]
        out[f"delta_{m}"] = scen[m] - base[m]
    return out


def what_if_totals(result: pd.DataFrame) -> pd.DataFrame:
    """One line per figure: baseline, scenario and change, summed over rows (service level, stock-out probability
    and fill rate averaged)."""
    rows = []
    for m in METRICS:
        agg = "mean" if m in ("service_level", "stockout_probability", "fill_rate") else "sum"
        b, s = (getattr(result[f"{p}_{m}"], agg)() if len(result) else np.nan for p in ("baseline", "scenario"))
        rows.append({"metric": m, "aggregate": agg, "baseline": b, "scenario": s, "change": s - b})
    return pd.DataFrame(rows)
