"""Synthetic retail demand with known structure, for tests, examples and the benchmark.

Demand of series ``i`` on day ``t``::

    mu[i, t] = level[i] * weekly[category(i), weekday(t)] * season(t) * holiday(t) * payday(t)
               * (1 + promo_lift * discount[i, t] / 0.2)
    y[i, t]  ~ Poisson(mu[i, t])           (or negative binomial with ``dispersion``)

Promotions are spells of 3-7 days with a 10-30 % discount (``price = base_price * (1 - discount)``).
Stock-outs are spells of ``stockout_mean_days`` on average covering about ``stockout_rate`` of the days;
on those days ``censored=True`` and the recorded sales are 0 (the shelf was empty all day).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .calendar_jp import is_jp_holiday, is_new_year_period, is_obon, is_payday

CATEGORY_WEEKLY = np.array([
    [0.8, 0.8, 0.9, 0.9, 1.1, 1.5, 1.4],   # weekend-heavy (fashion)
    [1.0, 1.0, 1.0, 1.0, 1.1, 1.0, 0.9],   # flat (basics)
    [1.2, 1.1, 1.0, 1.0, 1.0, 0.8, 0.7],   # weekday-heavy (office)
])


def _spells(rng: np.random.Generator, n_series: int, n_days: int, rate: float, mean_len: float,
            min_len: int = 1) -> np.ndarray:
    """Boolean ``[n_series, n_days]``: random on-spells covering about ``rate`` of the days."""
    out = np.zeros((n_series, n_days), dtype=bool)
    if rate <= 0:
        return out
    p_start = rate / (mean_len * (1 - rate)) if rate < 1 else 1.0
    starts = rng.random((n_series, n_days)) < p_start
    lengths = np.maximum(min_len, rng.geometric(1 / mean_len, size=(n_series, n_days)))
    for i, t in zip(*np.nonzero(starts)):
        out[i, t:t + lengths[i, t]] = True
    return out


def make_demand_panel(n_series: int = 30, n_days: int = 200, *, start: str = "2024-01-01", seed: int = 0,
                      promo_rate: float = 0.1, promo_lift: float = 0.8, stockout_rate: float = 0.0,
                      stockout_mean_days: float = 5.0, dispersion: float | None = None,
                      new_series_share: float = 0.0, return_truth: bool = False):
    """A long table ``series_id, ds, y, price, discount, promo, base_price, category, store, censored``.

    ``new_series_share`` of the series start at a random day in the second half (new items).
    With ``return_truth=True`` also returns the true mean demand ``mu`` per row (same order), which must not
    be passed to a forecaster.
    """
    rng = np.random.default_rng(seed)
    days = pd.date_range(start, periods=n_days, freq="D")
    weekday = days.day_of_week.to_numpy()
    category = rng.integers(0, len(CATEGORY_WEEKLY), n_series)
    store = rng.integers(0, 4, n_series)
    level = np.exp(rng.normal(0.7, 0.8, n_series)) * (1 + 0.3 * category)
    base_price = np.round(np.exp(rng.normal(7.5, 0.5, n_series)), -1)
    doy = days.day_of_year.to_numpy()
    season = 1 + 0.15 * np.sin(2 * np.pi * (doy - 80) / 365.25)
    holiday = np.where(is_jp_holiday(days) | is_obon(days), 1.3, 1.0) * np.where(is_new_year_period(days), 1.2, 1.0)
    payday = np.where(is_payday(days), 1.15, 1.0)
    promo = _spells(rng, n_series, n_days, promo_rate, 5.0, min_len=3)
    discount = np.where(promo, rng.choice([0.1, 0.2, 0.3], size=(n_series, n_days)), 0.0)
    mu = (level[:, None] * CATEGORY_WEEKLY[category][:, weekday] * (season * holiday * payday)[None, :]
          * (1 + promo_lift * discount / 0.2))
    if dispersion:
        y = rng.poisson(rng.gamma(dispersion, mu / dispersion))
    else:
        y = rng.poisson(mu)
    censored = _spells(rng, n_series, n_days, stockout_rate, stockout_mean_days)
    y = np.where(censored, 0, y)
    first = np.zeros(n_series, dtype=int)
    n_new = int(round(new_series_share * n_series))
    if n_new:
        new = rng.choice(n_series, n_new, replace=False)
        first[new] = rng.integers(n_days // 2, n_days - 1, n_new)
    keep = np.arange(n_days)[None, :] >= first[:, None]
    s_idx, t_idx = np.nonzero(keep)
    frame = pd.DataFrame({
        "series_id": np.array([f"s{i:04d}" for i in range(n_series)], dtype=object)[s_idx],
        "ds": days[t_idx],
        "y": y[s_idx, t_idx].astype(np.float64),
        "price": (base_price[s_idx] * (1 - discount[s_idx, t_idx])).round(0),
        "discount": discount[s_idx, t_idx],
        "promo": promo[s_idx, t_idx].astype(np.int8),
        "base_price": base_price[s_idx],
        "category": np.array(["tops", "basics", "office"], dtype=object)[category[s_idx]],
        "store": np.array([f"store{j}" for j in range(4)], dtype=object)[store[s_idx]],
        "censored": censored[s_idx, t_idx],
    })
    if return_truth:
        return frame, mu[s_idx, t_idx]
    return frame
