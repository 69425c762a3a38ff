"""Properties every policy function must keep, on random inputs (numpy grids; no extra test dependency)."""
from __future__ import annotations

import itertools

import numpy as np
import pytest
from scipy import integrate
from scipy.stats import norm

from ltvzaiko_tasks.replenishment import (
    BindingConstraint,
    ReplenishmentInputError,
    allocate_budget_by_gross_profit_per_yen,
    allocate_budget_greedy,
    effective_moq,
    fill_rate_normal,
    inverse_standard_normal_loss,
    markdown_depth_constant_elasticity,
    newsvendor_normal,
    newsvendor_quantile_forecast,
    normal_loss,
    order_up_to_level_periodic_review_normal,
    protection_interval_demand_normal,
    round_to_case_pack_and_moq,
    safety_factor_fill_rate_normal,
    service_level_by_ltv_class,
    service_level_ltv_weighted,
    standard_normal_loss,
)

RNG = np.random.default_rng(20261201)


# --- loss function -------------------------------------------------------------------------------------------

def test_loss_function_matches_its_integral_definition():
    for k in (-2.0, -0.3, 0.0, 0.7, 1.9, 3.5):
        integral, _ = integrate.quad(lambda z: (z - k) * norm.pdf(z), k, np.inf)
        assert standard_normal_loss(k) == pytest.approx(integral, rel=1e-8, abs=1e-12)


def test_loss_function_is_decreasing_convex_and_accurate_in_the_tail():
    k = np.linspace(-8, 12, 2001)
    g = standard_normal_loss(k)
    assert np.all(np.diff(g) < 0)
    assert np.all(np.diff(g, 2) > -1e-12)
    # Mills-ratio asymptote G(k) ≈ φ(k)/k² (1 − 3/k²) for large k: the textbook formula has no digits left here.
    assert standard_normal_loss(10.0) == pytest.approx(norm.pdf(10) / 100 * (1 - 3 / 100 + 15 / 10_000), rel=1e-3)


def test_inverse_loss_round_trip():
    targets = np.concatenate([10.0 ** RNG.uniform(-10, 1.5, 500), [0.3989422804014327, 1e-12, 40.0]])
    k = inverse_standard_normal_loss(targets)
    assert np.allclose(standard_normal_loss(k), targets, rtol=1e-9)
    with pytest.raises(ReplenishmentInputError):
        inverse_standard_normal_loss(0.0)


def test_normal_loss_with_no_uncertainty_is_the_plain_shortage():
    assert normal_loss([5.0, 15.0], 10.0, 0.0).tolist() == [5.0, 0.0]


# --- service levels and targets ------------------------------------------------------------------------------

@pytest.mark.parametrize("measure", ["cycle", "fill_rate"])
def test_order_up_to_is_monotone_in_service_level(measure):
    levels = np.linspace(0.55, 0.995, 60)
    s = order_up_to_level_periodic_review_normal(12.0, 4.0, 7, 10, levels, lead_time_sd=2.0,
                                                 service_measure=measure).order_up_to_level
    assert np.all(np.diff(s) > 0)


def test_fill_rate_inverse_round_trip():
    p2 = RNG.uniform(0.5, 0.999, 300)
    mu_cycle = RNG.uniform(1, 200, 300)
    sd = RNG.uniform(0.5, 80, 300)
    k = safety_factor_fill_rate_normal(p2, mu_cycle, sd)
    assert np.allclose(fill_rate_normal(k, mu_cycle, sd), p2, atol=1e-9)


def _simulate_periodic_review(order_up_to, review, lead_time, mean, sd, days, seed):
    """Backorder (R, S) system, orders placed at the end of review days, received L + 1 days later."""
    rng = np.random.default_rng(seed)
    demand = np.maximum(rng.normal(mean, sd, days), 0.0).tolist()
    pipeline = [0.0] * (days + lead_time + 2)
    net = position = order_up_to
    filled = total = 0.0
    cycles = stockouts = 0
    for t in range(days):
        if pipeline[t]:
            cycles += 1
            stockouts += net < 0           # the cycle ended short just before this delivery
            net += pipeline[t]
        filled += min(max(net, 0.0), demand[t])
        total += demand[t]
        net -= demand[t]
        position -= demand[t]
        if t % review == review - 1:
            pipeline[t + lead_time + 1] += order_up_to - position
            position = order_up_to
    return filled / total, 1 - stockouts / cycles


@pytest.mark.parametrize("target", [0.90, 0.97])
def test_fill_rate_and_cycle_targets_hold_in_simulation(target):
    """SPT's (R, S) rules, checked by simulation: daily N(20, 6²), R = 5 days, L = 3 days."""
    by_fill = order_up_to_level_periodic_review_normal(20, 6, 5, 3, target, service_measure="fill_rate")
    fill, _ = _simulate_periodic_review(by_fill.order_up_to_level, 5, 3, 20, 6, 40_000, seed=1)
    assert fill == pytest.approx(target, abs=0.01)
    by_cycle = order_up_to_level_periodic_review_normal(20, 6, 5, 3, target)
    _, cycle = _simulate_periodic_review(by_cycle.order_up_to_level, 5, 3, 20, 6, 40_000, seed=2)
    assert cycle == pytest.approx(target, abs=0.015)


def test_lead_time_variability_formula_by_monte_carlo():
    """Var(Σ_{i ≤ L} D_i) = E[L] σ_d² + d² Var(L) for a random whole-day lead time L."""
    rng = np.random.default_rng(7)
    lead = rng.choice([4, 6, 8, 10, 12], size=400_000, p=[0.1, 0.2, 0.4, 0.2, 0.1])
    totals = rng.normal(30.0 * lead, 9.0 * np.sqrt(lead))
    mean, sd = protection_interval_demand_normal(30.0, 9.0, lead.mean(), lead.std())
    assert totals.mean() == pytest.approx(mean, rel=0.005)
    assert totals.std() == pytest.approx(sd, rel=0.01)


def test_ltv_weighting_is_monotone_bounded_and_neutral_at_one():
    w = np.sort(np.concatenate([[0.0, 1.0], RNG.lognormal(0, 1.5, 500)]))
    levels = service_level_ltv_weighted(w, 0.95, 0.85, 0.99)
    assert np.all(np.diff(levels) >= 0)
    assert levels.min() >= 0.85 and levels.max() <= 0.99
    assert service_level_ltv_weighted(1.0, 0.95, 0.85, 0.99) == pytest.approx(0.95)
    assert np.all(service_level_ltv_weighted(w, 0.95, 0.85, 0.99, elasticity=0.0) == 0.95)
    with pytest.raises(ReplenishmentInputError):
        service_level_ltv_weighted(1.0, 0.95, 0.96, 0.99)


def test_ltv_class_lookup():
    assert service_level_by_ltv_class(["high", "mid", "low", "高", "中", "低"]).tolist() == [0.98, 0.95, 0.90] * 2
    with pytest.raises(ReplenishmentInputError, match="unknown LTV class"):
        service_level_by_ltv_class(["vip"])
    assert service_level_by_ltv_class(["vip"], default=0.9).tolist() == [0.9]


# --- newsvendor ----------------------------------------------------------------------------------------------

def test_newsvendor_is_monotone_in_the_critical_ratio():
    ratios = np.linspace(0.02, 0.98, 97)
    levels = (0.1, 0.5, 0.9)
    skewed = np.array([2.0, 6.0, 19.0])
    q = newsvendor_quantile_forecast(ratios, levels, np.tile(skewed, (ratios.size, 1)))
    assert np.all(np.diff(q) >= 0) and q.min() >= 0
    normal_q = newsvendor_normal(ratios, 1 - ratios, 40.0, 12.0).order_quantity
    assert np.all(np.diff(normal_q) > 0)


def test_quantile_newsvendor_equals_normal_on_normal_quantiles():
    mu = RNG.uniform(20, 200, 50)
    sd = RNG.uniform(1, 15, 50)
    levels = (0.1, 0.25, 0.5, 0.75, 0.9)
    quantiles = mu[:, None] + sd[:, None] * norm.ppf(levels)[None, :]
    for ratio in (0.03, 0.3, 0.5, 0.8, 0.97):
        expected = np.maximum(mu + sd * norm.ppf(ratio), 0.0)   # demand quantiles are floored at zero
        assert np.allclose(newsvendor_quantile_forecast(ratio, levels, quantiles), expected)


def test_quantile_newsvendor_sorts_crossed_quantiles():
    assert newsvendor_quantile_forecast(0.5, (0.1, 0.5, 0.9), (10.0, 8.0, 12.0)) == pytest.approx(10.0)


# --- rounding ------------------------------------------------------------------------------------------------

def test_rounding_up_never_falls_below_the_need_unless_the_moq_says_so():
    need = RNG.uniform(-5, 200, 5000)
    pack = RNG.choice([1, 2, 3, 6, 12, 24], 5000)
    moq = RNG.choice([0, 1, 5, 10, 48, 100], 5000)
    frac = 0.4
    q, why = round_to_case_pack_and_moq(need, pack, moq, moq_min_fraction=frac)
    m_eff = effective_moq(pack, moq)
    assert np.all(q % pack == 0)
    assert np.all((q == 0) | (q >= m_eff))
    below = q < need - 1e-9
    assert set(why[below]) <= {BindingConstraint.BELOW_MOQ.value}
    dropped = why == BindingConstraint.BELOW_MOQ.value
    assert np.all(need[dropped] < frac * m_eff[dropped])
    # Never more than one case above the need unless the MOQ raised it.
    over = q - np.maximum(need, 0)
    assert np.all((over < pack) | (why == BindingConstraint.MOQ.value))
    assert np.all(q[need <= 0] == 0) and set(why[need <= 0]) == {BindingConstraint.NO_NEED.value}


@pytest.mark.parametrize("rule", ["nearest", "down"])
def test_other_rounding_rules_stay_in_whole_cases(rule):
    need = RNG.uniform(0, 100, 2000)
    pack = RNG.choice([1, 6, 12], 2000)
    q, _ = round_to_case_pack_and_moq(need, pack, 12, rounding=rule)
    assert np.all(q % pack == 0)
    if rule == "down":
        assert np.all(q <= need + 1e-9)
    else:
        assert np.all(np.abs(q - need) <= np.maximum(pack / 2, effective_moq(pack, 12)) + 1e-9)


def test_rounding_refuses_a_fractional_case_pack():
    with pytest.raises(ReplenishmentInputError, match="case_pack"):
        round_to_case_pack_and_moq(10, 2.5)


# --- budget --------------------------------------------------------------------------------------------------

def _random_orders(n, rng):
    pack = rng.choice([1, 3, 6], n).astype(float)
    moq = rng.choice([0, 6, 12], n).astype(float)
    need = rng.uniform(0, 60, n)
    qty, _ = round_to_case_pack_and_moq(need, pack, moq)
    return dict(order_quantity=qty, case_pack=pack, moq=moq, unit_cost=rng.uniform(100, 3000, n).round(),
                inventory_position=rng.uniform(0, 20, n), demand_mean=rng.uniform(5, 60, n),
                demand_sd=rng.uniform(1, 15, n), underage_cost=rng.uniform(50, 4000, n),
                overage_cost=rng.uniform(1, 500, n))


def test_budget_is_never_exceeded_and_orders_stay_in_cases():
    rng = np.random.default_rng(3)
    for trial in range(20):
        orders = _random_orders(200, rng)
        total = float(np.sum(orders["order_quantity"] * orders["unit_cost"]))
        budget = total * rng.uniform(0.0, 1.2)
        alloc = allocate_budget_by_gross_profit_per_yen(**orders, budget_jpy=budget)
        spent = float(np.sum(alloc.quantity * orders["unit_cost"]))
        assert spent <= budget + 1e-6
        assert np.all(alloc.quantity <= orders["order_quantity"])
        assert np.all(alloc.quantity % orders["case_pack"] == 0)
        m_eff = effective_moq(orders["case_pack"], orders["moq"])
        assert np.all((alloc.quantity == 0) | (alloc.quantity >= m_eff))
        if budget >= total:
            assert np.array_equal(alloc.quantity, orders["order_quantity"])


def test_greedy_matches_brute_force_when_increments_cost_the_same():
    """With equal-cost increments and falling, positive marginal values per order, the greedy prefix is
    optimal. (Increments worth less than nothing are ranked last but kept when the budget allows: the budget
    only ever trims the policy's orders.)"""
    rng = np.random.default_rng(11)
    for _ in range(25):
        n_rows, per_row = 3, 3
        values = -np.sort(-rng.uniform(0, 50, (n_rows, per_row)), axis=1)
        row = np.repeat(np.arange(n_rows), per_row)
        budget = float(rng.integers(0, n_rows * per_row + 1))
        taken = allocate_budget_greedy(row, np.ones(row.size), values.ravel(), budget)
        best = max(sum(values[r, :c].sum() for r, c in enumerate(counts))
                   for counts in itertools.product(range(per_row + 1), repeat=n_rows) if sum(counts) <= budget)
        assert values.ravel()[taken].sum() == pytest.approx(best)


def test_budget_ties_are_broken_by_row_order():
    taken = allocate_budget_greedy([0, 1, 2], [100, 100, 100], [30, 30, 30], 200)
    assert taken.tolist() == [True, True, False]
    taken = allocate_budget_greedy([2, 1, 0], [100, 100, 100], [30, 30, 30], 100)
    assert taken.tolist() == [True, False, False]


def test_budget_prefers_more_gross_profit_per_yen():
    alloc = allocate_budget_by_gross_profit_per_yen([12, 12], 6, 0, [1000, 1000], [0, 0], [20, 20], [4, 4],
                                                    [500, 1500], [10, 10], budget_jpy=12_000)
    assert alloc.quantity.tolist() == [0, 12]
    assert alloc.gross_profit_per_yen[1] > alloc.gross_profit_per_yen[0]


# --- markdown helpers ----------------------------------------------------------------------------------------

def test_markdown_depth_grows_with_excess_and_respects_the_cap():
    stock = np.linspace(50, 1000, 40)
    depth = markdown_depth_constant_elasticity(stock, 100.0, 1.5, max_depth=0.5, depth_step=0.05)
    assert np.all(np.diff(depth) >= 0)
    assert depth.min() == 0.0 and depth.max() == 0.5
    # at the chosen depth expected demand covers the stock, unless capped
    covered = 100.0 * (1 - depth) ** -1.5 >= stock - 1e-9
    assert np.all(covered | (depth == 0.5))
