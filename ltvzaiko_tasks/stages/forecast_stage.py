"""Forecast stage: XGBoost demand forecasts per SKU × location, a backtest every run, sell-out dates.

Reads ``intermediate.int_demand_daily`` (one row per SKU × location × day: units sold, stock-out flag),
fits :class:`~ltvzaiko_tasks.forecast.DemandForecaster` on the recent history (stock-out days are censored,
not zero demand), forecasts ``horizon`` days after ``as_of`` with quantiles, and writes

* ``models.demand_forecast``: series × future day: mean, p10/p50/p90;
* ``models.forecast_accuracy``: one backtest window per run (the last ``horizon`` days held out): WAPE and
  bias of the model and of a seasonal-naive baseline, so accuracy over time is visible;
* ``models.sell_out``: per series, on hand now and the first day cumulative forecast demand reaches it.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import pandas as pd
import psycopg

from ..forecast import DemandForecaster, ForecastConfig, SeasonalNaive
from ..warehouse.frames import read_frame, replace_rows

log = logging.getLogger(__name__)

SERIES_SEP = "|"

FORECAST_COLUMNS = {"as_of_date": "date not null", "sku_id": "text not null", "location_id": "text not null",
                    "forecast_date": "date not null", "mean_units": "double precision",
                    "p10_units": "double precision", "p50_units": "double precision",
                    "p90_units": "double precision"}
ACCURACY_COLUMNS = {"as_of_date": "date not null", "model": "text not null", "cutoff_date": "date",
                    "horizon_days": "integer", "series": "integer", "actual_units": "double precision",
                    "wape": "double precision", "bias": "double precision",
                    "p10_p90_coverage": "double precision"}
SELL_OUT_COLUMNS = {"as_of_date": "date not null", "sku_id": "text not null", "location_id": "text not null",
                    "on_hand_units": "double precision", "forecast_units_horizon": "double precision",
                    "sell_out_date": "date", "days_of_cover": "double precision"}


@dataclass(frozen=True)
class ForecastSettings:
    horizon_days: int = 28
    history_days: int = 365
    min_history_days: int = 35
    """Below this the lags the model needs do not exist yet; the run records why and forecasts nothing."""


@dataclass
class ForecastResult:
    status: str
    forecast: pd.DataFrame
    accuracy: pd.DataFrame
    message: str | None = None


def _config(horizon: int) -> ForecastConfig:
    return ForecastConfig(freq="D", horizon=horizon, quantiles=(0.1, 0.5, 0.9), missing_dates="zero",
                          hierarchy=("style_id", "location_id"), exogenous=(), seed=0)


def _as_bool(col: pd.Series) -> pd.Series:
    """Booleans as they arrive: bool, 0/1, or PostgreSQL's CSV spelling 't'/'f' (never truthy strings)."""
    if not (pd.api.types.is_bool_dtype(col) or pd.api.types.is_numeric_dtype(col)):
        return col.astype(str).str.lower().isin(["t", "true", "1"])
    return col.fillna(0).astype(bool)


def to_long_history(demand: pd.DataFrame) -> pd.DataFrame:
    """``sku_id, location_id, sales_date, units, stockout_flag, style_id`` → the forecaster's long table."""
    out = pd.DataFrame({
        "series_id": demand["sku_id"].astype(str) + SERIES_SEP + demand["location_id"].astype(str),
        "ds": pd.to_datetime(demand["sales_date"]),
        "y": demand["units"].astype(float).clip(lower=0),
        "censored": _as_bool(demand["stockout_flag"]),
        "style_id": demand["style_id"].astype(str),
        "location_id": demand["location_id"].astype(str),
    })
    return out.sort_values(["series_id", "ds"], ignore_index=True)


def compute_forecast(demand: pd.DataFrame, as_of: date, settings: ForecastSettings = ForecastSettings()
                     ) -> ForecastResult:
    """Pure part: fit on history up to ``as_of``, forecast the horizon, backtest the last horizon."""
    hist = to_long_history(demand)
    hist = hist[hist["ds"] <= pd.Timestamp(as_of)]
    days = hist["ds"].nunique()
    if hist.empty or days < settings.min_history_days:
        return ForecastResult("insufficient_history", pd.DataFrame(), pd.DataFrame(),
                              f"{days} days of demand history up to {as_of}; the forecaster needs "
                              f"{settings.min_history_days}")
    h = settings.horizon_days
    model = DemandForecaster(_config(h)).fit(hist)
    pred = model.predict(model.make_future())
    keys = pred["series_id"].str.split(SERIES_SEP, n=1, expand=True)
    forecast = pd.DataFrame({
        "as_of_date": as_of.isoformat(), "sku_id": keys[0], "location_id": keys[1],
        "forecast_date": pd.to_datetime(pred["ds"]).dt.date.astype(str),
        "mean_units": pred["mean"], "p10_units": pred["p10"], "p50_units": pred["p50"], "p90_units": pred["p90"],
    })
    accuracy = _backtest(hist, as_of, h, settings)
    return ForecastResult("forecast", forecast, accuracy)


def _backtest(hist: pd.DataFrame, as_of: date, h: int, settings: ForecastSettings) -> pd.DataFrame:
    cutoff = pd.Timestamp(as_of) - pd.Timedelta(days=h)
    train = hist[hist["ds"] <= cutoff]
    test = hist[(hist["ds"] > cutoff) & ~hist["censored"]]
    if train["ds"].nunique() < settings.min_history_days or test.empty:
        return pd.DataFrame(columns=list(ACCURACY_COLUMNS))
    rows = []
    for name, fc in (("xgboost", DemandForecaster(_config(h))), ("seasonal_naive", SeasonalNaive(7))):
        fc.fit(train[["series_id", "ds", "y", "censored", "style_id", "location_id"]] if name == "xgboost"
               else train[["series_id", "ds", "y"]])
        future = test[["series_id", "ds"]]
        pred = fc.predict(future if name == "seasonal_naive" else test[["series_id", "ds", "style_id",
                                                                         "location_id"]])
        merged = test.merge(pred, on=["series_id", "ds"], how="left")
        y, yhat = merged["y"].to_numpy(), merged["mean"].fillna(0).to_numpy()
        coverage = (float(np.mean((y >= merged["p10"]) & (y <= merged["p90"])))
                    if {"p10", "p90"} <= set(merged.columns) else None)
        rows.append({"as_of_date": as_of.isoformat(), "model": name, "cutoff_date": cutoff.date().isoformat(),
                     "horizon_days": h, "series": merged["series_id"].nunique(), "actual_units": float(y.sum()),
                     "wape": _ratio(np.abs(yhat - y), y), "bias": _ratio(yhat - y, y), "p10_p90_coverage": coverage})
    return pd.DataFrame(rows)


def _ratio(num: np.ndarray, y: np.ndarray) -> float | None:
    denom = float(np.abs(y).sum())
    return float(num.sum()) / denom if denom > 0 else None


def sell_out_dates(forecast: pd.DataFrame, on_hand: pd.DataFrame, as_of: date) -> pd.DataFrame:
    """First forecast day on which cumulative mean demand reaches the stock on hand (null: not within the
    horizon), and days of cover = on hand / mean daily demand."""
    if forecast.empty:
        return pd.DataFrame(columns=list(SELL_OUT_COLUMNS))
    f = forecast.sort_values(["sku_id", "location_id", "forecast_date"]).copy()
    f["cum"] = f.groupby(["sku_id", "location_id"])["mean_units"].cumsum()
    stock = on_hand[["sku_id", "location_id", "on_hand_units"]]
    f = f.merge(stock, on=["sku_id", "location_id"], how="left")
    f["on_hand_units"] = f["on_hand_units"].fillna(0)
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


def forecast_demand(conn: psycopg.Connection, as_of: date, settings: ForecastSettings = ForecastSettings()) -> dict:
    """Read demand history, forecast, backtest, and replace ``as_of``'s rows in the ``models`` tables."""
    start = as_of - timedelta(days=settings.history_days)
    demand = read_frame(conn, "select sku_id, location_id, style_id, sales_date, units_sold as units, stockout_flag::int as stockout_flag, "
                              "on_hand_units from intermediate.int_demand_daily where sales_date between %s and %s",
                        (start, as_of), dtypes={"sku_id": "string", "location_id": "string", "style_id": "string"})
    if demand.empty:
        result = ForecastResult("insufficient_history", pd.DataFrame(), pd.DataFrame(), f"no demand up to {as_of}")
    else:
        result = compute_forecast(demand, as_of, settings)
    on_hand = (demand[pd.to_datetime(demand["sales_date"]) == pd.Timestamp(as_of)] if not demand.empty
               else pd.DataFrame(columns=["sku_id", "location_id", "on_hand_units"]))
    sell_out = sell_out_dates(result.forecast, on_hand, as_of)
    empty = lambda cols: pd.DataFrame(columns=list(cols))  # noqa: E731
    n = replace_rows(conn, "demand_forecast", result.forecast if not result.forecast.empty else empty(FORECAST_COLUMNS),
                     FORECAST_COLUMNS, {"as_of_date": as_of},
                     comment="XGBoost demand forecast per SKU x location x day after as_of_date (mean, quantiles)")
    replace_rows(conn, "forecast_accuracy", result.accuracy if not result.accuracy.empty else empty(ACCURACY_COLUMNS),
                 ACCURACY_COLUMNS, {"as_of_date": as_of},
                 comment="Backtest of each run: the last horizon held out, model vs seasonal naive")
    replace_rows(conn, "sell_out", sell_out, SELL_OUT_COLUMNS, {"as_of_date": as_of},
                 comment="Forecast sell-out date and days of cover per SKU x location")
    log.info("forecast %s: %s, %d rows%s", as_of, result.status, n, f" ({result.message})" if result.message else "")
    acc = result.accuracy.set_index("model")["wape"].to_dict() if not result.accuracy.empty else {}
    return {"status": result.status, "forecast_rows": n, "wape": acc, "message": result.message}
