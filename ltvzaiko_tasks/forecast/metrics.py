"""Forecast accuracy metrics as pure functions of the tidy backtest frame.

Each takes a frame with ``y`` and one column per model (as returned by ``rolling_origin_backtest``) and
returns one value per model (a ``Series``), or a frame with one row per group when ``by`` is given.

Equations used (sums over the rows of a group, ``e = y_hat - y``):

* WAPE = sum |e| / sum |y|    (weighted absolute percentage error; 0 is perfect)
* bias = sum e / sum |y|      (> 0 over-forecast, < 0 under-forecast)
* MASE = mean over series of [ mean |e| / mean |y_t - y_{t-m}| ], the scale taken on each series' training
  history up to the cutoff (seasonal naive in-sample error, season ``m``; Hyndman & Koehler 2006); the
  one-series definition is :func:`mase_score`
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


def mase_score(y_true, y_pred, y_train, season_length: int = 1) -> float:
    """Mean absolute scaled error of one series' forecasts (Hyndman & Koehler 2006).

    Equations used, with ``Y_1 .. Y_n`` the training (in-sample) series, ``m`` the season length and
    ``e_t = Y_t - F_t`` the forecast errors over the forecast period::

        scale = 1 / (n - m) * sum_{i = m+1 .. n} |Y_i - Y_{i-m}|    (in-sample MAE of the seasonal naive method)
        q_t   = e_t / scale                                         (scaled error)
        MASE  = mean_t |q_t|

    ``m = 1`` scales by the naive (random walk) forecast, as in the paper's non-seasonal definition; retail
    daily data uses ``m = 7``. MASE < 1: the forecasts err less than the seasonal naive method did one step
    ahead in sample. Missing values (NaN: e.g. stock-out days) are left out of both sums. Returns NaN when the
    scale is 0 or undefined (a constant training series, or fewer than ``m + 1`` values).

    Worked example (Hyndman & Athanasopoulos, *Forecasting: principles and practice*, 1st ed., §2.5):
    Australian quarterly beer production, trained on 1992Q1–2005Q4, seasonal naive forecasts of
    2006Q1–2008Q3 have MASE 0.77 (``tests/forecast/test_forecast_metrics.py`` reproduces it). A small one:

    >>> mase_score([1, 2, 3, 4], [2, 2, 2, 2], y_train=[1, 2, 4, 3])   # scale (1 + 2 + 1) / 3, MAE 1
    0.75
    """
    y_true, y_pred = np.asarray(y_true, dtype=float), np.asarray(y_pred, dtype=float)
    y_train = np.asarray(y_train, dtype=float)
    m = int(season_length)
    if m < 1:
        raise ValueError("mase_score: season_length must be >= 1 (1 = naive, 7 = daily data's week)")
    if y_true.shape != y_pred.shape:
        raise ValueError(f"mase_score: y_true {y_true.shape} and y_pred {y_pred.shape} differ in shape")
    if len(y_train) <= m:
        return float("nan")
    diffs = np.abs(y_train[m:] - y_train[:-m])
    with np.errstate(invalid="ignore"):
        scale = np.nanmean(diffs) if np.isfinite(diffs).any() else np.nan
    errors = np.abs(y_true - y_pred)
    if not scale or np.isnan(scale) or not np.isfinite(errors).any():
        return float("nan")
    return float(np.nanmean(errors) / scale)


def seasonal_naive_scales(train: pd.DataFrame, cutoffs, season_length: int, freq: Freq | str = Freq.DAILY,
                          y_col: str = Y_COL) -> pd.DataFrame:
    """MASE scales: per series and cutoff, the mean ``|y_t - y_{t-m}|`` over pairs of observed (uncensored)
    training rows with ``t <= cutoff``. Returns ``series_id, cutoff, scale`` (NaN: no pair).

    Laid out on a dense series x step grid with cumulative sums, so many cutoffs cost one pass."""
    step_days = Freq(freq).step_days
    rows = train
    if CENSORED_COL in rows.columns:
        rows = rows[~rows[CENSORED_COL].astype(bool)]
    cutoffs = pd.DatetimeIndex(pd.to_datetime(list(cutoffs))).unique()
    if rows.empty or len(cutoffs) == 0:
        return pd.DataFrame({ID_COL: pd.Series(dtype=object), "cutoff": pd.Series(dtype="datetime64[ns]"),
                             "scale": pd.Series(dtype=float)})
    days = pd.to_datetime(rows[DS_COL]).to_numpy().astype("datetime64[D]")
    codes, ids = pd.factorize(rows[ID_COL], sort=True)
    start = days.min()
    col = (days - start).astype(np.int64) // step_days
    n_steps = int(col.max()) + 1
    grid = np.full((len(ids), n_steps), np.nan)
    grid[codes, col] = rows[y_col].to_numpy(dtype=float)
    m = int(season_length)
    diff = np.abs(grid[:, m:] - grid[:, :-m]) if n_steps > m else np.zeros((len(ids), 0))
    ok = ~np.isnan(diff)
    cum = np.zeros((len(ids), diff.shape[1] + 1))
    cnt = np.zeros_like(cum)
    np.cumsum(np.where(ok, diff, 0.0), axis=1, out=cum[:, 1:])
    np.cumsum(ok, axis=1, out=cnt[:, 1:])
    out = []
    for cutoff in cutoffs:
        last = (np.datetime64(cutoff.date()) - start).astype(np.int64) // step_days  # last grid step <= cutoff
        k = int(np.clip(last - m + 1, 0, diff.shape[1]))                               # pairs ending <= cutoff
        with np.errstate(invalid="ignore", divide="ignore"):
            scale = cum[:, k] / cnt[:, k]
        out.append(pd.DataFrame({ID_COL: ids, "cutoff": cutoff, "scale": scale}))
    return pd.concat(out, ignore_index=True)


def mase(df: pd.DataFrame, models=None, *, train: pd.DataFrame, season_length: int,
         freq: Freq | str = Freq.DAILY, by=None, y_col: str = Y_COL):
    """Mean absolute scaled error per model.

    The scale of a series is its in-sample seasonal-naive error on ``train`` rows up to the row's cutoff (all
    of ``train`` when ``df`` has no ``cutoff`` column). Series whose scale is 0 or undefined are left out.
    """
    models = _models(df, models)
    err = scaled_errors(df, models, train=train, season_length=season_length, freq=freq, y_col=y_col)
    by_cols = [] if by is None else ([by] if isinstance(by, str) else list(by))
    keys = [err["__key"]] + [df.loc[err.index, b] for b in by_cols]
    per_series = err.drop(columns="__key").groupby(keys).mean()  # MASE of each series (and cutoff)
    if by is None:
        return per_series.mean().rename(None)
    return per_series.groupby(level=list(range(1, per_series.index.nlevels))).mean()


def scaled_errors(df: pd.DataFrame, models, *, train: pd.DataFrame, season_length: int,
                  freq: Freq | str = Freq.DAILY, y_col: str = Y_COL) -> pd.DataFrame:
    """``|y_hat - y| / scale`` per row and model (the ``q_t`` of :func:`mase_score`), with ``__key`` naming
    the row's series and cutoff; NaN where the series' scale is 0 or undefined."""
    models = _models(df, models)
    if "cutoff" in df.columns:
        cutoff = pd.to_datetime(df["cutoff"])
    else:
        cutoff = pd.Series(pd.to_datetime(train[DS_COL]).max(), index=df.index)
    scales = seasonal_naive_scales(train, cutoff.unique(), season_length, freq, y_col)
    key = pd.MultiIndex.from_arrays([df[ID_COL], cutoff])
    s = pd.Series(scales["scale"].to_numpy(), index=pd.MultiIndex.from_arrays([scales[ID_COL], scales["cutoff"]]))
    s = s.reindex(key).to_numpy(float, copy=True)
    s[s == 0] = np.nan
    y = df[y_col].to_numpy(float)
    err = pd.DataFrame({m: np.abs(df[m].to_numpy(float) - y) / s for m in models}, index=df.index)
    err["__key"] = df[ID_COL].astype(str).to_numpy() + "|" + cutoff.astype(str).to_numpy()
    return err


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
