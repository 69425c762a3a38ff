"""Recommended order quantities for a whole SKU × location table, with the reasons beside them (vectorised).

:func:`recommend_orders` applies the policy functions of this package to every row at once:

* **staples** (定番品): periodic review, order up to S = μ_P + k σ_P over the protection interval
  P = R + E[L], with σ_P including lead-time variability and k from the row's service-level target (given,
  or from its LTV weight);
* **seasonal goods** (シーズン品): the newsvendor buy at the critical ratio cu/(cu + co) of the remaining-
  season forecast (read off its quantiles when present), no reorder once the order window has closed;
* then for both: raw need = max(0, target − inventory position), rounded to case packs and the MOQ, and,
  with a purchase budget, cut where expected gross profit per yen is lowest.

Every row carries safety stock, reorder point, order-up-to level, raw need, rounded quantity, final quantity
and the one constraint that bound it, so a buyer can follow the number.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.special import ndtri

from .budget import allocate_budget_by_gross_profit_per_yen
from .config import ReplenishmentPolicy
from .constants import DAYS_PER_YEAR, BindingConstraint, ItemType, Method, ServiceMeasure
from .errors import ReplenishmentInputError, examples
from .newsvendor import ltv_stockout_penalty, newsvendor_quantile_forecast
from .rounding import round_to_case_pack_and_moq
from .safety_stock import demand_sd_from_quantiles, demand_sd_with_lead_time_variability
from .service_levels import safety_factor_fill_rate_normal, service_level_ltv_weighted

REQUIRED_COLUMNS: dict[str, str] = {
    "on_hand": "units in stock now (手持在庫); a negative book stock is taken at face value",
    "on_order": "units ordered and not yet received (発注残)",
    "demand_mean": "forecast mean demand over review period + mean lead time (staples) or over the rest of the "
                   "season (seasonal), units",
    "lead_time_mean_days": "mean supplier lead time, days",
    "lead_time_sd_days": "standard deviation of the lead time, days (0 if fixed)",
    "unit_cost_jpy": "purchase cost per unit, yen",
    "price_jpy": "selling price per unit (tax-exclusive), yen",
    "case_pack": "units per case (入数), whole number >= 1",
    "moq": "minimum order quantity in units (0 = none)",
    "item_type": "'staple' or 'seasonal'",
}
"""Columns :func:`recommend_orders` needs, and what each means."""

OPTIONAL_COLUMNS: dict[str, str] = {
    "backorders": "units owed to customers (default 0)",
    "demand_sd": "standard deviation of the forecast over the same horizon as demand_mean (else derived from "
                 "the outermost quantile columns)",
    "review_period_days": "review period R per row (default: the policy's)",
    "ltv_weight": "customer value the item carries relative to the average item (default 1)",
    "service_level": "explicit staple target (e.g. by LTV class × ZPM cell); overrides the LTV-weight mapping",
    "salvage_value_jpy": "what a leftover seasonal unit recovers (default: policy share of unit cost)",
    "order_allowed": "False once a seasonal item's order window has closed (default True)",
}
"""Columns used when present (plus the quantile columns ``demand_p10`` … of the policy)."""

OUTPUT_COLUMNS: tuple[str, ...] = (
    "method", "service_level_target", "critical_ratio", "safety_factor", "protection_demand_mean",
    "protection_demand_sd", "safety_stock", "reorder_point", "order_up_to", "inventory_position", "raw_need",
    "rounded_qty", "order_qty", "binding_constraint", "underage_cost_jpy", "overage_cost_jpy",
    "gross_profit_per_yen", "expected_gross_profit_jpy", "order_value_jpy",
)
"""Columns :func:`recommend_orders` adds (see its docstring)."""

_ITEM_TYPE_ALIASES = {"staple": ItemType.STAPLE.value, "定番": ItemType.STAPLE.value, "定番品": ItemType.STAPLE.value,
                      "seasonal": ItemType.SEASONAL.value, "シーズン": ItemType.SEASONAL.value,
                      "シーズン品": ItemType.SEASONAL.value}


def _numeric(rows: pd.DataFrame, name: str, *, minimum: float | None = None, default: float | None = None
             ) -> np.ndarray:
    if name not in rows.columns:
        return np.full(len(rows), float(default))
    try:
        values = pd.to_numeric(rows[name], errors="raise").to_numpy(dtype=float)
    except (TypeError, ValueError):
        raise ReplenishmentInputError(f"column {name!r} must be numeric") from None
    bad = ~np.isfinite(values)
    if bad.any():
        raise ReplenishmentInputError(
            f"column {name!r} has {int(bad.sum())} missing or infinite value(s), e.g. at index "
            f"{examples(rows.index[bad][:5].tolist())}: fill them before ordering")
    if minimum is not None and (values < minimum).any():
        low = values < minimum
        raise ReplenishmentInputError(
            f"column {name!r} must be >= {minimum:g}; {int(low.sum())} row(s) below, e.g. at index "
            f"{examples(rows.index[low][:5].tolist())}")
    return values


def _item_types(rows: pd.DataFrame) -> np.ndarray:
    """True for seasonal rows; labels are mapped once per distinct value (fast on 100k rows)."""
    codes, labels = pd.factorize(rows["item_type"], use_na_sentinel=True)
    mapped = [_ITEM_TYPE_ALIASES.get(str(v).strip().lower(), _ITEM_TYPE_ALIASES.get(str(v).strip()))
              for v in labels]
    bad = [str(v) for v, m in zip(labels, mapped) if m is None]
    if bad or (codes < 0).any():
        shown = sorted(bad) + (["<missing>"] if (codes < 0).any() else [])
        raise ReplenishmentInputError(f"item_type must be 'staple' or 'seasonal'; got {examples(shown)}")
    is_seasonal = np.array([m == ItemType.SEASONAL.value for m in mapped], dtype=bool)
    return is_seasonal[codes] if codes.size else np.zeros(0, dtype=bool)


def _demand_sd(rows: pd.DataFrame, policy: ReplenishmentPolicy, quantiles: np.ndarray | None) -> np.ndarray:
    if "demand_sd" in rows.columns:
        return _numeric(rows, "demand_sd", minimum=0)
    if quantiles is None:
        raise ReplenishmentInputError(
            "give the forecast's spread: a 'demand_sd' column, or the quantile columns "
            f"{list(policy.quantile_columns)} (ReplenishmentPolicy.quantile_levels says which)")
    return np.asarray(demand_sd_from_quantiles(quantiles[:, 0], quantiles[:, -1], policy.quantile_levels[0],
                                               policy.quantile_levels[-1]))


def _quantiles(rows: pd.DataFrame, policy: ReplenishmentPolicy) -> np.ndarray | None:
    cols = policy.quantile_columns
    present = [c for c in cols if c in rows.columns]
    if not present:
        return None
    if len(present) != len(cols):
        missing = [c for c in cols if c not in rows.columns]
        raise ReplenishmentInputError(f"quantile columns {missing} are missing while {present} are present: give "
                                      "all of them, or set ReplenishmentPolicy.quantile_levels to match")
    return np.sort(np.column_stack([_numeric(rows, c, minimum=0) for c in cols]), axis=1)


def recommend_orders(rows: pd.DataFrame, policy: ReplenishmentPolicy | None = None,
                     budget_jpy: float | None = None) -> pd.DataFrame:
    """Recommended order quantity and its reasons for every SKU × location row (vectorised).

    Parameters:
        rows: one row per SKU × location with the columns in :data:`REQUIRED_COLUMNS` and optionally
            :data:`OPTIONAL_COLUMNS` and the forecast quantile columns (``demand_p10``, ``demand_p50``,
            ``demand_p90`` by default), all over the same horizon as ``demand_mean``.
        policy: :class:`~.config.ReplenishmentPolicy` (defaults if omitted).
        budget_jpy: optional purchase budget for the whole table (yen); orders are cut where the expected gross
            profit per yen (customer value included) is lowest, and never exceed it in total.

    Returns:
        ``rows`` (same index) with :data:`OUTPUT_COLUMNS` appended:

        * ``method`` – ``periodic_review_order_up_to`` (staple) or ``newsvendor`` (seasonal);
        * ``service_level_target`` – the staple's target (P1 or P2 per the policy; the ``service_level``
          column when given, else from the LTV weight) or the seasonal critical ratio;
          ``critical_ratio`` – cu/(cu + co) for seasonal rows (NaN for staples);
        * ``safety_factor`` k; ``protection_demand_mean`` μ_P; ``protection_demand_sd`` σ_P (staples: with
          lead-time variability);
        * ``safety_stock`` SS = max(k, 0) σ_P for staples, max(Q* − μ, 0) for seasonal rows (安全在庫);
        * ``reorder_point`` = lead-time demand + SS for staples (the level that calls for an order between
          reviews), = the buy target for seasonal rows (発注点);
        * ``order_up_to`` S = μ_P + SS for staples, the newsvendor buy Q* for seasonal rows (補充点);
        * ``inventory_position`` = on hand + on order − backorders; ``raw_need`` = max(0, S − position);
        * ``rounded_qty`` after case pack and MOQ; ``order_qty`` after the order window and the budget
          (推奨発注数); ``binding_constraint`` – a :class:`~.constants.BindingConstraint` value;
        * ``underage_cost_jpy`` / ``overage_cost_jpy`` per unit, ``gross_profit_per_yen`` (priority of the
          order's first increment), ``expected_gross_profit_jpy`` and ``order_value_jpy`` of the order.

    Equations used: see :mod:`.safety_stock`, :mod:`.service_levels`, :mod:`.newsvendor`, :mod:`.rounding`
    and :mod:`.budget`. Staples: σ_P = sqrt(σ² + (μ_P/P)² σ_L²), P = R + E[L]; k = Φ⁻¹(P1) or
    G_u(k) = (1 − P2) μ_P R / (P σ_P). Seasonal: cu = margin × max(w, 1)^γ, co = cost − salvage,
    Q* = F⁻¹(clip(cu/(cu + co))).
    """
    policy = ReplenishmentPolicy() if policy is None else policy
    if not isinstance(rows, pd.DataFrame):
        raise ReplenishmentInputError("rows must be a pandas DataFrame with one row per SKU × location")
    missing = [c for c in REQUIRED_COLUMNS if c not in rows.columns]
    if missing:
        described = "; ".join(f"{c}: {REQUIRED_COLUMNS[c]}" for c in missing)
        raise ReplenishmentInputError(f"rows is missing column(s) {missing} — {described}")
    clash = [c for c in OUTPUT_COLUMNS if c in rows.columns]
    if clash:
        raise ReplenishmentInputError(f"rows already has output column(s) {clash}: drop them first")

    n = len(rows)
    seasonal = _item_types(rows) if n else np.zeros(0, dtype=bool)
    on_hand = _numeric(rows, "on_hand")
    on_order = _numeric(rows, "on_order", minimum=0)
    backorders = _numeric(rows, "backorders", minimum=0, default=0.0)
    mu = _numeric(rows, "demand_mean", minimum=0)
    lt = _numeric(rows, "lead_time_mean_days", minimum=0)
    lt_sd = _numeric(rows, "lead_time_sd_days", minimum=0)
    cost = _numeric(rows, "unit_cost_jpy", minimum=0)
    price = _numeric(rows, "price_jpy", minimum=0)
    pack = _numeric(rows, "case_pack", minimum=1)
    moq = _numeric(rows, "moq", minimum=0)
    review = _numeric(rows, "review_period_days", default=policy.review_period_days)
    if (review <= 0).any():
        raise ReplenishmentInputError("review_period_days must be > 0 (days between reviews)")
    w = _numeric(rows, "ltv_weight", minimum=0, default=1.0)
    quantiles = _quantiles(rows, policy)
    sd = _demand_sd(rows, policy, quantiles)
    gamma = policy.ltv_elasticity
    staple = ~seasonal

    # Staples: periodic review, order up to S over the protection interval R + E[L].
    protection = review + lt
    sd_p = np.where(staple, np.asarray(demand_sd_with_lead_time_variability(mu, sd, protection, lt_sd)), sd)
    if "service_level" in rows.columns:
        target = pd.to_numeric(rows["service_level"], errors="coerce").to_numpy(dtype=float)
        bad = staple & ~((target > 0) & (target < 1))          # NaN fails too; seasonal rows may leave it empty
        if bad.any():
            raise ReplenishmentInputError(
                f"service_level must be strictly between 0 and 1 on every staple row (e.g. 0.95); {int(bad.sum())} "
                f"row(s) are not, e.g. at index {examples(rows.index[bad][:5].tolist())}")
    else:
        target = np.asarray(service_level_ltv_weighted(w, policy.base_service_level, policy.min_service_level,
                                                       policy.max_service_level, gamma), dtype=float)
    safe_target = np.where(staple, target, 0.5)
    if policy.service_measure is ServiceMeasure.CYCLE:
        k_staple = ndtri(safe_target)
    else:
        cycle_demand = mu * review / protection
        k_staple = np.asarray(safety_factor_fill_rate_normal(safe_target, cycle_demand, sd_p), dtype=float)
    ss_staple = np.maximum(k_staple, 0.0) * sd_p
    s_staple = mu + ss_staple
    rop_staple = mu * lt / protection + ss_staple

    # Seasonal: newsvendor at the critical ratio of the remaining-season forecast.
    margin = price - cost
    salvage = _numeric(rows, "salvage_value_jpy", minimum=0, default=0.0) if "salvage_value_jpy" in rows.columns \
        else cost * policy.salvage_fraction_of_cost
    cu_season = np.maximum(margin, 0.0) + np.asarray(ltv_stockout_penalty(margin, w, gamma))
    co_season = np.maximum(cost - salvage, 0.0)
    total = cu_season + co_season
    ratio = np.where(total > 0, cu_season / np.where(total > 0, total, 1.0), 0.0)
    ratio = np.clip(ratio, policy.min_critical_ratio, policy.max_critical_ratio)
    z_season = ndtri(ratio)
    if quantiles is not None:
        q_season = np.asarray(newsvendor_quantile_forecast(ratio, policy.quantile_levels, quantiles)) if n \
            else np.zeros(0)
    else:
        q_season = np.maximum(mu + z_season * sd, 0.0)

    order_up_to = np.where(seasonal, q_season, s_staple)
    safety_stock = np.where(seasonal, np.maximum(q_season - mu, 0.0), ss_staple)
    reorder_point = np.where(seasonal, q_season, rop_staple)
    position = on_hand + on_order - backorders
    raw_need = np.maximum(order_up_to - position, 0.0)
    rounded, binding = round_to_case_pack_and_moq(raw_need, pack, moq, policy.rounding, policy.moq_min_fraction)
    rounded = np.asarray(rounded, dtype=np.int64).reshape(n)
    binding = np.asarray(binding, dtype=object).reshape(n)

    allowed = _order_allowed(rows)
    closed = ~allowed & (rounded > 0)
    qty = np.where(allowed, rounded, 0)
    binding = np.where(closed, BindingConstraint.ORDER_WINDOW_CLOSED.value, binding)

    # Ranking (and the budget): underage = margin with customer value; overage = holding or cost − salvage.
    cu_staple = np.maximum(margin, 0.0) * np.power(w, gamma)
    co_staple = cost * policy.holding_cost_rate_per_year * review / DAYS_PER_YEAR
    cu = np.where(seasonal, cu_season, cu_staple)
    co = np.where(seasonal, co_season, co_staple)
    ranked = qty > 0
    free = np.where(cost > 0, cost, 1e-9)  # a free item costs (almost) no budget and ranks first
    alloc = allocate_budget_by_gross_profit_per_yen(
        qty[ranked], pack[ranked], moq[ranked], free[ranked], position[ranked], mu[ranked], sd_p[ranked],
        cu[ranked], co[ranked], budget_jpy, policy.max_chunks_per_row)
    final = qty.copy()
    final[ranked] = alloc.quantity
    gp_per_yen = np.full(n, np.nan)
    gp_per_yen[ranked] = alloc.gross_profit_per_yen
    expected_gp = np.zeros(n)
    expected_gp[ranked] = alloc.expected_gross_profit_jpy
    binding = np.where(final < qty, BindingConstraint.BUDGET.value, binding)

    out = rows.copy()
    out["method"] = np.where(seasonal, Method.NEWSVENDOR.value, Method.PERIODIC_REVIEW.value)
    out["service_level_target"] = np.where(seasonal, ratio, target)
    out["critical_ratio"] = np.where(seasonal, ratio, np.nan)
    out["safety_factor"] = np.where(seasonal, z_season, k_staple)
    out["protection_demand_mean"] = mu
    out["protection_demand_sd"] = sd_p
    out["safety_stock"] = safety_stock
    out["reorder_point"] = reorder_point
    out["order_up_to"] = order_up_to
    out["inventory_position"] = position
    out["raw_need"] = raw_need
    out["rounded_qty"] = rounded
    out["order_qty"] = final.astype(np.int64)
    out["binding_constraint"] = binding.astype(str) if n else np.array([], dtype=str)
    out["underage_cost_jpy"] = cu
    out["overage_cost_jpy"] = co
    out["gross_profit_per_yen"] = gp_per_yen
    out["expected_gross_profit_jpy"] = expected_gp
    out["order_value_jpy"] = final * cost
    return out


def _order_allowed(rows: pd.DataFrame) -> np.ndarray:
    if "order_allowed" not in rows.columns:
        return np.ones(len(rows), dtype=bool)
    col = rows["order_allowed"]
    if col.isna().any():
        raise ReplenishmentInputError("order_allowed has missing values: use True/False for every row")
    if col.dtype == bool:
        return col.to_numpy()
    mapped = col.map(lambda v: v if isinstance(v, (bool, np.bool_)) else
                     {"true": True, "false": False, "1": True, "0": False}.get(str(v).strip().lower()))
    if mapped.isna().any():
        raise ReplenishmentInputError("order_allowed must be True/False (or 1/0)")
    return mapped.to_numpy(dtype=bool)
