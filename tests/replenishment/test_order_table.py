"""``recommend_orders``: the vectorised table agrees with the scalar policy functions, row by row."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy.stats import norm

from ltvzaiko_tasks.replenishment import (
    OUTPUT_COLUMNS,
    BindingConstraint,
    ReplenishmentInputError,
    ReplenishmentPolicy,
    demand_sd_from_quantiles,
    demand_sd_with_lead_time_variability,
    effective_moq,
    ltv_stockout_penalty,
    newsvendor_critical_ratio,
    newsvendor_normal,
    newsvendor_quantile_forecast,
    newsvendor_unit_costs,
    recommend_orders,
    round_to_case_pack_and_moq,
    safety_factor_cycle_service_level,
    safety_factor_fill_rate_normal,
    safety_stock_normal,
    service_level_ltv_weighted,
)


def make_rows(n: int, seed: int = 0, quantiles: bool = True) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    mu = rng.gamma(2.0, 15.0, n)
    sd = np.sqrt(mu + 1) * rng.uniform(0.7, 2.5, n)
    rows = pd.DataFrame({
        "sku_id": [f"SKU{i:06d}" for i in range(n)],
        "on_hand": rng.integers(0, 80, n),
        "on_order": rng.integers(0, 30, n),
        "backorders": rng.integers(0, 3, n),
        "demand_mean": mu,
        "lead_time_mean_days": rng.uniform(3, 40, n).round(1),
        "lead_time_sd_days": rng.uniform(0, 6, n).round(1),
        "unit_cost_jpy": rng.integers(300, 6000, n).astype(float),
        "case_pack": rng.choice([1, 2, 6, 12], n),
        "moq": rng.choice([0, 5, 12, 24], n),
        "item_type": rng.choice(["staple", "seasonal"], n, p=[0.6, 0.4]),
        "ltv_weight": rng.lognormal(0.0, 0.7, n),
    }, index=pd.RangeIndex(1000, 1000 + n))
    rows["price_jpy"] = (rows["unit_cost_jpy"] * rng.uniform(1.2, 3.0, n)).round()
    if quantiles:
        z = norm.ppf(0.9)
        skew = rng.uniform(0.8, 1.6, n)            # right-skewed forecasts, as for retail demand
        rows["demand_p10"] = np.maximum(mu - z * sd, 0.0)
        rows["demand_p50"] = np.maximum(mu - 0.1 * sd, 0.0)
        rows["demand_p90"] = mu + z * sd * skew
    else:
        rows["demand_sd"] = sd
    return rows


def scalar_recommendation(row: pd.Series, policy: ReplenishmentPolicy) -> tuple[float, int, str]:
    """One row through the scalar functions, the way a buyer would do it by hand: (order-up-to, qty, code)."""
    levels = policy.quantile_levels
    quantile_values = [row[c] for c in policy.quantile_columns] if "demand_p10" in row else None
    sd = row["demand_sd"] if "demand_sd" in row else demand_sd_from_quantiles(min(quantile_values),
                                                                             max(quantile_values), levels[0],
                                                                             levels[-1])
    position = row["on_hand"] + row["on_order"] - row["backorders"]
    if row["item_type"] == "staple":
        protection = policy.review_period_days + row["lead_time_mean_days"]
        sd_p = demand_sd_with_lead_time_variability(row["demand_mean"], sd, protection, row["lead_time_sd_days"])
        target = service_level_ltv_weighted(row["ltv_weight"], policy.base_service_level, policy.min_service_level,
                                            policy.max_service_level, policy.ltv_elasticity)
        if policy.service_measure == "cycle":
            k = safety_factor_cycle_service_level(target)
        else:
            k = safety_factor_fill_rate_normal(target, row["demand_mean"] * policy.review_period_days / protection,
                                               sd_p)
        order_up_to = row["demand_mean"] + safety_stock_normal(max(k, 0.0), sd_p)
    else:
        margin = row["price_jpy"] - row["unit_cost_jpy"]
        cu, co = newsvendor_unit_costs(row["price_jpy"], row["unit_cost_jpy"],
                                       policy.salvage_fraction_of_cost * row["unit_cost_jpy"],
                                       ltv_stockout_penalty(margin, row["ltv_weight"], policy.ltv_elasticity))
        ratio = min(max(newsvendor_critical_ratio(cu, co), policy.min_critical_ratio), policy.max_critical_ratio)
        if quantile_values is not None:
            order_up_to = newsvendor_quantile_forecast(ratio, levels, quantile_values)
        else:
            # newsvendor_normal at the clipped ratio: cu' = ratio, co' = 1 − ratio give the same fractile.
            order_up_to = max(newsvendor_normal(ratio, 1 - ratio, row["demand_mean"], sd).order_quantity, 0.0)
    qty, code = round_to_case_pack_and_moq(order_up_to - position, row["case_pack"], row["moq"], policy.rounding,
                                           policy.moq_min_fraction)
    return order_up_to, qty, code


@pytest.mark.parametrize("quantiles, policy", [
    (True, ReplenishmentPolicy()),
    (False, ReplenishmentPolicy(review_period_days=14, moq_min_fraction=0.5)),
    (True, ReplenishmentPolicy(service_measure="fill_rate", ltv_elasticity=0.5)),
])
def test_vectorised_table_matches_the_scalar_functions(quantiles, policy):
    rows = make_rows(300, seed=5, quantiles=quantiles)
    out = recommend_orders(rows, policy)
    for index, row in rows.iterrows():
        order_up_to, qty, code = scalar_recommendation(row, policy)
        got = out.loc[index]
        assert got["order_up_to"] == pytest.approx(order_up_to, rel=1e-9, abs=1e-9), index
        assert got["order_qty"] == qty, index
        assert got["binding_constraint"] == code, index


def test_output_contract():
    rows = make_rows(2000, seed=1)
    out = recommend_orders(rows)
    assert list(out.columns) == list(rows.columns) + list(OUTPUT_COLUMNS)
    assert out.index.equals(rows.index)
    for col in ("safety_stock", "reorder_point", "order_up_to", "raw_need", "rounded_qty", "order_qty",
                "order_value_jpy"):
        assert (out[col] >= 0).all(), col
    assert (out["order_up_to"] >= out["reorder_point"] - 1e-9).all()
    assert (out["order_qty"] % out["case_pack"] == 0).all()
    m_eff = effective_moq(out["case_pack"].to_numpy(), out["moq"].to_numpy())
    assert ((out["order_qty"] == 0) | (out["order_qty"] >= m_eff)).all()
    assert set(out["binding_constraint"]) <= {c.value for c in BindingConstraint}
    assert set(out["method"]) == {"periodic_review_order_up_to", "newsvendor"}
    assert out.loc[out["item_type"] == "staple", "critical_ratio"].isna().all()
    ordered = out["order_qty"] > 0
    assert out.loc[ordered, "gross_profit_per_yen"].notna().all()
    assert out.loc[~ordered, "gross_profit_per_yen"].isna().all()


def test_zero_demand_orders_nothing():
    """No demand and no customer owed anything (backorders only create a need of their own)."""
    rows = make_rows(500, seed=2).assign(backorders=0)
    rows[["demand_mean", "demand_p10", "demand_p50", "demand_p90"]] = 0.0
    out = recommend_orders(rows)
    assert (out["order_qty"] == 0).all()
    assert (out["binding_constraint"] == BindingConstraint.NO_NEED.value).all()
    no_quantiles = make_rows(500, seed=2, quantiles=False).assign(demand_mean=0.0, demand_sd=0.0, backorders=0)
    assert (recommend_orders(no_quantiles)["order_qty"] == 0).all()


def test_service_level_column_is_monotone_in_the_order():
    base = make_rows(1, seed=3, quantiles=False).assign(item_type="staple", on_hand=0, on_order=0, backorders=0,
                                                        case_pack=1, moq=0)
    rows = pd.concat([base] * 40, ignore_index=True)
    rows["service_level"] = np.linspace(0.6, 0.995, 40)
    out = recommend_orders(rows)
    assert out["order_up_to"].is_monotonic_increasing
    assert out["order_qty"].is_monotonic_increasing
    assert (out["service_level_target"] == rows["service_level"]).all()


@pytest.mark.parametrize("item_type", ["staple", "seasonal"])
def test_higher_ltv_weight_never_orders_less(item_type):
    base = make_rows(1, seed=4).assign(item_type=item_type, on_hand=0, on_order=0, backorders=0, case_pack=1,
                                       moq=0)
    rows = pd.concat([base] * 30, ignore_index=True)
    rows["ltv_weight"] = np.linspace(0.0, 6.0, 30)
    out = recommend_orders(rows)
    assert out["service_level_target"].is_monotonic_increasing
    assert out["order_qty"].is_monotonic_increasing
    assert out["order_qty"].iloc[-1] > out["order_qty"].iloc[0]


def test_closed_order_window_blocks_seasonal_reorders():
    rows = make_rows(400, seed=6).assign(item_type="seasonal", on_hand=0, on_order=0, backorders=0)
    rows["order_allowed"] = np.arange(len(rows)) % 2 == 0
    out = recommend_orders(rows)
    closed = ~rows["order_allowed"]
    assert (out.loc[closed, "order_qty"] == 0).all()
    wanted = closed & (out["rounded_qty"] > 0)
    assert wanted.any()
    assert (out.loc[wanted, "binding_constraint"] == BindingConstraint.ORDER_WINDOW_CLOSED.value).all()


def test_budget_caps_the_table_and_cuts_the_least_profitable_per_yen():
    rows = make_rows(3000, seed=7)
    full = recommend_orders(rows)
    budget = 0.3 * full["order_value_jpy"].sum()
    cut = recommend_orders(rows, budget_jpy=budget)
    assert cut["order_value_jpy"].sum() <= budget
    assert cut["order_value_jpy"].sum() >= 0.97 * budget
    assert (cut["order_qty"] <= full["order_qty"]).all()
    trimmed = cut["order_qty"] < full["order_qty"]
    assert (cut.loc[trimmed, "binding_constraint"] == BindingConstraint.BUDGET.value).all()
    kept_whole = cut["order_qty"] == full["order_qty"]
    ordered = full["order_qty"] > 0
    # orders kept whole rank, on their first increment, at least as high as orders dropped entirely
    dropped = ordered & (cut["order_qty"] == 0)
    assert full.loc[ordered & kept_whole, "gross_profit_per_yen"].median() > \
        full.loc[dropped, "gross_profit_per_yen"].median()
    unchanged = recommend_orders(rows, budget_jpy=10 * full["order_value_jpy"].sum())
    assert (unchanged["order_qty"] == full["order_qty"]).all()


def test_inputs_are_checked_with_a_fix_in_the_message():
    rows = make_rows(10, seed=8)
    with pytest.raises(ReplenishmentInputError, match="lead_time_sd_days"):
        recommend_orders(rows.drop(columns="lead_time_sd_days"))
    with pytest.raises(ReplenishmentInputError, match="missing or infinite"):
        recommend_orders(rows.assign(demand_mean=np.where(np.arange(10) == 3, np.nan, rows["demand_mean"])))
    with pytest.raises(ReplenishmentInputError, match="'staple' or 'seasonal'"):
        recommend_orders(rows.assign(item_type="basic"))
    with pytest.raises(ReplenishmentInputError, match="demand_sd"):
        recommend_orders(rows.drop(columns=["demand_p10", "demand_p50", "demand_p90"]))
    with pytest.raises(ReplenishmentInputError, match="case_pack"):
        recommend_orders(rows.assign(case_pack=0))
    with pytest.raises(ReplenishmentInputError, match="already has output"):
        recommend_orders(rows.assign(order_qty=1))


def test_japanese_item_type_labels_and_empty_tables():
    rows = make_rows(4, seed=9).assign(item_type=["定番品", "シーズン品", "staple", "Seasonal"])
    assert recommend_orders(rows)["method"].tolist() == ["periodic_review_order_up_to", "newsvendor",
                                                         "periodic_review_order_up_to", "newsvendor"]
    empty = recommend_orders(make_rows(0))
    assert len(empty) == 0 and set(OUTPUT_COLUMNS) <= set(empty.columns)


def test_runs_on_100k_rows():
    """Scale smoke test (timing is benchmarked, not asserted: SPEC §8)."""
    out = recommend_orders(make_rows(100_000, seed=10), budget_jpy=50_000_000)
    assert len(out) == 100_000 and out["order_value_jpy"].sum() <= 50_000_000


def test_service_level_column_may_be_empty_on_seasonal_rows_only():
    rows = make_rows(6, seed=12).assign(item_type=["staple", "seasonal"] * 3)
    rows["service_level"] = [0.97, np.nan] * 3
    out = recommend_orders(rows)
    assert (out.loc[out["item_type"] == "staple", "service_level_target"] == 0.97).all()
    rows.loc[rows.index[0], "service_level"] = np.nan
    with pytest.raises(ReplenishmentInputError, match="every staple row"):
        recommend_orders(rows)
