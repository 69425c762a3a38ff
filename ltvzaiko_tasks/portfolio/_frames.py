"""Small input helpers shared by the portfolio modules (internal)."""
from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd


def require_columns(frame: pd.DataFrame, columns: list[str | None], what: str) -> None:
    missing = [c for c in columns if c is not None and c not in frame.columns]
    if missing:
        raise ValueError(f"{what} lack column(s) {missing}; columns are {list(frame.columns)}")


def day_numbers(values: pd.Series, name: str) -> np.ndarray:
    """Calendar day of each value (dates, timestamps or ISO strings) as int days since 1970-01-01.

    Time of day is ignored; tz-aware timestamps count by their local wall-clock date.
    """
    if pd.api.types.is_datetime64_any_dtype(values):
        dt = values
    else:
        try:
            dt = pd.to_datetime(values)
        except (ValueError, TypeError) as exc:
            raise ValueError(f"{name!r} could not be read as dates: {exc}") from None
    if dt.isna().any():
        raise ValueError(f"{int(dt.isna().sum())} row(s) have no {name!r}; drop or fix them first")
    if getattr(dt.dt, "tz", None) is not None:
        dt = dt.dt.tz_localize(None)
    return dt.to_numpy().astype("datetime64[D]").astype(np.int64)


def day_number(value: Any, name: str) -> int:
    ts = pd.Timestamp(value)
    if ts is pd.NaT:
        raise ValueError(f"{name} must be a date, got {value!r}")
    if ts.tzinfo is not None:
        ts = ts.tz_localize(None)
    return int(np.datetime64(ts.to_datetime64(), "D").astype(np.int64))


def as_date(day: int) -> pd.Timestamp:
    return pd.Timestamp(np.datetime64(int(day), "D"))


def numeric(frame: pd.DataFrame, column: str, what: str) -> np.ndarray:
    """``frame[column]`` as finite float64, refusing missing or non-numeric values."""
    values = pd.to_numeric(frame[column], errors="coerce").to_numpy(dtype=np.float64)
    if not np.all(np.isfinite(values)):
        bad = int(values.size - np.count_nonzero(np.isfinite(values)))
        raise ValueError(f"{what} column {column!r} has {bad} missing or non-numeric value(s); fix or drop them")
    return values


def safe_ratio(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    """numerator / denominator, NaN where the denominator is 0."""
    num = np.asarray(numerator, dtype=np.float64)
    den = np.asarray(denominator, dtype=np.float64)
    out = np.full(np.broadcast(num, den).shape, np.nan)
    np.divide(num, den, out=out, where=den != 0)
    return out
