"""How long the customer-LTV step takes for many customers (SPEC §8: ``ltv_fit_1m_customers_s``).

Run ``python -m ltvzaiko_tasks.ltv.benchmark [N]`` for a JSON of the figures. Not a test: timings depend on
the machine and on what else runs on it.
"""
from __future__ import annotations

import json
import os
import platform
import sys
import time

import numpy as np

from .bgnbd import BetaGeoModel
from .customer_value import score_customers
from .config import LtvConfig
from .gamma_gamma import GammaGammaModel
from .simulate import simulate_bgnbd, simulate_gamma_gamma

BENCH_BGNBD = {"r": 0.6, "alpha": 8.0, "a": 0.7, "b": 3.0}
"""Weekly purchase process of an apparel brand: mean rate 0.075 a week (about 4 purchases a year)."""
BENCH_GAMMA_GAMMA = {"p": 4.0, "q": 5.0, "v": 8_000.0}
"""Spend per purchase in JPY: population mean p v / (q - 1) = 8,000."""


def bench_ltv(n_customers: int = 1_000_000, seed: int = 0, *, day_resolution: bool = True) -> dict:
    """Simulate ``n_customers``, then time fitting BG/NBD and Gamma-Gamma and scoring CLV for all of them.

    Customers' first purchases are spread uniformly over the two years before the observation end; times
    are in weeks. With ``day_resolution`` (default) recency and T are whole days, as a summary of a daily
    transaction log is; without it they are continuous, which defeats the grouping of identical histories
    (the worst case).

    Returns:
        dict with the timings in seconds (``simulate_s``, ``fit_bgnbd_s``, ``fit_gamma_gamma_s``,
        ``score_s``, ``fit_and_score_s`` and, for one million customers, ``ltv_fit_1m_customers_s``), the
        true and fitted parameters, the number of distinct histories and the machine.
    """
    n = int(n_customers)
    rng = np.random.default_rng(seed)
    t0 = time.perf_counter()
    if day_resolution:
        T = rng.integers(0, 730, size=n) / 7.0
    else:
        T = rng.uniform(0.0, 730 / 7.0, size=n)
    sim = simulate_bgnbd(n, **BENCH_BGNBD, T=T, seed=rng)
    if day_resolution:
        sim["recency"] = np.round(sim["recency"].to_numpy() * 7.0) / 7.0  # <= T: T is whole days
    spend = simulate_gamma_gamma(sim["frequency"], **BENCH_GAMMA_GAMMA, seed=rng)
    sim["monetary_value"] = spend["monetary_value"].to_numpy()
    summary = sim[["frequency", "recency", "T", "monetary_value"]]
    t_simulated = time.perf_counter()

    bg = BetaGeoModel().fit(summary["frequency"], summary["recency"], summary["T"])
    t_bg = time.perf_counter()
    gg = GammaGammaModel().fit(summary["frequency"], summary["monetary_value"])
    t_gg = time.perf_counter()
    scores = score_customers(summary, bg, gg, LtvConfig())
    t_scored = time.perf_counter()

    fit_and_score = t_scored - t_simulated
    return {
        "n_customers": n,
        "seed": seed,
        "day_resolution": day_resolution,
        "simulate_s": round(t_simulated - t0, 3),
        "fit_bgnbd_s": round(t_bg - t_simulated, 3),
        "fit_gamma_gamma_s": round(t_gg - t_bg, 3),
        "score_s": round(t_scored - t_gg, 3),
        "fit_and_score_s": round(fit_and_score, 3),
        "ltv_fit_1m_customers_s": round(fit_and_score, 3) if n == 1_000_000 else None,
        "n_distinct_histories": bg.n_distinct_histories_,
        "n_repeat_buyers": int((summary["frequency"] > 0).sum()),
        "bgnbd": {"true": BENCH_BGNBD, "fitted": {k: round(v, 4) for k, v in bg.params.items()},
                  "converged": bg.fit_info_.converged},
        "gamma_gamma": {"true": BENCH_GAMMA_GAMMA, "fitted": {k: round(v, 4) for k, v in gg.params.items()},
                        "converged": gg.fit_info_.converged},
        "total_clv": round(float(scores["clv"].sum()), 0),
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count(), "platform": platform.platform()},
    }


if __name__ == "__main__":  # pragma: no cover - manual benchmark
    print(json.dumps(bench_ltv(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000), indent=2))
