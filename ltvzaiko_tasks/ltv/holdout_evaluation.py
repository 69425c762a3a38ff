"""Calibration / hold-out evaluation of a fitted BG/NBD model (predicted vs actual repeat purchases).

The first check of a "buy till you die" model (Fader, Hardie & Lee 2005a, Fig. 4): fit on a calibration
period, predict each customer's purchases in the hold-out period that follows, and compare the averages of
predicted and actual purchases *by the number of repeat purchases in the calibration period* (0, 1, ...,
7+). A model that is right follows the diagonal in every bucket, including the zero bucket (customers who
never came back yet) and the heavy buyers.

Input: one row per customer with the calibration summary (``frequency``, ``recency``, ``T``, model time
units) and ``frequency_holdout`` (purchases after the calibration end), as built by
:func:`~ltvzaiko_tasks.ltv.summary.summarise_calibration_holdout` (which adds ``duration_holdout``) or by
:func:`~ltvzaiko_tasks.ltv.simulate.simulate_bgnbd` with ``holdout_length`` (pass ``duration_holdout``).

Usage::

    cal = summarise_calibration_holdout(tx, "customer_key", "sales_date", "2025-09-28", "2026-03-29")
    bg = BetaGeoModel().fit(cal["frequency"], cal["recency"], cal["T"])
    plot_data = calibration_vs_holdout(bg, cal)          # one row per frequency bucket
    metrics = calibration_holdout_metrics(bg, cal)       # dict of error figures
"""
from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ._inputs import as_float_array, check_frequency
from .bgnbd import BetaGeoModel

DEFAULT_MAX_FREQUENCY = 7
"""Calibration frequencies from this value up are pooled into one bucket (``"7+"``), as in FHL (2005a)."""


def holdout_predictions(bgnbd: BetaGeoModel, calibration_holdout: pd.DataFrame, *,
                        duration_holdout: Any = None) -> pd.DataFrame:
    """Per-customer predicted and actual hold-out purchases.

    Args:
        bgnbd: a model fitted on the calibration columns (same time unit).
        calibration_holdout: ``frequency``, ``recency``, ``T`` and ``frequency_holdout`` per customer, plus
            ``duration_holdout`` unless given as an argument.
        duration_holdout: hold-out length in model time units (scalar or one per customer); default the
            ``duration_holdout`` column.

    Returns:
        DataFrame on the input's index: ``frequency``, ``frequency_holdout``, ``duration_holdout``,
        ``p_alive`` (at the calibration end), ``predicted_holdout`` (E[purchases in the hold-out | history],
        FHL 2005a eq. 10) and ``naive_holdout`` (the customer's calibration repeat rate ``frequency / T``
        carried on: the baseline a model has to beat; 0 when T = 0).
    """
    missing = [c for c in ("frequency", "recency", "T", "frequency_holdout") if c not in calibration_holdout]
    if missing:
        raise ValueError(f"calibration_holdout lacks columns {missing}; build it with "
                         "summarise_calibration_holdout() or simulate_bgnbd(..., holdout_length=...)")
    if duration_holdout is None:
        if "duration_holdout" not in calibration_holdout:
            raise ValueError("no hold-out length: pass duration_holdout= or give a 'duration_holdout' column")
        duration_holdout = calibration_holdout["duration_holdout"].to_numpy()
    x = calibration_holdout["frequency"].to_numpy(dtype=np.float64)
    t_x = calibration_holdout["recency"].to_numpy(dtype=np.float64)
    T = calibration_holdout["T"].to_numpy(dtype=np.float64)
    actual = as_float_array("frequency_holdout", calibration_holdout["frequency_holdout"])
    check_frequency("frequency_holdout", actual)
    duration = np.broadcast_to(as_float_array("duration_holdout", duration_holdout), x.shape).astype(np.float64)
    if np.any(duration < 0):
        raise ValueError("duration_holdout must be >= 0 (model time units after the calibration end)")
    p_alive = np.asarray(bgnbd.probability_alive(x, t_x, T), dtype=np.float64)
    predicted = np.asarray(bgnbd.expected_purchases(duration, x, t_x, T), dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        naive = np.where(T > 0, x / np.where(T > 0, T, 1.0) * duration, 0.0)
    return pd.DataFrame({
        "frequency": x.astype(np.int64),
        "frequency_holdout": actual.astype(np.int64),
        "duration_holdout": duration,
        "p_alive": p_alive,
        "predicted_holdout": predicted,
        "naive_holdout": naive,
    }, index=calibration_holdout.index)


def calibration_vs_holdout(bgnbd: BetaGeoModel, calibration_holdout: pd.DataFrame, *,
                           duration_holdout: Any = None,
                           max_frequency: int = DEFAULT_MAX_FREQUENCY) -> pd.DataFrame:
    """Mean predicted vs actual hold-out purchases by calibration-period frequency: the plot's data.

    Args:
        bgnbd, calibration_holdout, duration_holdout: as in :func:`holdout_predictions`.
        max_frequency: frequencies >= this are pooled into the last bucket (default 7, labelled ``"7+"``).

    Returns:
        One row per bucket in order (tidy: plot ``frequency_bucket`` on x, ``actual_holdout_purchases`` and
        ``predicted_holdout_purchases`` as two lines): ``frequency_bucket`` (str ``"0"``, ``"1"``, ...,
        ``"7+"``), ``frequency_min`` (int), ``n_customers``, ``actual_holdout_purchases`` and
        ``predicted_holdout_purchases`` (means per customer), ``actual_total``, ``predicted_total``,
        ``error`` (predicted - actual mean), ``relative_error`` (error / actual mean; NaN when 0),
        ``mean_p_alive``, ``naive_holdout_purchases`` (mean of the naive rule of :func:`holdout_predictions`,
        "everyone keeps buying at their calibration rate", for a third line). All buckets 0 .. ``max_frequency`` are returned, empty ones with 0 customers and
        NaN means, so every plot has the same x axis.
    """
    max_frequency = _check_max_frequency(max_frequency)
    pred = holdout_predictions(bgnbd, calibration_holdout, duration_holdout=duration_holdout)
    return _by_bucket(pred, max_frequency)


def calibration_holdout_metrics(bgnbd: BetaGeoModel, calibration_holdout: pd.DataFrame, *,
                                duration_holdout: Any = None,
                                max_frequency: int = DEFAULT_MAX_FREQUENCY) -> dict[str, float]:
    """Error figures of the hold-out prediction, for the report and for monitoring.

    Returns:
        dict (JSON-ready floats/ints):

        * ``n_customers``, ``mean_duration_holdout`` (model time units), ``mean_p_alive``;
        * ``actual_total``, ``predicted_total``, ``total_relative_error`` (predicted / actual - 1: the
          aggregate bias, the figure a planner feels);
        * ``customer_mae``, ``customer_rmse``, ``customer_bias`` (mean predicted - actual per customer),
          ``customer_correlation`` (Pearson, predicted vs actual);
        * ``bucket_mae`` (mean over non-empty buckets of |predicted - actual| means) and ``bucket_wape``
          (sum over buckets of |predicted - actual| totals / actual total): the calibration plot in numbers;
        * ``naive_customer_mae``, ``naive_customer_rmse``, ``naive_total_relative_error``: the same for the
          baseline "each customer keeps buying at their calibration rate" (:func:`holdout_predictions`).
    """
    max_frequency = _check_max_frequency(max_frequency)
    pred = holdout_predictions(bgnbd, calibration_holdout, duration_holdout=duration_holdout)
    actual = pred["frequency_holdout"].to_numpy(dtype=np.float64)
    predicted = pred["predicted_holdout"].to_numpy()
    naive = pred["naive_holdout"].to_numpy()
    n = actual.size
    if n == 0:
        raise ValueError("no customers to evaluate")
    buckets = _by_bucket(pred, max_frequency)
    filled = buckets[buckets["n_customers"] > 0]
    actual_total = float(actual.sum())

    def rel(total: float) -> float:
        return float(total / actual_total - 1.0) if actual_total > 0 else float("nan")

    def corr(u: np.ndarray, v: np.ndarray) -> float:
        if n < 2 or np.std(u) == 0 or np.std(v) == 0:
            return float("nan")
        return float(np.corrcoef(u, v)[0, 1])

    return {
        "n_customers": int(n),
        "mean_duration_holdout": float(pred["duration_holdout"].mean()),
        "mean_p_alive": float(pred["p_alive"].mean()),
        "actual_total": actual_total,
        "predicted_total": float(predicted.sum()),
        "total_relative_error": rel(float(predicted.sum())),
        "customer_mae": float(np.mean(np.abs(predicted - actual))),
        "customer_rmse": float(np.sqrt(np.mean((predicted - actual) ** 2))),
        "customer_bias": float(np.mean(predicted - actual)),
        "customer_correlation": corr(predicted, actual),
        "bucket_mae": float(np.mean(np.abs(filled["error"]))),
        "bucket_wape": (float(np.abs(filled["predicted_total"] - filled["actual_total"]).sum() / actual_total)
                        if actual_total > 0 else float("nan")),
        "naive_customer_mae": float(np.mean(np.abs(naive - actual))),
        "naive_customer_rmse": float(np.sqrt(np.mean((naive - actual) ** 2))),
        "naive_total_relative_error": rel(float(naive.sum())),
    }


def _check_max_frequency(max_frequency: Any) -> int:
    if int(max_frequency) != max_frequency or max_frequency < 1:
        raise ValueError(f"max_frequency must be a whole number >= 1, got {max_frequency!r}")
    return int(max_frequency)


def _by_bucket(pred: pd.DataFrame, max_frequency: int) -> pd.DataFrame:
    bucket = np.minimum(pred["frequency"].to_numpy(), max_frequency)
    n_buckets = max_frequency + 1
    counts = np.bincount(bucket, minlength=n_buckets).astype(np.int64)
    actual_total = np.bincount(bucket, weights=pred["frequency_holdout"].to_numpy(dtype=np.float64),
                               minlength=n_buckets)
    predicted_total = np.bincount(bucket, weights=pred["predicted_holdout"].to_numpy(), minlength=n_buckets)
    alive_total = np.bincount(bucket, weights=pred["p_alive"].to_numpy(), minlength=n_buckets)
    naive_total = np.bincount(bucket, weights=pred["naive_holdout"].to_numpy(), minlength=n_buckets)
    with np.errstate(divide="ignore", invalid="ignore"):
        actual_mean = np.where(counts > 0, actual_total / counts, np.nan)
        predicted_mean = np.where(counts > 0, predicted_total / counts, np.nan)
        error = predicted_mean - actual_mean
        relative = np.where(actual_mean > 0, error / actual_mean, np.nan)
        mean_alive = np.where(counts > 0, alive_total / counts, np.nan)
        naive_mean = np.where(counts > 0, naive_total / counts, np.nan)
    labels = [str(k) for k in range(max_frequency)] + [f"{max_frequency}+"]
    return pd.DataFrame({
        "frequency_bucket": labels,
        "frequency_min": np.arange(n_buckets, dtype=np.int64),
        "n_customers": counts,
        "actual_holdout_purchases": actual_mean,
        "predicted_holdout_purchases": predicted_mean,
        "actual_total": actual_total,
        "predicted_total": predicted_total,
        "error": error,
        "relative_error": relative,
        "mean_p_alive": mean_alive,
        "naive_holdout_purchases": naive_mean,
    })
