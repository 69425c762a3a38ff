"""CLV, discounted expected purchases, segments, the config object, and the package's doctests."""
from __future__ import annotations

import doctest
import importlib
import math

import numpy as np
import pandas as pd
import pytest

from ltvzaiko_tasks.ltv import (BetaGeoModel, GammaGammaModel, LtvConfig, TimeUnit, clv,
                                discounted_expected_purchases, ltv_segments, score_customers, simulate_bgnbd,
                                simulate_gamma_gamma, summarise_transactions)

BG = BetaGeoModel.from_params(r=0.243, alpha=4.414, a=0.793, b=2.426)
GG = GammaGammaModel.from_params(p=6.25, q=3.74, v=15.44)
WEEKS_PER_MONTH = 365.25 / 12 / 7


def test_public_api_of_spec_6_1():
    from ltvzaiko_tasks.ltv import BetaGeoModel as B, GammaGammaModel as G, summarise_transactions as s

    sim = simulate_bgnbd(2_000, r=0.6, alpha=8.0, a=0.7, b=3.0, T=52.0, seed=0)
    sim["monetary_value"] = simulate_gamma_gamma(sim["frequency"], p=4.0, q=5.0, v=8000.0, seed=1)["monetary_value"]
    bg = B().fit(sim["frequency"], sim["recency"], sim["T"])
    gg = G().fit(sim["frequency"], sim["monetary_value"])
    assert isinstance(bg, B) and isinstance(gg, G) and callable(s)
    assert list(bg.params) == ["r", "alpha", "a", "b"] and list(gg.params) == ["p", "q", "v"]
    assert np.isfinite(bg.log_likelihood_) and np.isfinite(gg.log_likelihood_)


@pytest.mark.parametrize("module", ["bgnbd", "gamma_gamma", "summary", "config"])
def test_docstring_examples(module):
    # The docstring examples are the published worked examples (FHL 2005a p. 281; FHL 2005b) and hand-made
    # summaries: they double as golden tests.
    result = doctest.testmod(importlib.import_module(f"ltvzaiko_tasks.ltv.{module}"))
    assert result.attempted > 0 and result.failed == 0


def test_one_undiscounted_period_is_margin_times_spend_times_expected_purchases():
    x, t_x, T, m = 2, 30.43, 38.86, 22.35
    value = clv(BG, GG, x, t_x, T, m, horizon_periods=1, margin=0.4, discount_rate_per_period=0.0,
                period_length=39.0)
    assert value == pytest.approx(0.4 * GG.expected_spend(x, m) * BG.expected_purchases(39.0, x, t_x, T), rel=1e-12)


def test_discounting_sums_period_increments():
    # Written out period by period from the public conditional expectation (FHL 2005a eq. 10).
    x = np.array([0, 1, 2, 7, 26])
    t_x = np.array([0.0, 1.71, 30.43, 29.43, 30.86])
    T = np.array([38.86, 38.86, 38.86, 38.86, 31.0])
    d, K = 0.01, 12
    by_hand = np.zeros(len(x))
    for k in range(1, K + 1):
        increment = (BG.expected_purchases(k * WEEKS_PER_MONTH, x, t_x, T)
                     - BG.expected_purchases((k - 1) * WEEKS_PER_MONTH, x, t_x, T))
        by_hand += increment / (1 + d) ** k
    got = discounted_expected_purchases(BG, x, t_x, T, K, d, period_length=WEEKS_PER_MONTH)
    np.testing.assert_allclose(got, by_hand, rtol=1e-10)
    # no discounting: the increments telescope to E[Y(12 months)]
    undiscounted = discounted_expected_purchases(BG, x, t_x, T, K, 0.0, period_length=WEEKS_PER_MONTH)
    np.testing.assert_allclose(undiscounted, BG.expected_purchases(K * WEEKS_PER_MONTH, x, t_x, T), rtol=1e-10)
    assert np.all(got < undiscounted)


def test_weekly_and_monthly_steps_agree_without_discounting():
    x, t_x, T = np.array([3, 0]), np.array([20.0, 0.0]), np.array([40.0, 40.0])
    monthly = discounted_expected_purchases(BG, x, t_x, T, 12, 0.0, period_length=WEEKS_PER_MONTH)
    weekly = discounted_expected_purchases(BG, x, t_x, T, 1, 0.0, period_length=12 * WEEKS_PER_MONTH)
    np.testing.assert_allclose(monthly, weekly, rtol=1e-10)


def test_clv_on_many_customers_matches_small_batches():
    # Large inputs are evaluated once per distinct (x, T): same numbers as without grouping.
    sim = simulate_bgnbd(20_000, r=0.6, alpha=8.0, a=0.7, b=3.0, T=np.random.default_rng(0).integers(1, 60, 20_000),
                         seed=1)
    sim["monetary_value"] = simulate_gamma_gamma(sim["frequency"], p=4.0, q=5.0, v=8000.0, seed=2)["monetary_value"]
    args = (sim["frequency"], sim["recency"], sim["T"], sim["monetary_value"])
    full = clv(BG, GG, *args, 12, 0.5, 0.008, period_length=WEEKS_PER_MONTH)
    head = clv(BG, GG, *(a.iloc[:500] for a in args), 12, 0.5, 0.008, period_length=WEEKS_PER_MONTH)
    assert isinstance(full, pd.Series) and full.index.equals(sim.index)
    np.testing.assert_allclose(full.iloc[:500].to_numpy(), head.to_numpy(), rtol=1e-12)
    assert np.all(np.isfinite(full)) and np.all(full >= 0)


def test_clv_checks_its_arguments():
    with pytest.raises(TypeError):
        clv(BG, GG, 1, 1.0, 2.0, 10.0, 12, 0.5, 0.01)  # period_length is required: the unit must be stated
    with pytest.raises(ValueError, match="margin"):
        clv(BG, GG, 1, 1.0, 2.0, 10.0, 12, 45.0, 0.01, period_length=1.0)
    with pytest.raises(ValueError, match="period_length"):
        clv(BG, GG, 1, 1.0, 2.0, 10.0, 12, 0.5, 0.01, period_length=0.0)
    with pytest.raises(ValueError, match="horizon_periods"):
        clv(BG, GG, 1, 1.0, 2.0, 10.0, 0, 0.5, 0.01, period_length=1.0)


def test_segments_by_rank_with_default_shares():
    values = pd.Series(np.arange(100, 0, -1.0), index=[f"c{i}" for i in range(100)])
    seg = ltv_segments(values)
    assert list(seg.index) == list(values.index)
    assert seg.value_counts().to_dict() == {"low": 50, "mid": 30, "high": 20}
    assert (seg.iloc[:20] == "high").all() and (seg.iloc[20:50] == "mid").all() and (seg.iloc[50:] == "low").all()


def test_segments_keep_ties_together_and_are_configurable():
    seg = ltv_segments(np.array([5.0, 5.0, 5.0, 1.0, 0.0]), shares=(0.5, 0.5), labels=("top", "rest"))
    assert list(seg) == ["top", "top", "top", "rest", "rest"]
    seg = ltv_segments(np.array([3.0, 1.0, 2.0, 0.0]), shares=(0.25, 0.25, 0.5), labels=("A", "B", "C"))
    assert list(seg) == ["A", "C", "B", "C"]
    assert len(ltv_segments(np.array([]))) == 0
    with pytest.raises(ValueError, match="sum to 1"):
        ltv_segments([1.0, 2.0], shares=(0.5, 0.2, 0.2))
    with pytest.raises(ValueError, match="one share per label"):
        ltv_segments([1.0, 2.0], shares=(0.5, 0.5))


def test_config_defaults_units_and_environment():
    cfg = LtvConfig()
    assert cfg.time_unit is TimeUnit.WEEK and cfg.period is TimeUnit.MONTH and cfg.horizon_periods == 12
    assert cfg.period_length == pytest.approx(365.25 / 12 / 7)
    assert cfg.horizon_length == pytest.approx(365.25 / 7)
    assert (1 + cfg.discount_rate_per_period) ** 12 == pytest.approx(1.10)
    daily = LtvConfig.from_env({"LTVZAIKO_LTV_TIME_UNIT": "d", "LTVZAIKO_LTV_SEGMENT_SHARES": "0.1,0.2,0.7",
                                "LTVZAIKO_LTV_MARGIN": "0.45", "LTVZAIKO_LTV_HORIZON_PERIODS": "24"})
    assert daily.time_unit is TimeUnit.DAY and daily.period_length == pytest.approx(365.25 / 12)
    assert daily.segment_shares == (0.1, 0.2, 0.7) and daily.margin == 0.45 and daily.horizon_periods == 24
    with pytest.raises(ValueError, match="'D' or 'W'"):
        LtvConfig(time_unit="M")
    with pytest.raises(ValueError, match="LTVZAIKO_LTV_MARGIN"):
        LtvConfig.from_env({"LTVZAIKO_LTV_MARGIN": "lots"})


def test_score_customers_end_to_end_from_transactions():
    # Simulated shoppers (Poisson purchases, dropout after a geometric number) -> transaction log
    # -> summary -> both fits -> scores.
    rng = np.random.default_rng(3)
    rows = []
    start = pd.Timestamp("2024-01-01")
    for cid in range(3_000):
        first = int(rng.integers(0, 300))
        rate = rng.gamma(0.8, 1 / 40.0)  # purchases per day
        repeats = first + np.cumsum(rng.exponential(1 / rate, size=30)).astype(int)
        repeats = repeats[: rng.geometric(rng.beta(1.0, 4.0))]  # drops out after a geometric number
        days = np.r_[first, repeats[repeats < 700]]
        mean_spend = rng.gamma(4.0, 2000.0)
        for d in days:
            rows.append((f"C{cid:05d}", start + pd.Timedelta(days=int(d)), float(rng.gamma(4.0, mean_spend / 4.0))))
    tx = pd.DataFrame(rows, columns=["customer_id", "sold_at", "net_sales_jpy"])
    summary = summarise_transactions(tx, "customer_id", "sold_at", "net_sales_jpy", "2025-11-30", "W")
    cfg = LtvConfig(margin=0.45)
    bg = BetaGeoModel().fit(summary["frequency"], summary["recency"], summary["T"])
    gg = GammaGammaModel().fit(summary["frequency"], summary["monetary_value"])
    scores = score_customers(summary, bg, gg, cfg)
    assert list(scores.columns) == ["p_alive", "expected_purchases", "expected_spend",
                                    "discounted_expected_purchases", "clv", "segment"]
    assert scores.index.equals(summary.index)
    assert scores["p_alive"].between(0, 1).all() and (scores["clv"] >= 0).all()
    assert (scores["discounted_expected_purchases"] <= scores["expected_purchases"] + 1e-12).all()
    np.testing.assert_allclose(scores["clv"], 0.45 * scores["expected_spend"] * scores["discounted_expected_purchases"])
    by_segment = scores.groupby("segment")["clv"].min()
    assert by_segment["high"] >= scores.loc[scores["segment"] == "mid", "clv"].max()
    assert math.isclose(scores["segment"].eq("high").mean(), 0.2, abs_tol=0.01)
    # per-customer margins override the config
    margins = pd.Series(0.3, index=summary.index)
    np.testing.assert_allclose(score_customers(summary, bg, gg, cfg, margin=margins)["clv"],
                               scores["clv"] * 0.3 / 0.45)
