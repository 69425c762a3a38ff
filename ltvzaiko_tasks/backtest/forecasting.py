"""Staple demand forecasts from the retailer's history: the pipeline's XGBoost model, or a moving average.

Grain: location × style per day (the order is then split over the style's SKUs by the plan's colour × size
split). Stock-out days are censored — missing, not zero — in both forecasters, exactly as in the
pipeline's forecast stage (``DemandForecaster`` with ``censored``; the moving average skips them).

Schedule (``LtvzaikoPolicyConfig``): a forecast is made every ``forecast_every_days`` (a review cycle) for
the next ``forecast_horizon_days`` days, on all sales up to that evening; the XGBoost model is refitted every
``refit_every_days`` and in between re-run on the latest sales (the lags and windows move, the trees stay).
Beyond the horizon the last forecast week's mean is extended, as the pipeline's orders stage does.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..forecast import DemandForecaster, ForecastConfig, ForecastInputError, XGBoostParams
from .config import LtvzaikoPolicyConfig
from .knowledge import RetailerKnowledge
from .observations import RetailerHistory

Z90_SPAN = 2.5631031310892007
"""Φ⁻¹(0.9) − Φ⁻¹(0.1): σ ≈ (p90 − p10) / 2.563 for a roughly normal forecast."""
MA_WINDOW = 28


class StapleForecast:
    def __init__(self, knowledge: RetailerKnowledge, config: LtvzaikoPolicyConfig, seed: int = 0):
        self.k, self.cfg, self.seed = knowledge, config, seed
        self.staples = np.flatnonzero(~knowledge.seasonal)
        H = config.forecast_horizon_days
        L, S = knowledge.n_locations, knowledge.n_styles
        self.origin: int | None = None
        self.cum_mean = np.zeros((L, S, H + 1))
        self.cum_var = np.zeros((L, S, H + 1))
        self.tail_mean = np.zeros((L, S))
        self.tail_var = np.zeros((L, S))
        self.model: DemandForecaster | None = None
        self.fitted_day: int | None = None
        self.method = config.forecaster
        self.fits = 0
        plan_style = np.zeros((L, S))
        np.add.at(plan_style.T, knowledge.sku_style, knowledge.staple_rate_plan.T)
        self.plan_rate = plan_style

    # ------------------------------------------------------------------------------------ update
    def update(self, history: RetailerHistory, day: int) -> None:
        if self.origin is not None and day - self.origin < self.cfg.forecast_every_days:
            return
        cfg, H = self.cfg, self.cfg.forecast_horizon_days
        lo = max(0, day - cfg.history_days + 1)
        mean = var = None
        if self.method == "xgboost":
            mean, var = self._xgboost(history, lo, day)
        if mean is None:
            mean, var = self._moving_average(history, day)
        # series with too little observed history follow the buyer's plan
        observed = (history.present[lo:day + 1] & ~history.censored[lo:day + 1]).sum(axis=0)
        thin = observed < cfg.min_staple_history_days
        mean = np.where(thin[:, :, None], self.plan_rate[:, :, None], mean)
        var = np.where(thin[:, :, None], np.maximum(self.plan_rate[:, :, None], var), var)
        var = np.maximum(var, mean)                    # at least Poisson noise
        self.cum_mean[:, :, 1:] = np.cumsum(mean, axis=2)
        self.cum_var[:, :, 1:] = np.cumsum(var, axis=2)
        self.tail_mean = mean[:, :, -7:].mean(axis=2)
        self.tail_var = var[:, :, -7:].mean(axis=2)
        self.origin = day

    def _moving_average(self, history: RetailerHistory, day: int) -> tuple[np.ndarray, np.ndarray]:
        H = self.cfg.forecast_horizon_days
        mean = np.zeros((self.k.n_locations, self.k.n_styles))
        var = np.zeros_like(mean)
        for window in (MA_WINDOW, self.cfg.history_days):
            lo = max(0, day - window + 1)
            ok = history.present[lo:day + 1] & ~history.censored[lo:day + 1]
            y = np.where(ok, history.sales[lo:day + 1], 0.0)
            n = ok.sum(axis=0)
            m = np.divide(y.sum(axis=0), n, out=np.zeros_like(mean), where=n > 0)
            v = np.divide((y * y).sum(axis=0), n, out=np.zeros_like(mean), where=n > 0) - m * m
            fill = (n > 0) & (mean == 0) & (var == 0)
            mean = np.where(fill, m, mean)
            var = np.where(fill, np.maximum(v, 0.0), var)
        return np.repeat(mean[:, :, None], H, axis=2), np.repeat(var[:, :, None], H, axis=2)

    def _xgboost(self, history: RetailerHistory, lo: int, day: int):
        cfg, k = self.cfg, self.k
        present = history.present[lo:day + 1][:, :, self.staples]
        d, l, j = np.nonzero(present)
        if len(d) == 0:
            return None, None
        s = self.staples[j]
        frame = pd.DataFrame({
            "series_id": l.astype(np.int64) * k.n_styles + s,
            "ds": pd.Timestamp(k.start) + pd.to_timedelta(lo + d, unit="D"),
            "y": history.sales[lo + d, l, s].astype(float),
            "censored": history.censored[lo + d, l, s],
            "style_id": s.astype(np.int64), "location_id": l.astype(np.int64),
        })
        refit = self.model is None or self.fitted_day is None or day - self.fitted_day >= cfg.refit_every_days
        try:
            if refit:
                config = ForecastConfig(
                    freq="D", horizon=cfg.forecast_horizon_days, quantiles=(0.1, 0.5, 0.9), missing_dates="zero",
                    hierarchy=("style_id", "location_id"), exogenous=(), max_train_rows=cfg.xgb_max_train_rows,
                    max_quantile_rows=min(cfg.xgb_max_train_rows, 50_000), seed=self.seed,
                    xgb=XGBoostParams(n_estimators=cfg.xgb_n_estimators, quantile_n_estimators=40, n_jobs=2))
                self.model = DemandForecaster(config).fit(frame)
                self.fitted_day = day
                self.fits += 1
            else:
                # the same trees on the latest sales: rebuild the panel the features are read from
                self.model.panel_, _ = self.model._prepare(frame)
            pred = self.model.predict(self.model.make_future())
        except ForecastInputError:
            return None, None
        sid = pred["series_id"].to_numpy(dtype=np.int64)
        h = ((pd.to_datetime(pred["ds"]) - (pd.Timestamp(k.start) + pd.Timedelta(days=day))).dt.days).to_numpy()
        L, S, H = k.n_locations, k.n_styles, cfg.forecast_horizon_days
        mean = np.zeros((L, S, H))
        var = np.zeros((L, S, H))
        ll, ss = sid // S, sid % S
        mean[ll, ss, h - 1] = pred["mean"].to_numpy()
        sd = np.maximum(pred["p90"].to_numpy() - pred["p10"].to_numpy(), 0.0) / Z90_SPAN
        var[ll, ss, h - 1] = sd * sd
        return mean, var

    # ------------------------------------------------------------------------------------ query
    def interval(self, loc: np.ndarray, style: np.ndarray, t0: np.ndarray, t1: np.ndarray
                 ) -> tuple[np.ndarray, np.ndarray]:
        """Mean and variance of style demand at ``loc`` over days ``[t0, t1)`` (after the forecast origin)."""
        H = self.cfg.forecast_horizon_days
        a = np.clip(np.asarray(t0, dtype=np.int64) - self.origin - 1, 0, H)
        b = np.clip(np.ceil(np.asarray(t1)).astype(np.int64) - self.origin - 1, 0, None)
        inside_b = np.minimum(b, H)
        beyond = np.maximum(b - np.maximum(a, H), 0)
        mean = self.cum_mean[loc, style, inside_b] - self.cum_mean[loc, style, np.minimum(a, inside_b)]
        var = self.cum_var[loc, style, inside_b] - self.cum_var[loc, style, np.minimum(a, inside_b)]
        return mean + beyond * self.tail_mean[loc, style], var + beyond * self.tail_var[loc, style]

    def daily(self, loc: np.ndarray, style: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The latest daily mean and variance of the horizon's last week (the level beyond the horizon)."""
        return self.tail_mean[loc, style], self.tail_var[loc, style]
