"""Simulate customers from the BG/NBD and Gamma-Gamma models (for tests, benchmarks and what-ifs).

Exact and vectorised: no per-customer loop, a million customers in well under a second.

BG/NBD generative story (Fader, Hardie & Lee 2005a, assumptions i-v): a customer's first purchase is at
time 0; while alive they buy as a Poisson process of rate ``lambda ~ Gamma(r, rate alpha)``; right after each
*repeat* purchase they drop out with probability ``p ~ Beta(a, b)``. So the number of repeat purchases
before dropout is ``J ~ Geometric(p)`` on {1, 2, ...}, and over (0, T] the customer makes
``x = min(N(T), J)`` repeat purchases, ``N(T) ~ Poisson(lambda T)``. Given ``N(T) = n`` the purchase times are
``n`` ordered uniforms on (0, T], so the time of the ``x``-th is ``T * Beta(x, n - x + 1)``. After T, an alive
customer (``N(T) < J``) makes ``min(N'(t), J - x)`` purchases in (T, T+t], ``N'(t) ~ Poisson(lambda t)``.

Gamma-Gamma: ``nu ~ Gamma(q, rate v)``; each transaction ``~ Gamma(p, rate nu)``; the sum of ``x`` of them is
``Gamma(p x, rate nu)``, so ``m_x = Gamma(p x, rate nu) / x``; the customer's true mean spend is ``p / nu``.
"""
from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd


def simulate_bgnbd(n_customers: int, r: float, alpha: float, a: float, b: float, T: Any,
                   *, holdout_length: float | None = None,
                   seed: int | np.random.Generator | None = None) -> pd.DataFrame:
    """Simulate (frequency, recency, T) histories from the BG/NBD model.

    Args:
        n_customers: number of customers.
        r, alpha, a, b: BG/NBD parameters (``alpha`` in the time unit of ``T``).
        T: observation length per customer, from first purchase to observation end (scalar or array of
            ``n_customers``), in model time units.
        holdout_length: if given, also simulate purchases in (T, T + holdout_length] as
            ``frequency_holdout``.
        seed: seed or numpy Generator.

    Returns:
        DataFrame with columns ``frequency``, ``recency``, ``T``, ``alive`` (alive at T: the truth the model
        estimates as P(alive)), ``purchase_rate`` (lambda), ``dropout_probability`` (p), and
        ``frequency_holdout`` when asked.
    """
    rng = np.random.default_rng(seed)
    n = int(n_customers)
    T_arr = np.broadcast_to(np.asarray(T, dtype=np.float64), (n,)).copy()
    lam = rng.gamma(shape=r, scale=1.0 / alpha, size=n)
    p = rng.beta(a, b, size=n)
    # Geometric on {1, 2, ...}; numpy's version can overflow to int64 max for p -> 0: harmless (never dies).
    purchases_before_dropout = rng.geometric(np.clip(p, 1e-300, 1.0))
    n_poisson = rng.poisson(lam * T_arr)
    x = np.minimum(n_poisson, purchases_before_dropout)
    recency = np.zeros(n)
    has = x > 0
    recency[has] = T_arr[has] * rng.beta(x[has], n_poisson[has] - x[has] + 1)
    alive = n_poisson < purchases_before_dropout
    out = pd.DataFrame({"frequency": x.astype(np.int64), "recency": recency, "T": T_arr, "alive": alive,
                        "purchase_rate": lam, "dropout_probability": p})
    if holdout_length is not None:
        future = rng.poisson(lam * float(holdout_length))
        remaining = purchases_before_dropout - x
        out["frequency_holdout"] = np.where(alive, np.minimum(future, remaining), 0).astype(np.int64)
    return out


def simulate_gamma_gamma(frequency: Any, p: float, q: float, v: float,
                         *, seed: int | np.random.Generator | None = None) -> pd.DataFrame:
    """Simulate mean repeat-transaction values for customers with the given ``frequency``.

    Returns:
        DataFrame with ``frequency``, ``monetary_value`` (mean of the ``frequency`` repeat transactions, 0
        when frequency is 0) and ``mean_spend`` (the customer's true mean transaction value p / nu).
    """
    rng = np.random.default_rng(seed)
    x = np.asarray(frequency, dtype=np.int64)
    nu = rng.gamma(shape=q, scale=1.0 / v, size=x.shape)
    total = np.zeros(x.shape)
    has = x > 0
    total[has] = rng.gamma(shape=p * x[has], scale=1.0 / nu[has])
    monetary = np.where(has, total / np.maximum(x, 1), 0.0)
    return pd.DataFrame({"frequency": x, "monetary_value": monetary, "mean_spend": p / nu})
