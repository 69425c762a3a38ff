"""Forecast stage: XGBoost demand forecasts per SKU × location, a rolling-origin backtest every run, the model
registry (retrain weekly, predict daily) and sell-out dates.

Reads ``intermediate.int_demand_daily`` (one row per SKU × location × day: units sold, stock-out flag, shelf
price, campaigns), the announced campaign calendar (``intermediate.int_campaign_days``) and the latest item
LTV classes (``models.item_value``); then

1. trains :class:`~ltvzaiko_tasks.forecast.DemandForecaster` on the recent history (stock-out days censored,
   not zero demand; price, discount and campaign flags as known-in-advance features, see
   :mod:`.forecast_inputs`) — or, when the registry's active model is younger than ``retrain_days`` and was
   built from the same feature set, loads it and only predicts (:mod:`.forecast_registry`);
2. forecasts every series listed on the as-of date for ``horizon`` days, with p10/p50/p90;
3. backtests on rolling origins (the last ``backtest_windows`` windows of ``horizon`` days, ``step`` days
   apart) against seasonal naive and a moving average: WAPE, bias, MASE, p10–p90 coverage, by horizon
   bucket and by segment (item type, LTV class);
4. gates the forecast (:mod:`ltvzaiko_tasks.forecast.output_rules`: coverage of active series, no negatives,
   ordered quantiles) — a failing gate publishes nothing — and writes, in one transaction:

* ``models.demand_forecast``: series × future day: mean, p10/p50/p90;
* ``models.forecast_accuracy``: the run's backtest, one row per model × segment × horizon bucket;
* ``models.sell_out``: per series, on hand now and the first day cumulative forecast demand reaches it;
* ``models.forecast_model_registry``: a new version when the run trained one (the previous one retired).
"""
from __future__ import annotations

import logging
import os
import time
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

import numpy as np
import pandas as pd
import psycopg

from ..forecast.features import annual_calendar_learnable
from ..forecast import (DemandForecaster, ForecastConfig, MovingAverage, SeasonalNaive, XGBoostParams,
                        feature_set_hash, rolling_origin_backtest, segmented_accuracy)
from ..forecast.output_rules import gate_forecast
from ..warehouse.frames import replace_rows
from .forecast_inputs import (EXOGENOUS, HIERARCHY, SERIES_SEP, _as_bool, future_features,  # noqa: F401
                              prices_as_of_cutoff, read_active, read_campaign_days, read_history, read_item_dates,
                              read_segments,
                              split_series, to_dates, to_long_history)
from .forecast_registry import (ACTIVE, RETIRED, active_model, artifact_root, ensure_registry, model_version,
                                register, registry_row, retrain_reason)

log = logging.getLogger(__name__)

FORECAST_COLUMNS = {"as_of_date": "date not null", "sku_id": "text not null", "location_id": "text not null",
                    "forecast_date": "date not null", "mean_units": "double precision",
                    "p10_units": "double precision", "p50_units": "double precision",
                    "p90_units": "double precision"}
ACCURACY_COLUMNS = {"as_of_date": "date not null", "model": "text not null", "model_version": "text",
                    "segment_type": "text", "segment": "text", "horizon_bucket": "text",
                    "horizon_from": "integer", "horizon_to": "integer", "cutoff_date": "date",
                    "first_cutoff_date": "date", "backtest_windows": "integer", "horizon_days": "integer",
                    "series": "integer", "actual_units": "double precision", "wape": "double precision",
                    "bias": "double precision", "mase": "double precision",
                    "p10_p90_coverage": "double precision", "wape_14d": "double precision"}
SELL_OUT_COLUMNS = {"as_of_date": "date not null", "sku_id": "text not null", "location_id": "text not null",
                    "on_hand_units": "double precision", "forecast_units_horizon": "double precision",
                    "sell_out_date": "date", "days_of_cover": "double precision"}
MODELS = ("xgboost", "seasonal_naive", "moving_average")
WAPE_INTERVAL_DAYS = 14
"""``wape_14d``: WAPE of each series' 14-day demand sums, the order lists' shortest protection interval (a
domestic supplier's lead time + the weekly review); the grain SPEC §8's forecast target is read at."""
SEGMENTS = ("item_type", "ltv_class")


@dataclass(frozen=True)
class ForecastSettings:
    """How the stage forecasts; :meth:`from_env` reads ``LTVZAIKO_FORECAST_*`` variables."""

    horizon_days: int = 28
    history_days: int = 365
    min_history_days: int = 35
    """Below this the lags the model needs do not exist yet; the run records why and forecasts nothing."""
    retrain_days: int = 7
    """Train a new model when the active one is this many days old (0: every run); in between, predict only."""
    backtest_windows: int = 2
    """Rolling origins scored each run (fewer when the history is short)."""
    backtest_step_days: int = 7
    """Days between backtest cutoffs."""
    horizon_bucket_days: int = 7
    moving_average_days: int = 28
    booster: XGBoostParams = field(default_factory=XGBoostParams)
    """XGBoost settings (part of the model's feature-set hash: changing them retrains)."""

    def __post_init__(self) -> None:
        for name in ("horizon_days", "history_days", "min_history_days", "backtest_windows", "backtest_step_days",
                     "horizon_bucket_days", "moving_average_days"):
            if int(getattr(self, name)) < 1:
                raise ValueError(f"ForecastSettings.{name} must be >= 1, got {getattr(self, name)}")
        if int(self.retrain_days) < 0:
            raise ValueError(f"ForecastSettings.retrain_days must be >= 0 (0 = retrain every run), "
                             f"got {self.retrain_days}")

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> "ForecastSettings":
        """``LTVZAIKO_FORECAST_`` + HORIZON_DAYS, HISTORY_DAYS, MIN_HISTORY_DAYS, RETRAIN_DAYS, BACKTEST_WINDOWS,
        BACKTEST_STEP_DAYS; unset ones keep their defaults.

        >>> ForecastSettings.from_env({"LTVZAIKO_FORECAST_RETRAIN_DAYS": "14"}).retrain_days
        14
        """
        env = os.environ if env is None else env
        values = {}
        for name in ("horizon_days", "history_days", "min_history_days", "retrain_days", "backtest_windows",
                     "backtest_step_days"):
            raw = env.get(f"LTVZAIKO_FORECAST_{name.upper()}")
            if raw is not None and raw.strip() != "":
                try:
                    values[name] = int(raw)
                except ValueError:
                    raise ValueError(f"LTVZAIKO_FORECAST_{name.upper()}={raw!r} is not a whole number of days"
                                     ) from None
        return cls(**values)


@dataclass
class ForecastResult:
    status: str
    forecast: pd.DataFrame
    accuracy: pd.DataFrame
    message: str | None = None
    model: DemandForecaster | None = None
    trained: bool = False
    fit_seconds: float = 0.0
    active: pd.DataFrame = field(default_factory=pd.DataFrame)
    """The series forecast (listed on the last history day), with on hand."""
    dates: list = field(default_factory=list)
    data_window: tuple = (None, None)


def forecast_config(settings: ForecastSettings, first_day=None, last_day=None) -> ForecastConfig:
    """The pipeline's forecaster: daily, p10/p50/p90, missing rows are days without sales, the declared
    known-in-advance features and the style / location hierarchy. Month / week-of-year features only when the
    history from ``first_day`` to ``last_day`` holds a full year of targets (``annual_calendar_learnable``):
    the default 365 days of history does not, so they are off (docs/forecast.md §3)."""
    config = ForecastConfig(freq="D", horizon=settings.horizon_days, quantiles=(0.1, 0.5, 0.9),
                            missing_dates="zero", hierarchy=HIERARCHY, exogenous=EXOGENOUS, xgb=settings.booster,
                            seed=0, annual_calendar=False)
    if annual_calendar_learnable(config, first_day, last_day):
        config = replace(config, annual_calendar=True)
    return config


def _active_from_demand(demand: pd.DataFrame, day: pd.Timestamp) -> pd.DataFrame:
    rows = demand[(to_dates(demand["sales_date"]) == day).to_numpy()]
    out = pd.DataFrame({c: rows[c].to_numpy() if c in rows.columns else "unknown"
                        for c in ("sku_id", "location_id", "style_id", "category", "channel")})
    for c in ("on_hand_units", "selling_price_jpy", "list_price_jpy"):
        out[c] = rows[c].to_numpy() if c in rows.columns else np.nan
    return out


def compute_forecast(demand: pd.DataFrame, as_of: date, settings: ForecastSettings = ForecastSettings(), *,
                     active: pd.DataFrame | None = None, campaign_days: pd.DataFrame | None = None,
                     segments: pd.DataFrame | None = None, model: DemandForecaster | None = None,
                     items: pd.DataFrame | None = None, history: pd.DataFrame | None = None) -> ForecastResult:
    """Pure part: forecast the horizon after ``as_of`` and backtest the last windows.

    demand: ``int_demand_daily`` rows (``sku_id, location_id, style_id, sales_date, units, stockout_flag,
    selling_price_jpy, list_price_jpy, promo_flag, promo_discount_pct``). active: the series to forecast with
    ``category, channel, on_hand_units`` and prices (default: the rows of the last day). campaign_days: the
    announced campaign calendar of the forecast days. segments: ``sku_id, item_type, ltv_class``. model: a
    saved model to reuse (only ``update`` + ``predict``); None trains one. items: ``sku_id, launch_date,
    season_start, season_end`` for the lifecycle features (missing without it). history: the long history
    :func:`to_long_history` already built from ``demand`` (``demand`` may then be None when ``active`` is
    given, so the caller can free the raw rows first)."""
    hist = history if history is not None else to_long_history(demand, items)
    late = (hist["ds"] > pd.Timestamp(as_of)).to_numpy()
    if late.any():  # a copy only when there is something to drop (a year at medium is ~1 GB)
        hist = hist[~late].reset_index(drop=True)
    del late
    days = hist["ds"].nunique()
    if hist.empty or days < settings.min_history_days:
        return ForecastResult("insufficient_history", pd.DataFrame(), pd.DataFrame(),
                              f"{days} days of demand history up to {as_of}; the forecaster needs "
                              f"{settings.min_history_days}")
    h = settings.horizon_days
    last_day = hist["ds"].max()
    if active is None:
        active = _active_from_demand(demand, last_day)
    active = active.reset_index(drop=True)
    dates = list(pd.date_range(last_day + pd.Timedelta(days=1), periods=h))
    future = future_features(active, campaign_days if campaign_days is not None else pd.DataFrame(), dates, items)
    t0 = time.perf_counter()
    trained = model is None
    config = forecast_config(settings, hist["ds"].min(), last_day)
    model = DemandForecaster(config).fit(hist) if trained else model.update(hist)
    fit_seconds = time.perf_counter() - t0 if trained else 0.0
    pred = model.predict(future)
    model.release_history()  # the backtest builds its own histories: do not hold this one beside them
    del future
    sku, loc = split_series(pred["series_id"])
    forecast = pd.DataFrame({
        "as_of_date": as_of.isoformat(), "sku_id": sku.to_numpy(), "location_id": loc.to_numpy(),
        "forecast_date": pd.to_datetime(pred["ds"]).dt.strftime("%Y-%m-%d").to_numpy(),
        "mean_units": pred["mean"].to_numpy(), "p10_units": pred["p10"].to_numpy(),
        "p50_units": pred["p50"].to_numpy(), "p90_units": pred["p90"].to_numpy(),
    })
    accuracy = backtest_accuracy(hist, as_of, settings, segments)
    return ForecastResult("forecast", forecast, accuracy, model=model, trained=trained, fit_seconds=fit_seconds,
                          active=active, dates=dates,
                          data_window=(hist["ds"].min().date(), last_day.date()))


def backtest_windows(hist: pd.DataFrame, settings: ForecastSettings) -> int:
    """How many of the configured rolling origins leave ``min_history_days`` of training history."""
    first, last = hist["ds"].min(), hist["ds"].max()
    n = 0
    for i in range(settings.backtest_windows):
        cutoff = last - pd.Timedelta(days=settings.horizon_days + i * settings.backtest_step_days)
        if (cutoff - first).days + 1 >= settings.min_history_days:
            n += 1
    return n


MIN_BACKTEST_HORIZON_DAYS = 7
"""A backtest shorter than a week says too little; below it the run records no accuracy."""


def backtest_horizon(hist: pd.DataFrame, settings: ForecastSettings) -> int | None:
    """Days each backtest window scores: the forecast horizon, or — on a history too short to hold it after
    ``min_history_days`` of training (a new installation, the demo's 60 days) — the longest that fits, so the
    first runs are already checked (``horizon_days`` in the accuracy rows says which). None below
    :data:`MIN_BACKTEST_HORIZON_DAYS`."""
    days = (hist["ds"].max() - hist["ds"].min()).days + 1
    h = min(settings.horizon_days, days - settings.min_history_days)
    return h if h >= MIN_BACKTEST_HORIZON_DAYS else None


def backtest_accuracy(hist: pd.DataFrame, as_of: date, settings: ForecastSettings,
                      segments: pd.DataFrame | None = None) -> pd.DataFrame:
    """The run's rolling-origin backtest: XGBoost (fitted once at the oldest cutoff and re-run at later ones,
    as production re-runs a model between retrains), seasonal naive and a moving average; scored by horizon
    bucket and segment. On a short history the windows are shorter (:func:`backtest_horizon`); empty when not
    even a week fits."""
    h = backtest_horizon(hist, settings) if len(hist) else None
    if h is None:
        return pd.DataFrame(columns=list(ACCURACY_COLUMNS))
    settings = replace(settings, horizon_days=h)
    n = backtest_windows(hist, settings)
    if n == 0:
        return pd.DataFrame(columns=list(ACCURACY_COLUMNS))
    config = forecast_config(settings, hist["ds"].min(), hist["ds"].max())
    factories = {"xgboost": lambda: DemandForecaster(config),
                 "seasonal_naive": lambda: SeasonalNaive(7, missing_dates="zero"),
                 "moving_average": lambda: MovingAverage(settings.moving_average_days, missing_dates="zero")}
    bt = rolling_origin_backtest(factories, hist, n_windows=n, horizon=h, step=settings.backtest_step_days,
                                 refit_every=None, future_known=prices_as_of_cutoff)
    if bt.empty:
        return pd.DataFrame(columns=list(ACCURACY_COLUMNS))
    labels = None
    if segments is not None and not segments.empty:
        keys = pd.DataFrame({"series_id": pd.unique(bt["series_id"].astype(str))})
        keys["sku_id"] = split_series(keys["series_id"])[0].to_numpy()
        labels = keys.merge(segments.astype({"sku_id": str}), on="sku_id", how="left")[["series_id", *SEGMENTS]]
    acc = segmented_accuracy(bt, list(MODELS), train=hist[["series_id", "ds", "y", "censored"]], segments=labels,
                             season_length=7, bucket_width=settings.horizon_bucket_days, horizon=h,
                             interval_steps=WAPE_INTERVAL_DAYS).rename(columns={"wape_interval": "wape_14d"})
    acc.insert(0, "as_of_date", as_of.isoformat())
    acc["model_version"] = None
    acc["cutoff_date"] = pd.Timestamp(bt["cutoff"].max()).date().isoformat()
    acc["first_cutoff_date"] = pd.Timestamp(bt["cutoff"].min()).date().isoformat()
    acc["backtest_windows"] = acc.pop("windows")
    acc["horizon_days"] = h
    return acc[list(ACCURACY_COLUMNS)]


def overall(accuracy: pd.DataFrame) -> pd.DataFrame:
    """The rows over every segment and the whole horizon, one per model."""
    if accuracy.empty:
        return accuracy
    return accuracy[(accuracy["segment_type"] == "all") & (accuracy["horizon_bucket"] == "all")].set_index("model")


def backtest_metrics(accuracy: pd.DataFrame) -> dict:
    """The registry's backtest_* figures from a run's accuracy rows."""
    rows = overall(accuracy)
    if rows.empty or "xgboost" not in rows.index:
        return {}
    x = rows.loc["xgboost"]
    num = lambda v: float(v) if pd.notna(v) else None  # noqa: E731
    wape_of = lambda m: num(rows.loc[m, "wape"]) if m in rows.index else None  # noqa: E731
    return {"backtest_windows": int(x["backtest_windows"]), "backtest_wape": num(x["wape"]),
            "backtest_bias": num(x["bias"]), "backtest_mase": num(x["mase"]),
            "backtest_coverage_p10_p90": num(x["p10_p90_coverage"]),
            "backtest_wape_seasonal_naive": wape_of("seasonal_naive"),
            "backtest_wape_moving_average": wape_of("moving_average")}


def sell_out_dates(forecast: pd.DataFrame, on_hand: pd.DataFrame, as_of: date) -> pd.DataFrame:
    """First forecast day on which cumulative mean demand reaches the stock on hand (null: not within the
    horizon), and days of cover = on hand / mean daily demand."""
    if forecast.empty:
        return pd.DataFrame(columns=list(SELL_OUT_COLUMNS))
    f = forecast.sort_values(["sku_id", "location_id", "forecast_date"]).copy()
    f["cum"] = f.groupby(["sku_id", "location_id"])["mean_units"].cumsum()
    stock = on_hand[["sku_id", "location_id", "on_hand_units"]].astype({"sku_id": str, "location_id": str})
    f = f.merge(stock, on=["sku_id", "location_id"], how="left")
    f["on_hand_units"] = pd.to_numeric(f["on_hand_units"], errors="coerce").fillna(0)
    totals = f.groupby(["sku_id", "location_id"]).agg(forecast_units_horizon=("mean_units", "sum"),
                                                     on_hand_units=("on_hand_units", "first"),
                                                     days=("mean_units", "size")).reset_index()
    reached = f[(f["cum"] >= f["on_hand_units"]) & (f["on_hand_units"] > 0)]
    first = reached.groupby(["sku_id", "location_id"])["forecast_date"].min().rename("sell_out_date")
    out = totals.merge(first, on=["sku_id", "location_id"], how="left")
    daily = out["forecast_units_horizon"] / out["days"]
    out["days_of_cover"] = np.where(daily > 0, out["on_hand_units"] / daily.where(daily > 0, 1), np.nan)
    out["as_of_date"] = as_of.isoformat()
    return out[list(SELL_OUT_COLUMNS)]


def _empty(cols) -> pd.DataFrame:
    return pd.DataFrame(columns=list(cols))


def _write(conn: psycopg.Connection, as_of: date, forecast: pd.DataFrame, accuracy: pd.DataFrame,
           sell_out: pd.DataFrame) -> int:
    n = replace_rows(conn, "demand_forecast", forecast if not forecast.empty else _empty(FORECAST_COLUMNS),
                     FORECAST_COLUMNS, {"as_of_date": as_of},
                     comment="XGBoost demand forecast per SKU x location x day after as_of_date (mean, quantiles)")
    replace_rows(conn, "forecast_accuracy", accuracy if not accuracy.empty else _empty(ACCURACY_COLUMNS),
                 ACCURACY_COLUMNS, {"as_of_date": as_of},
                 comment="Rolling-origin backtest of each run: XGBoost vs seasonal naive and moving average, "
                         "by segment and horizon bucket")
    replace_rows(conn, "sell_out", sell_out if not sell_out.empty else _empty(SELL_OUT_COLUMNS), SELL_OUT_COLUMNS,
                 {"as_of_date": as_of}, comment="Forecast sell-out date and days of cover per SKU x location")
    return n


def forecast_demand(conn: psycopg.Connection, as_of: date, settings: ForecastSettings | None = None) -> dict:
    """Read demand history, forecast (reusing the active model when it may serve), backtest, gate, and replace
    ``as_of``'s rows in the ``models`` tables (and register a newly trained model), in one transaction."""
    settings = settings or ForecastSettings.from_env()
    ensure_registry(conn)
    demand = read_history(conn, as_of, settings.history_days)
    # the history's first and last day (read_history stops at as_of), from its distinct dates, read once
    days = to_dates(pd.Series(pd.unique(demand["sales_date"]))) if not demand.empty else None
    first_day, last_day = (days.min(), days.max()) if days is not None else (None, None)
    config = forecast_config(settings, first_day, last_day)
    fhash = feature_set_hash(config)
    current = active_model(conn)
    reason = retrain_reason(current, as_of, fhash, settings.retrain_days)
    model = None
    if reason is None:
        try:
            model = DemandForecaster.load(current.artifact_path)
        except (OSError, ValueError) as exc:  # unreadable artifact: train instead of failing the run
            reason = f"artifact unreadable ({exc})"
    if demand.empty:
        result = ForecastResult("insufficient_history", pd.DataFrame(), pd.DataFrame(), f"no demand up to {as_of}")
    else:
        last_day = last_day.date()
        active = read_active(conn, last_day)
        campaigns = read_campaign_days(conn, last_day + timedelta(days=1),
                                       last_day + timedelta(days=settings.horizon_days))
        items = read_item_dates(conn)
        history = to_long_history(demand, items)
        del demand  # a year of raw rows (~1.5 GB at medium): only the long history is needed from here on
        result = compute_forecast(None, as_of, settings, active=active, campaign_days=campaigns,
                                  segments=read_segments(conn, as_of), model=model, items=items, history=history)
        del history
    version, registered = None, None
    if result.status == "forecast":
        gate_forecast(result.forecast, result.active, result.dates)  # raises before anything is written
        if result.trained:
            version = model_version(as_of, fhash)
            newer = current is not None and current.trained_as_of_date > as_of
            path = result.model.save(artifact_root() / version)
            registered = registry_row(
                version=version, as_of=as_of, feature_hash=fhash, feature_names=result.model.spec_.feature_names,
                config=config.to_dict(), reason=reason, data_from=result.data_window[0],
                data_to=result.data_window[1], n_series=result.model.n_series_,
                n_train_examples=result.model.n_train_rows_, fit_seconds=result.fit_seconds,
                metrics=backtest_metrics(result.accuracy), artifact_path=path,
                status=RETIRED if newer else ACTIVE)  # a rerun of a past date never displaces a newer model
        else:
            version = current.model_version
        result.accuracy["model_version"] = version
    on_hand = result.active if not result.active.empty else _empty(["sku_id", "location_id", "on_hand_units"])
    sell_out = sell_out_dates(result.forecast, on_hand, as_of)
    with conn.transaction():
        n = _write(conn, as_of, result.forecast, result.accuracy, sell_out)
        if registered is not None:
            register(conn, registered, as_of)
    acc = overall(result.accuracy)["wape"].to_dict() if not result.accuracy.empty else {}
    log.info("forecast %s: %s, %d rows, model %s (%s)%s", as_of, result.status, n, version,
             f"trained: {reason}" if result.trained else "reused", f" ({result.message})" if result.message else "")
    return {"status": result.status, "forecast_rows": n, "wape": acc, "message": result.message,
            "model_version": version, "trained": bool(result.trained),
            "training_reason": reason if result.trained else None}
