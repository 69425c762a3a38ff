"""Baseline forecasters with the same ``fit(history)`` / ``predict(future)`` interface as ``DemandForecaster``.

Both read the same dense panel, so censored (stock-out) days are treated the same way: they are not demand
and are skipped, never averaged in as zeros. They return ``series_id, ds, mean`` (no quantiles).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .constants import DS_COL, ID_COL, Freq, MissingDates
from .errors import ForecastInputError, NotFittedError, examples
from .panel import Panel, build_panel
from .validation import require_columns, to_days


class _PanelBaseline:
    name = "baseline"

    def __init__(self, freq: Freq | str = Freq.DAILY, missing_dates: MissingDates | str = MissingDates.ERROR,
                 name: str | None = None) -> None:
        self.freq = Freq(freq)
        self.missing_dates = MissingDates(missing_dates)
        self.gap = 0
        if name:
            self.name = name
        self.panel_: Panel | None = None

    def fit(self, history: pd.DataFrame):
        require_columns(history, (ID_COL, DS_COL, "y"), "history")
        self.panel_ = build_panel(history[[c for c in (ID_COL, DS_COL, "y", "censored") if c in history.columns]],
                                  freq=self.freq, missing_dates=self.missing_dates)
        return self

    def update(self, history: pd.DataFrame):
        """Baselines have nothing to keep between histories: ``update`` is ``fit``."""
        self.panel_ = None
        return self.fit(history)

    def release_history(self):
        """Drop the history (``update`` or ``fit`` brings one back)."""
        self.panel_ = None
        return self

    def predict(self, future: pd.DataFrame) -> pd.DataFrame:
        if self.panel_ is None:
            raise NotFittedError(f"call fit(history) before predict on {type(self).__name__}")
        panel = self.panel_
        require_columns(future, (ID_COL, DS_COL), "future")
        days = to_days(future[DS_COL], self.freq, "future")
        offset = (days - panel.last_day).astype(np.int64)
        bad = (offset <= 0) | (offset % panel.step_days != 0)
        if bad.any():
            raise ForecastInputError(
                f"future has {int(bad.sum())} date(s) that are not after the end of the history ({panel.last_day}) "
                f"on its freq={self.freq.value!r} grid, e.g. {examples(sorted({str(d) for d in days[bad]}), 3)}; "
                "forecast only dates after the history")
        series = panel.series_index(future[ID_COL])
        mean = self._forecast(series, offset // panel.step_days)
        return pd.DataFrame({ID_COL: future[ID_COL].to_numpy(), DS_COL: future[DS_COL].to_numpy(), "mean": mean})

    def _window_mean(self, series: np.ndarray, window: int | None) -> np.ndarray:
        """Mean observed demand over the last ``window`` steps (whole history if None); NaN if none."""
        p, known = self.panel_, series >= 0
        s = np.where(known, series, 0)
        end = p.n_steps
        lo = 0 if window is None else max(end - window, 0)
        with np.errstate(invalid="ignore", divide="ignore"):
            mean = (p.cum_sum[s, end] - p.cum_sum[s, lo]) / (p.cum_obs[s, end] - p.cum_obs[s, lo])
        return np.where(known, mean, np.nan)

    def _forecast(self, series: np.ndarray, lead: np.ndarray) -> np.ndarray:  # pragma: no cover - abstract
        raise NotImplementedError


class SeasonalNaive(_PanelBaseline):
    """``y_hat[t] = y[t - m * season_length]`` for the smallest ``m`` with ``m * season_length >= lead``
    (the latest known value at the same season position, e.g. the same weekday last week).

    If that day is censored or absent, up to ``max_seasons_back`` further seasons are tried; then the mean of
    the last ``fallback_window`` observed steps; a series with no observed history gets 0.
    """

    name = "seasonal_naive"

    def __init__(self, season_length: int | None = None, freq: Freq | str = Freq.DAILY, *,
                 max_seasons_back: int = 4, fallback_window: int = 28,
                 missing_dates: MissingDates | str = MissingDates.ERROR, name: str | None = None) -> None:
        super().__init__(freq, missing_dates, name)
        self.season_length = int(season_length or self.freq.default_season_length)
        self.max_seasons_back = max_seasons_back
        self.fallback_window = fallback_window

    def _forecast(self, series: np.ndarray, lead: np.ndarray) -> np.ndarray:
        p, m = self.panel_, self.season_length
        known = series >= 0
        s = np.where(known, series, 0)
        target = p.n_steps - 1 + lead
        out = np.full(len(series), np.nan)
        m0 = -(-lead // m)
        for j in range(self.max_seasons_back + 1):
            src = target - (m0 + j) * m
            ok = known & (src >= 0) & np.isnan(out)
            out[ok] = p.demand[s[ok], src[ok]]
        fallback = self._window_mean(series, self.fallback_window)
        out = np.where(np.isnan(out), fallback, out)
        return np.nan_to_num(out, nan=0.0)


class MovingAverage(_PanelBaseline):
    """``y_hat = mean of the observed demand over the last `window` steps`` for every lead (flat forecast).

    Censored days are left out of the mean; with none observed in the window, the whole history's mean;
    a series with no observed history gets 0.
    """

    name = "moving_average"

    def __init__(self, window: int = 28, freq: Freq | str = Freq.DAILY, *,
                 missing_dates: MissingDates | str = MissingDates.ERROR, name: str | None = None) -> None:
        super().__init__(freq, missing_dates, name)
        if window < 1:
            raise ValueError("MovingAverage: window must be >= 1 step, e.g. 28")
        self.window = int(window)

    def _forecast(self, series: np.ndarray, lead: np.ndarray) -> np.ndarray:
        out = self._window_mean(series, self.window)
        out = np.where(np.isnan(out), self._window_mean(series, None), out)
        return np.nan_to_num(out, nan=0.0)


def seasonal_naive(season_length: int | None = None, freq: Freq | str = Freq.DAILY, **kwargs) -> SeasonalNaive:
    """A ``SeasonalNaive`` forecaster (handy as a backtest factory: ``lambda: seasonal_naive(7)``)."""
    return SeasonalNaive(season_length, freq, **kwargs)


def moving_average(window: int = 28, freq: Freq | str = Freq.DAILY, **kwargs) -> MovingAverage:
    """A ``MovingAverage`` forecaster."""
    return MovingAverage(window, freq, **kwargs)
