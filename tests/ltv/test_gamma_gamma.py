"""Gamma-Gamma spend model: published numbers, independent numerical re-derivations, fitting."""
from __future__ import annotations

import itertools
import math

import numpy as np
import pandas as pd
import pytest
from scipy import integrate
from scipy.stats import gamma as gamma_dist

from ltvzaiko_tasks.ltv import GammaGammaModel, simulate_bgnbd, simulate_gamma_gamma
from ltvzaiko_tasks.ltv.gamma_gamma import _SpendData

# CDNOW estimates of Fader, Hardie & Lee (2005b), "RFM and CLV: Using Iso-Value Curves for Customer Base
# Analysis", JMR 42(4), and Fader & Hardie (2013), "The Gamma-Gamma Model of Monetary Value" (note 025).
CDNOW = dict(p=6.25, q=3.74, v=15.44)


def _integrate_over_nu(params: dict, x: int, m_x: float, h) -> float:
    """log of the integral over nu of h(nu) f(m_x | nu) g(nu): the sum of x transactions is Gamma(p x, rate nu),
    so m_x | nu ~ Gamma(p x, rate x nu); nu ~ Gamma(q, rate v). Densities from scipy.stats, in logs, scaled by
    their value at the posterior mode; the range covers +-40 posterior standard deviations."""
    p, q, v = params["p"], params["q"], params["v"]

    def log_joint(nu: float) -> float:
        return (gamma_dist.logpdf(m_x, p * x, scale=1.0 / (x * nu)) + gamma_dist.logpdf(nu, q, scale=1.0 / v))

    mode = (p * x + q - 1) / (v + x * m_x)
    sd = math.sqrt(p * x + q) / (v + x * m_x)
    lo, hi = max(0.0, mode - 40 * sd), mode + 40 * sd
    c = log_joint(mode)
    val = integrate.quad(lambda nu: h(nu) * math.exp(log_joint(nu) - c) if nu > 0 else 0.0, lo, hi,
                         points=[mode], limit=400, epsabs=0, epsrel=1e-12)[0]
    return math.log(val) + c


def _posterior_mean_by_integration(params: dict, x: int, m_x: float) -> float:
    """E[p / nu | x, m_x] by numerical integration; no closed form is used."""
    p = params["p"]
    return math.exp(_integrate_over_nu(params, x, m_x, lambda nu: p / nu)
                    - _integrate_over_nu(params, x, m_x, lambda nu: 1.0))


def _marginal_density_by_integration(params: dict, x: int, m_x: float) -> float:
    return math.exp(_integrate_over_nu(params, x, m_x, lambda nu: 1.0))


def test_population_mean_of_the_cdnow_fit():
    # FHL (2005b) / FH (2013): the mean of the fitted distribution of average spend is p v / (q - 1)
    # = 6.25 * 15.44 / 2.74 = $35.22 (the observed mean of m_x across CDNOW repeat buyers is $35.08).
    gg = GammaGammaModel.from_params(**CDNOW)
    assert gg.population_mean_spend == pytest.approx(35.22, abs=0.005)
    assert gg.expected_spend(0, 0.0) == pytest.approx(gg.population_mean_spend)


@pytest.mark.parametrize("x, m_x", [(1, 11.77), (2, 22.35), (2, 40.0), (7, 73.74), (30, 5.0), (300, 120.0)])
def test_expected_spend_matches_numerical_posterior(x, m_x):
    gg = GammaGammaModel.from_params(**CDNOW)
    assert gg.expected_spend(x, m_x) == pytest.approx(_posterior_mean_by_integration(CDNOW, x, m_x), rel=1e-8)
    # and the weighted-average reading of FH (2013) eq. (5)
    p, q, v = CDNOW["p"], CDNOW["q"], CDNOW["v"]
    w = p * x / (p * x + q - 1)
    assert gg.expected_spend(x, m_x) == pytest.approx((1 - w) * p * v / (q - 1) + w * m_x, rel=1e-12)


@pytest.mark.parametrize("x, m_x", [(1, 11.77), (2, 22.35), (7, 73.74), (50, 30.0)])
def test_log_likelihood_matches_numerical_marginal(x, m_x):
    gg = GammaGammaModel.from_params(**CDNOW)
    assert gg.log_likelihood(x, m_x) == pytest.approx(math.log(_marginal_density_by_integration(CDNOW, x, m_x)),
                                                      rel=1e-8)


def test_lifetimes_documentation_values_within_parameter_rounding():
    # lifetimes Quickstart prints, for its CDNOW fit shown as "p: 6.25, q: 3.74, v: 15.45", the conditional
    # expected average profit of customers 1-9 (x, m_x as printed, m_x to cents). Parameters rounded to
    # 2 decimals cannot reproduce 6 decimals, so the published value must lie within the range our formula
    # gives over the rounding box (p, q, v +- 0.005; m_x +- 0.005). E(M) is monotone in each argument
    # (up in p, v, m_x; down in q), so the box's corners bound it.
    cases = [(0, 0.0, 35.170981), (1, 11.77, 18.911489), (2, 22.35, 24.658619), (7, 73.74, 71.462843),
             (2, 25.55, 27.282408)]
    for x, m_x, published in cases:
        values = [GammaGammaModel.from_params(p=6.25 + dp, q=3.74 + dq, v=15.45 + dv).expected_spend(x, m_x + dm)
                  for dp, dq, dv, dm in itertools.product((-0.005, 0.005), repeat=4)]
        assert min(values) <= published <= max(values), (x, m_x, published, min(values), max(values))


def test_expected_spend_is_calibrated_on_simulated_customers():
    # E[zeta - E(M | x, m_x)] = 0 within any set defined by the data (x, m_x): compare the mean true spend
    # with the mean prediction in bands of x and in quartiles of m_x, within 4 standard errors.
    x = np.repeat([1, 2, 5, 20], 50_000)
    sim = simulate_gamma_gamma(x, **CDNOW, seed=4)
    gg = GammaGammaModel.from_params(**CDNOW)
    sim["pred"] = gg.expected_spend(sim["frequency"], sim["monetary_value"])
    sim["band"] = sim.groupby("frequency")["monetary_value"].transform(lambda s: pd.qcut(s, 4, labels=False))
    for _, g in sim.groupby(["frequency", "band"]):
        err = g["mean_spend"] - g["pred"]
        assert abs(err.mean()) < 4 * err.std() / math.sqrt(len(g))


def test_gradient_matches_finite_differences():
    sim = simulate_gamma_gamma(np.arange(1, 3001) % 7 + 1, **CDNOW, seed=5)
    data = _SpendData(sim["frequency"].to_numpy(float), sim["monetary_value"].to_numpy(), np.ones(len(sim)))
    theta = np.log([4.0, 2.5, 20.0])
    _, grad = data.neg_mean_ll_and_grad(theta, 0.01)
    h = 1e-6
    for k in range(3):
        step = np.zeros(3)
        step[k] = h
        numeric = (data.neg_mean_ll_and_grad(theta + step, 0.01)[0]
                   - data.neg_mean_ll_and_grad(theta - step, 0.01)[0]) / (2 * h)
        assert grad[k] == pytest.approx(numeric, rel=1e-5, abs=1e-8)


def test_parameter_recovery_from_simulated_customers():
    # Frequencies from a BG/NBD simulation (so many customers have 1-3 repeat purchases, as in real data),
    # spend from the CDNOW Gamma-Gamma parameters; within 4 asymptotic standard errors.
    freq = simulate_bgnbd(80_000, r=0.6, alpha=8.0, a=0.7, b=3.0, T=104.0, seed=12)["frequency"]
    sim = simulate_gamma_gamma(freq, **CDNOW, seed=13)
    gg = GammaGammaModel().fit(sim["frequency"], sim["monetary_value"])
    assert gg.fit_info_.converged
    assert gg.n_customers_ == int((sim["frequency"] > 0).sum())
    for name, true in CDNOW.items():
        se = gg.standard_errors_[name]
        assert 0 < se < 0.1 * true
        assert abs(gg.params[name] - true) < 4 * se, (name, gg.params[name], true, se)
    assert abs(gg.frequency_monetary_correlation_) < 0.05


def test_fit_ignores_one_time_buyers_and_scales_with_currency():
    sim = simulate_gamma_gamma(np.r_[np.zeros(5_000, int), np.arange(20_000) % 9 + 1], **CDNOW, seed=14)
    gg = GammaGammaModel().fit(sim["frequency"], sim["monetary_value"])
    gg_yen = GammaGammaModel().fit(sim["frequency"], sim["monetary_value"] * 150.0)
    assert gg.n_customers_ == 20_000
    assert gg_yen.params["v"] == pytest.approx(150.0 * gg.params["v"], rel=1e-5)
    for name in ("p", "q"):
        assert gg_yen.params[name] == pytest.approx(gg.params[name], rel=1e-5)
    # weights: duplicating every row twice equals weight 2
    doubled = GammaGammaModel().fit(np.r_[sim["frequency"], sim["frequency"]],
                                    np.r_[sim["monetary_value"], sim["monetary_value"]])
    weighted = GammaGammaModel().fit(sim["frequency"], sim["monetary_value"], weights=2.0)
    for name in gg.params:
        assert weighted.params[name] == pytest.approx(doubled.params[name], rel=1e-6)


def test_large_frequencies_are_stable():
    gg = GammaGammaModel.from_params(**CDNOW)
    x = np.array([300, 1000, 5000])
    m = np.array([35.0, 1e5, 1e-3])
    assert np.all(np.isfinite(gg.log_likelihood(x, m)))
    e = gg.expected_spend(x, m)
    assert np.all(np.isfinite(e)) and np.all(e > 0)
    # with thousands of purchases the customer's own mean dominates
    assert e[2] == pytest.approx(_posterior_mean_by_integration(CDNOW, 5000, 1e-3), rel=1e-6)


def test_bad_inputs_are_refused_with_a_fix():
    with pytest.raises(ValueError, match="monetary_value <= 0"):
        GammaGammaModel().fit([1, 2, 3], [10.0, -5.0, 3.0])
    with pytest.raises(ValueError, match="fewer than 2"):
        GammaGammaModel().fit([0, 0, 1], [0.0, 0.0, 3.0])
    with pytest.raises(ValueError, match="infinite"):
        GammaGammaModel.from_params(p=2.0, q=0.8, v=10.0).expected_spend([0, 1], [0.0, 5.0])
    assert GammaGammaModel.from_params(p=2.0, q=0.8, v=10.0).expected_spend(1, 5.0) > 0
    with pytest.raises(RuntimeError, match="not fitted"):
        _ = GammaGammaModel().params
