"""Forecast accuracy metrics as pure functions of the tidy backtest frame.

Each takes a frame with ``y`` and one column per model (as returned by ``rolling_origin_backtest``) and
returns one value per model (a ``Series``), or a frame with one row per group when ``by`` is given.

Equations used (sums over the rows of a group, ``e = y_hat - y``):

* WAPE = sum |e| / sum |y|    (weighted absolute percentage error; 0 is perfect)
* bias = sum e / sum |y|      (> 0 over-forecast, < 0 under-forecast)
* MASE = mean over series of [ mean |e| / mean |y_t - y_{t-m}| ], the scale taken on each series' training
  history up to the cutoff (seasonal naive in-sample error, season ``m``; Hyndman & Koehler 2006)
* coverage = share of rows with ``lower <= y <= upper``
"""
from __future__ import annotations

import re

import numpy as np
import pandas as pd

from .constants import CENSORED_COL, DS_COL, ID_COL, Y_COL, Freq

_KEYS = {ID_COL, DS_COL, "cutoff", Y_COL, CENSORED_COL}
_QUANTILE = re.compile(r"(^|_)p\d+(\.\d+)?$")


def model_columns(df: pd.DataFrame) -> list[str]:
    """Point-forecast columns of a backtest frame (everything but keys, ``y`` and quantile columns)."""
    return [c for c in df.columns if c not in _KEYS and not _QUANTILE.search(str(c))]


def _models(df: pd.DataFrame, models) -> list[str]:
    if models is None:
        return model_columns(df)
    models = [models] if isinstance(models, str) else list(models)
    missing = [m for m in models if m not in df.columns]
    if missing:
        raise KeyError(f"model column(s) {missing} not in the frame; it has {list(df.columns)}")
    return models


def _ratio(df: pd.DataFrame, models, by, numerator, y_col: str) -> pd.Series | pd.DataFrame:
    models = _models(df, models)
    parts = pd.DataFrame({m: numerator(df[m].to_numpy(float), df[y_col].to_numpy(float)) for m in models},
                         index=df.index)
    parts["__den"] = df[y_col].abs()
    if by is None:
        sums = parts.sum()
        den = sums.pop("__den")
        return (sums / den if den else sums * np.nan).rename(None)
    sums = parts.groupby([df[b] for b in ([by] if isinstance(by, str) else by)]).sum()
    den = sums.pop("__den").replace(0, np.nan)
    return sums.div(den, axis=0)


def wape(df: pd.DataFrame, models=None, *, by=None, y_col: str = Y_COL):
    """Weighted absolute percentage error ``sum|y_hat - y| / sum|y|`` per model."""
    return _ratio(df, models, by, lambda p, y: np.abs(p - y), y_col)


def bias(df: pd.DataFrame, models=None, *, by=None, y_col: str = Y_COL):
    """Relative bias ``sum(y_hat - y) / sum|y|`` per model (positive = over-forecast)."""
    return _ratio(df, models, by, lambda p, y: p - y, y_col)


def _seasonal_scale(train: pd.DataFrame, season_length: int, step_days: int, y_col: str) -> pd.Series:
    """Per series: mean |y_t - y_{t-m}| over pairs of observed (uncensored) training rows."""
    rows = train
    if CENSORED_COL in rows.columns:
        rows = rows[~rows[CENSORED_COL].astype(bool)]
    rows = rows[[ID_COL, DS_COL, y_col]]
    shifted = rows.assign(**{DS_COL: rows[DS_COL] + pd.Timedelta(days=season_length * step_days)})
    pairs = rows.merge(shifted, on=[ID_COL, DS_COL], suffixes=("", "_lag"))
    return (pairs[y_col] - pairs[f"{y_col}_lag"]).abs().groupby(pairs[ID_COL]).mean()


def mase(df: pd.DataFrame, models=None, *, train: pd.DataFrame, season_length: int,
         freq: Freq | str = Freq.DAILY, by=None, y_col: str = Y_COL):
    """Mean absolute scaled error per model.

    The scale of a series is its in-sample seasonal-naive error on ``train`` rows up to the row's cutoff (all
    of ``train`` when ``df`` has no ``cutoff`` column). Series whose scale is 0 or undefined are left out.
    """
    models = _models(df, models)
    step_days = Freq(freq).step_days
    train_ds = pd.to_datetime(train[DS_COL])
    train = train.assign(**{DS_COL: train_ds})
    scaled = []
    groups = df.groupby("cutoff", sort=False) if "cutoff" in df.columns else [(None, df)]
    for cutoff, part in groups:
        history = train if cutoff is None else train[train_ds <= pd.Timestamp(cutoff)]
        scale = _seasonal_scale(history, season_length, step_days, y_col)
        s = part[ID_COL].map(scale).to_numpy(float, copy=True)
        s[s == 0] = np.nan
        err = pd.DataFrame({m: np.abs(part[m].to_numpy(float) - part[y_col].to_numpy(float)) / s for m in models},
                           index=part.index)
        err["__key"] = part[ID_COL].astype(str) + "|" + str(cutoff)
        scaled.append(err)
    err = pd.concat(scaled)
    by_cols = [] if by is None else ([by] if isinstance(by, str) else list(by))
    keys = [err["__key"]] + [df.loc[err.index, b] for b in by_cols]
    per_series = err.drop(columns="__key").groupby(keys).mean()  # MASE of each series (and cutoff)
    if by is None:
        return per_series.mean().rename(None)
    return per_series.groupby(level=list(range(1, per_series.index.nlevels))).mean()


def quantile_coverage(df: pd.DataFrame, lower: str, upper: str, *, by=None, y_col: str = Y_COL):
    """Share of rows whose actual lies in ``[lower, upper]`` (e.g. ``"xgboost_p10"``, ``"xgboost_p90"``;
    nominal 0.8 for p10-p90)."""
    inside = (df[y_col] >= df[lower]) & (df[y_col] <= df[upper])
    if by is None:
        return float(inside.mean())
    return inside.groupby([df[b] for b in ([by] if isinstance(by, str) else by)]).mean()


def accuracy_table(df: pd.DataFrame, models=None, *, train: pd.DataFrame | None = None,
                   season_length: int = 7, freq: Freq | str = Freq.DAILY) -> pd.DataFrame:
    """Long ``model, metric, value`` summary of a backtest frame (the shape of an accuracy mart)."""
    models = _models(df, models)
    rows = []
    for metric, values in (("wape", wape(df, models)), ("bias", bias(df, models))):
        rows += [(m, metric, float(values[m])) for m in models]
    if train is not None:
        values = mase(df, models, train=train, season_length=season_length, freq=freq)
        rows += [(m, "mase", float(values[m])) for m in models]
    for m in models:
        lo, hi = f"{m}_p10", f"{m}_p90"
        if lo in df.columns and hi in df.columns:
            rows.append((m, "coverage_p10_p90", quantile_coverage(df, lo, hi)))
    return pd.DataFrame(rows, columns=["model", "metric", "value"])
