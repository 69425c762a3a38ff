"""Golden tests: worked examples from the inventory textbooks, with the books' numbers.

Snyder & Shen, *Fundamentals of Supply Chain Theory*, 2nd ed. (Wiley, 2019) is abbreviated FoSCT; its
example numbers and data were cross-checked against the instance list of stockpyl (the book's companion
library). Silver, Pyke & Thomas, *Inventory and Production Management in Supply Chains*, 4th ed. (CRC, 2017)
is SPT. Values are compared to the precision the book prints.
"""
from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.stats import poisson

from ltvzaiko_tasks.replenishment import (
    newsvendor_critical_ratio,
    newsvendor_discrete,
    newsvendor_normal,
    newsvendor_normal_cost,
    newsvendor_quantile_forecast,
    newsvendor_unit_costs,
    order_up_to_level_periodic_review_normal,
    protection_interval_demand_normal,
    reorder_point_normal,
    round_to_case_pack_and_moq,
    safety_factor_cycle_service_level,
    safety_factor_fill_rate_normal,
    safety_stock_normal,
    standard_normal_loss,
)


def test_fosct_example_4_3_newsvendor_normal():
    """FoSCT Example 4.3 (data of Example 4.1): h = 0.18, p = 0.70, D ~ N(50, 8²) ⇒ S* = 56.60, g* = 1.99760."""
    sol = newsvendor_normal(underage_cost=0.70, overage_cost=0.18, demand_mean=50, demand_sd=8)
    assert sol.order_quantity == pytest.approx(56.60395592743389, abs=1e-9)
    assert sol.critical_ratio == pytest.approx(0.70 / 0.88)
    assert sol.expected_cost == pytest.approx(1.9976051931766445, abs=1e-9)


def test_fosct_example_4_1_cost_of_a_given_quantity():
    """FoSCT Example 4.1: the expected cost g(S) of S = 60 is 2.156 (and of S = 40, 7.356)."""
    assert newsvendor_normal_cost(60, 0.70, 0.18, 50, 8) == pytest.approx(2.156131552870387, abs=1e-9)
    assert newsvendor_normal_cost(40, 0.70, 0.18, 50, 8) == pytest.approx(7.35613154776623, abs=1e-6)


def test_fosct_example_4_2_costs_from_prices():
    """FoSCT Example 4.2: revenue r = 1, purchase cost c = 0.3, salvage v = 0.12 ⇒ p = r − c = 0.70,
    h = c − v = 0.18, the same problem as Example 4.1."""
    underage, overage = newsvendor_unit_costs(price=1.0, unit_cost=0.3, salvage_value=0.12)
    assert (underage, overage) == pytest.approx((0.70, 0.18))
    assert newsvendor_normal(underage, overage, 50, 8).order_quantity == pytest.approx(56.604, abs=1e-3)


def test_fosct_example_4_4_base_stock_with_lead_time():
    """FoSCT Example 4.4: base-stock with h = 0.18, p = 0.70, N(50, 8²) per period, L = 4. Reviewing every
    period, demand over L + 1 = 5 periods is N(250, 17.89²) and S* = 264.77, g* = 4.467."""
    result = order_up_to_level_periodic_review_normal(50, 8, review_period=1, lead_time_mean=4,
                                                      service_level=0.70 / 0.88)
    assert result.protection_demand_mean == pytest.approx(250.0)
    assert result.protection_demand_sd == pytest.approx(8 * math.sqrt(5))
    assert result.order_up_to_level == pytest.approx(264.767, abs=1e-3)
    cost = newsvendor_normal(0.70, 0.18, result.protection_demand_mean, result.protection_demand_sd).expected_cost
    assert cost == pytest.approx(4.4668, abs=1e-4)


def test_fosct_example_4_7_discrete_newsvendor_poisson():
    """FoSCT Example 4.7 as a newsvendor: Poisson(6) demand, h = 1, p = 4 ⇒ S* = 8, g(8) = 3.5701."""
    d = np.arange(41)
    sol = newsvendor_discrete(underage_cost=4, overage_cost=1, demand_values=d, probabilities=poisson.pmf(d, 6))
    assert sol.order_quantity == 8
    assert sol.expected_cost == pytest.approx(3.5701069457709416, abs=1e-9)


def test_fosct_problem_4_7b_discrete_pmf():
    """FoSCT Problem 4.7(b): h = 500,000, p = 1,000,000, demand pmf on 1..8 ⇒ ratio 2/3, F(4) = 0.60 < 2/3
    ≤ F(5) = 0.75, so buy 5."""
    pmf = {1: 0.25, 2: 0.05, 3: 0.10, 4: 0.20, 5: 0.15, 6: 0.10, 7: 0.10, 8: 0.05}
    sol = newsvendor_discrete(1_000_000, 500_000, list(pmf), list(pmf.values()))
    assert sol.order_quantity == 5
    assert sol.critical_ratio == pytest.approx(2 / 3)


def test_fosct_example_5_5_reorder_point():
    """FoSCT Example 5.5 (EOQ + SS approximation of (r, Q)): λ = 1300 a year, τ = 150, L = 1/12 year,
    h = 0.225, p = 7.5 ⇒ r = μ + z_α σ = 190.34 with α = p/(p + h)."""
    mu_l = 1300 / 12
    sd_l = 150 * math.sqrt(1 / 12)
    assert reorder_point_normal(mu_l, sd_l, 7.5 / 7.725) == pytest.approx(190.3369965715624, abs=1e-6)


def test_nahmias_newsstand():
    """Nahmias (& Olsen), Production and Operations Analysis, ch. 5, the newsboy model: Mac's newsstand buys
    a weekly paper at 25¢ and sells it at 75¢ with no salvage; weekly demand ≈ N(11.73, 4.74²).
    cu = 0.50, co = 0.25, critical ratio 0.667, z = 0.43, Q* = 13.77 ⇒ order 14 copies."""
    assert newsvendor_critical_ratio(0.50, 0.25) == pytest.approx(2 / 3)
    q = newsvendor_normal(0.50, 0.25, 11.73, 4.74).order_quantity
    assert q == pytest.approx(11.73 + 0.4307 * 4.74, abs=1e-3)
    assert round(q, 2) == 13.77
    assert round_to_case_pack_and_moq(q, case_pack=1).quantity == 14


@pytest.mark.parametrize("k, table_value", [(0.0, 0.3989), (0.5, 0.1978), (1.0, 0.0833), (1.5, 0.0293),
                                            (2.0, 0.0085), (2.5, 0.0020), (3.0, 0.0004)])
def test_spt_table_of_g_u(k, table_value):
    """SPT appendix table of the unit normal loss G_u(k) (four decimals)."""
    assert round(standard_normal_loss(k), 4) == table_value


def test_spt_fill_rate_rule_against_the_table():
    """SPT ch. 6, (s, Q) with a P2 target: G_u(k) = Q(1 − P2)/σ_L. With Q = σ_L, P2 = 1 − G_u(1.00) =
    0.9167 needs k = 1.00; with Q = 2σ_L, the same k gives P2 = 1 − 0.0833/2 (table values)."""
    g1 = standard_normal_loss(1.0)
    k_equal = safety_factor_fill_rate_normal(1 - g1, demand_per_cycle=100, demand_sd=100)
    k_double = safety_factor_fill_rate_normal(1 - g1 / 2, demand_per_cycle=200, demand_sd=100)
    assert k_equal == pytest.approx(1.0, abs=1e-9) and k_double == pytest.approx(1.0, abs=1e-9)
    assert round(1 - g1, 4) == 0.9167


def test_lead_time_uncertainty_worked_example():
    """Chopra & Meindl, Supply Chain Management, the worked example on safety inventory under lead-time
    uncertainty: D = 2,500/day, σ_D = 500, L = 7 days, s_L = 7 days, CSL = 0.90 ⇒ σ_L = 17,550 and
    ss = 22,491 units; with a reliable supplier (s_L = 0) σ_L = 1,323 and ss = 1,695."""
    mean, sd = protection_interval_demand_normal(2500, 500, lead_time_mean=7, lead_time_sd=7)
    assert mean == 17500
    assert round(sd) == 17550
    k = safety_factor_cycle_service_level(0.90)
    assert round(safety_stock_normal(k, sd)) == 22491
    _, sd0 = protection_interval_demand_normal(2500, 500, lead_time_mean=7, lead_time_sd=0)
    assert round(sd0) == 1323
    assert round(safety_stock_normal(k, sd0)) == 1695


def test_quantile_newsvendor_reproduces_the_normal_example():
    """FoSCT Example 4.3 again, read off a p10/p50/p90 forecast of N(50, 8²) (z-space interpolation is exact
    for a normal forecast), and beyond the outer quantiles (α = 0.95 > 0.9)."""
    z90 = 1.2815515655446004
    quantiles = (50 - 8 * z90, 50.0, 50 + 8 * z90)
    assert newsvendor_quantile_forecast(0.70 / 0.88, (0.1, 0.5, 0.9), quantiles) == pytest.approx(56.60395592743389)
    assert newsvendor_quantile_forecast(0.95, (0.1, 0.5, 0.9), quantiles) == pytest.approx(50 + 8 * 1.6448536269514722)
