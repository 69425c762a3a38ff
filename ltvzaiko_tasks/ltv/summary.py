"""Transactions → one row per customer: frequency, recency, T and monetary value (the models' input).

Conventions (the standard ones of Fader, Hardie & Lee 2005a/b and of the usual BTYD tools):

* Time is counted in whole *time units*, ``"D"`` (calendar days) or ``"W"`` (weeks Monday-Sunday). All
  purchases of a customer within one unit are collapsed into one purchase whose value is their sum; so
  ``frequency`` counts *purchase units*, and same-day purchases always count once.
* ``frequency`` = distinct purchase units - 1 (repeat purchases; the first purchase starts the clock).
* ``recency`` = units from the first to the last purchase (0 for one-time buyers).
* ``T`` = units from the first purchase to ``observation_end``.
* ``monetary_value`` = mean value of the *repeat* purchases (the first is excluded, as the Gamma-Gamma model
  requires), 0 when frequency is 0.
"""
from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from .constants import SUMMARY_TIME_UNITS, TimeUnit

SUMMARY_COLUMNS = ("frequency", "recency", "T", "monetary_value")


def summarise_transactions(transactions: pd.DataFrame, customer_id_col: str, datetime_col: str,
                           monetary_col: str | None = None, observation_end: Any = None,
                           time_unit: TimeUnit | str = "W") -> pd.DataFrame:
    """Summarise a transaction log per customer for the BG/NBD and Gamma-Gamma models.

    Args:
        transactions: one row per transaction (or order line).
        customer_id_col: customer key column; must not be missing (filter anonymous sales first and report
            their share separately).
        datetime_col: purchase date or timestamp (strings are parsed); time of day is ignored.
        monetary_col: value column (e.g. net sales or gross margin in JPY); ``None`` for no
            ``monetary_value`` column.
        observation_end: last day observed, inclusive (date, string or Timestamp); transactions after it
            are ignored. Default: the day of the last transaction.
        time_unit: ``"D"`` (days) or ``"W"`` (weeks starting Monday): the unit of recency and T, and the
            granularity at which purchases are collapsed.

    Returns:
        DataFrame indexed by customer id (sorted) with ``frequency`` (int), ``recency`` and ``T`` (float, in
        ``time_unit``) and, with ``monetary_col``, ``monetary_value``.

    >>> tx = pd.DataFrame({"customer": ["a", "a", "a", "b"],
    ...                    "date": ["2025-01-06", "2025-01-06", "2025-01-20", "2025-01-13"],
    ...                    "jpy": [1000, 500, 3000, 800]})
    >>> summarise_transactions(tx, "customer", "date", "jpy", observation_end="2025-02-02",
    ...                        time_unit="W")  # doctest: +NORMALIZE_WHITESPACE
              frequency  recency    T  monetary_value
    customer
    a                 1      2.0  3.0          3000.0
    b                 0      0.0  2.0             0.0
    """
    unit = TimeUnit.parse(time_unit)
    if unit not in SUMMARY_TIME_UNITS:
        raise ValueError(f"time_unit must be 'D' or 'W' for a summary, got {unit.value!r}")
    needed = [customer_id_col, datetime_col] + ([monetary_col] if monetary_col is not None else [])
    missing = [c for c in needed if c not in transactions.columns]
    if missing:
        raise ValueError(f"transactions lack column(s) {missing}; columns are {list(transactions.columns)}")

    if len(transactions) == 0 and observation_end is None:
        raise ValueError("no transactions to summarise (and no observation_end to measure T against)")
    ids = transactions[customer_id_col]
    if ids.isna().any():
        raise ValueError(
            f"{int(ids.isna().sum())} transaction(s) have no {customer_id_col!r}: drop anonymous sales before "
            "summarising (and report their share), or map them to customers"
        )
    days = _day_numbers(transactions[datetime_col], datetime_col)
    end_day = int(days.max()) if observation_end is None else _day_number_of(observation_end,
                                                                             transactions[datetime_col])
    values = None
    if monetary_col is not None:
        values = pd.to_numeric(transactions[monetary_col], errors="coerce").to_numpy(dtype=np.float64)
        if not np.all(np.isfinite(values)):
            raise ValueError(f"{monetary_col!r} has missing or non-numeric values; fix or drop those rows first")

    keep = days <= end_day
    codes, customers = pd.factorize(ids[keep], sort=True)
    units = _unit_numbers(days[keep], unit)
    end_unit = int(_unit_numbers(np.array([end_day]), unit)[0])

    if codes.size == 0:
        columns = list(SUMMARY_COLUMNS if values is not None else SUMMARY_COLUMNS[:3])
        empty = pd.DataFrame({c: pd.Series(dtype=np.int64 if c == "frequency" else np.float64) for c in columns})
        empty.index.name = customer_id_col
        return empty

    # Sort by (customer, unit), collapse each customer's purchases within a unit into one (values summed).
    order = np.lexsort((units, codes))
    c, u = codes[order], units[order]
    new_unit = np.ones(c.size, dtype=bool)
    new_unit[1:] = (c[1:] != c[:-1]) | (u[1:] != u[:-1])
    c_unit, u_unit = c[new_unit], u[new_unit]
    # One row per customer: where the customer code changes among the collapsed units.
    starts = np.flatnonzero(np.r_[True, c_unit[1:] != c_unit[:-1]])
    ends = np.r_[starts[1:], c_unit.size] - 1
    first, last = u_unit[starts], u_unit[ends]
    n_units = ends - starts + 1

    out = pd.DataFrame(index=pd.Index(customers[c_unit[starts]], name=customer_id_col))
    out["frequency"] = (n_units - 1).astype(np.int64)
    out["recency"] = (last - first).astype(np.float64)
    out["T"] = (end_unit - first).astype(np.float64)
    if values is not None:
        unit_value = np.add.reduceat(values[keep][order], np.flatnonzero(new_unit))
        total = np.add.reduceat(unit_value, starts)
        freq = out["frequency"].to_numpy()
        out["monetary_value"] = np.where(freq > 0, (total - unit_value[starts]) / np.maximum(freq, 1), 0.0)
    return out


def summarise_calibration_holdout(transactions: pd.DataFrame, customer_id_col: str, datetime_col: str,
                                  calibration_end: Any, observation_end: Any, monetary_col: str | None = None,
                                  time_unit: TimeUnit | str = "W") -> pd.DataFrame:
    """Calibration summary up to ``calibration_end`` plus what each customer did afterwards.

    The first diagnostic of a fitted model is predicted vs actual purchases in a hold-out period: fit on the
    calibration columns, then compare ``BetaGeoModel.expected_purchases(duration_holdout, ...)`` with
    ``frequency_holdout``.

    Returns:
        The :func:`summarise_transactions` columns for the calibration period (customers whose first purchase
        is on or before ``calibration_end``), plus ``frequency_holdout`` (distinct purchase units strictly
        after the calibration end's unit, up to ``observation_end`` inclusive) and ``duration_holdout``
        (units from the calibration end's unit to the observation end's). With weekly units, choose a
        Sunday as ``calibration_end`` so no week is split.
    """
    unit = TimeUnit.parse(time_unit)
    calibration = summarise_transactions(transactions, customer_id_col, datetime_col, monetary_col,
                                         calibration_end, unit)
    dt = transactions[datetime_col]
    days = _day_numbers(dt, datetime_col)
    cal_day, end_day = _day_number_of(calibration_end, dt), _day_number_of(observation_end, dt)
    if end_day < cal_day:
        raise ValueError("observation_end must not be before calibration_end")
    cal_unit, end_unit = (int(v) for v in _unit_numbers(np.array([cal_day, end_day]), unit))
    units = _unit_numbers(days, unit)
    later = (units > cal_unit) & (days <= end_day)
    holdout = pd.DataFrame({"customer": transactions[customer_id_col].to_numpy()[later], "unit": units[later]})
    counts = holdout.drop_duplicates().groupby("customer").size()
    calibration["frequency_holdout"] = counts.reindex(calibration.index, fill_value=0).astype(np.int64)
    calibration["duration_holdout"] = float(end_unit - cal_unit)
    return calibration


# -- day and unit numbering ----------------------------------------------------------------------------------

def _to_datetime(values: pd.Series, name: str) -> pd.Series:
    if pd.api.types.is_datetime64_any_dtype(values):
        dt = values
    else:
        try:
            dt = pd.to_datetime(values)
        except (ValueError, TypeError) as exc:
            raise ValueError(f"{name!r} could not be read as dates: {exc}") from None
    if dt.isna().any():
        raise ValueError(f"{int(dt.isna().sum())} transaction(s) have no {name!r}; drop or fix them first")
    return dt


def _day_numbers(values: pd.Series, name: str) -> np.ndarray:
    """Calendar day of each timestamp (local wall-clock date for tz-aware ones) as days since 1970-01-01."""
    dt = _to_datetime(values, name)
    if getattr(dt.dt, "tz", None) is not None:
        dt = dt.dt.tz_localize(None)
    return dt.to_numpy().astype("datetime64[D]").astype(np.int64)


def _day_number_of(value: Any, column: pd.Series) -> int:
    ts = pd.Timestamp(value)
    if ts is pd.NaT:
        raise ValueError("observation/calibration end must be a date")
    if ts.tzinfo is not None:
        col_tz = getattr(column.dt, "tz", None) if pd.api.types.is_datetime64_any_dtype(column) else None
        ts = ts.tz_convert(col_tz).tz_localize(None) if col_tz is not None else ts.tz_localize(None)
    return int(np.datetime64(ts.to_datetime64(), "D").astype(np.int64))


def _unit_numbers(days: np.ndarray, unit: TimeUnit) -> np.ndarray:
    """Day numbers → unit numbers: days themselves, or Monday-based weeks (1970-01-01 was a Thursday)."""
    days = np.asarray(days, dtype=np.int64)
    if unit is TimeUnit.DAY:
        return days
    return np.floor_divide(days + 3, 7)
