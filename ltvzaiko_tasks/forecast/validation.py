"""Checks on the long input tables; every message says how to fix the problem."""
from __future__ import annotations

import numpy as np
import pandas as pd
from pandas.api.types import is_bool_dtype, is_numeric_dtype

from .constants import CENSORED_COL, DS_COL, ID_COL, Y_COL, Freq
from .errors import ForecastInputError, examples


def require_columns(df: pd.DataFrame, required, what: str, hint: str = "") -> None:
    if not isinstance(df, pd.DataFrame):
        raise ForecastInputError(f"{what} must be a pandas DataFrame in long format "
                                 f"({ID_COL}, {DS_COL}, ...), got {type(df).__name__}")
    missing = [c for c in required if c not in df.columns]
    if missing:
        renames = {"unique_id": ID_COL, "date": DS_COL, "qty": Y_COL, "quantity": Y_COL, "sales": Y_COL}
        guesses = [f"{c!r} -> {renames[c]!r}" for c in df.columns if c in renames and renames[c] in missing]
        guess = f" Perhaps rename {', '.join(guesses)} (df.rename(columns={{...}}))." if guesses else ""
        raise ForecastInputError(
            f"{what} is missing column(s) {examples(missing)}; it has {examples(list(df.columns), 12)}.{guess}"
            + (f" {hint}" if hint else ""))


def to_days(ds: pd.Series, freq: Freq, what: str) -> np.ndarray:
    """``ds`` as ``datetime64[D]``, refusing times of day, time zones and (weekly) mixed weekdays."""
    try:
        values = pd.to_datetime(ds)
    except (ValueError, TypeError) as exc:
        raise ForecastInputError(f"{what}: column {DS_COL!r} could not be read as dates ({exc}); "
                                 "convert it with pd.to_datetime(df['ds'], format=...) first") from None
    if getattr(values.dt, "tz", None) is not None:
        raise ForecastInputError(f"{what}: {DS_COL!r} is timezone-aware; use local business dates, e.g. "
                                 "df['ds'] = df['ds'].dt.tz_convert('Asia/Tokyo').dt.tz_localize(None).dt.normalize()")
    if values.isna().any():
        bad = ds[values.isna()].index[:5].tolist()
        raise ForecastInputError(f"{what}: {int(values.isna().sum())} row(s) have no date in {DS_COL!r} "
                                 f"(index {examples(bad)}); drop or fix them")
    raw = values.to_numpy().astype("datetime64[us]")
    days = raw.astype("datetime64[D]")
    if (raw != days.astype("datetime64[us]")).any():
        bad = values[raw != days.astype("datetime64[us]")].iloc[:3].tolist()
        raise ForecastInputError(
            f"{what}: {DS_COL!r} has times of day (e.g. {examples(bad)}) but freq={freq.value!r} needs one row per "
            f"{'day' if freq is Freq.DAILY else 'week'}; aggregate first, e.g. "
            "df.assign(ds=df['ds'].dt.normalize()).groupby(['series_id', 'ds'], as_index=False).sum()")
    if freq is Freq.WEEKLY and days.size:
        weekday = (days.astype(np.int64) + 3) % 7
        if np.unique(weekday).size > 1:
            names = np.array(["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"])
            found = names[np.unique(weekday)].tolist()
            raise ForecastInputError(
                f"{what}: freq='W' needs every {DS_COL!r} on the same weekday, found {examples(found)}; resample "
                "to one row per week, e.g. df.groupby(['series_id', pd.Grouper(key='ds', freq='W-MON', "
                "label='left', closed='left')]).sum().reset_index()")
    return days


def check_unique_keys(codes: np.ndarray, days: np.ndarray, ids: np.ndarray, what: str) -> None:
    key = pd.DataFrame({"c": codes, "d": days})
    dup = key.duplicated(keep=False).to_numpy()
    if dup.any():
        example = [f"({ids[i]!r}, {str(days[i])})" for i in np.flatnonzero(dup)[:3]]
        raise ForecastInputError(
            f"{what} has {int(dup.sum())} rows with a duplicate ({ID_COL}, {DS_COL}) pair, e.g. {', '.join(example)}; "
            "give each series one row per date, e.g. aggregate channels or stores with "
            "df.groupby(['series_id', 'ds'], as_index=False).agg({'y': 'sum', 'price': 'mean'}), "
            "or make them separate series by putting the store into series_id")


def numeric_column(df: pd.DataFrame, col: str, what: str, role: str) -> np.ndarray:
    s = df[col]
    if is_bool_dtype(s):
        return s.astype(np.float64).to_numpy()
    if not is_numeric_dtype(s):
        raise ForecastInputError(
            f"{what}: column {col!r} ({role}) has dtype {s.dtype} but features must be numeric; encode it "
            f"(e.g. df[{col!r}].astype('category').cat.codes or one-hot columns), declare a group label in "
            "ForecastConfig(hierarchy=(...)), or drop it / pass ForecastConfig(exogenous=(...)) to list the "
            "feature columns explicitly")
    return s.to_numpy(dtype=np.float64, na_value=np.nan)


def target_and_censoring(df: pd.DataFrame, what: str) -> tuple[np.ndarray, np.ndarray]:
    """``y`` as float and the ``censored`` flag (all False when the column is absent)."""
    if CENSORED_COL in df.columns:
        c = df[CENSORED_COL]
        if c.isna().any():
            raise ForecastInputError(f"{what}: column {CENSORED_COL!r} has {int(c.isna().sum())} missing values; "
                                     "it must be True (stock-out: demand not observed) or False for every row")
        try:
            censored = c.astype(bool).to_numpy()
        except (TypeError, ValueError):
            raise ForecastInputError(
                f"{what}: column {CENSORED_COL!r} must be boolean (True on stock-out days)") from None
    else:
        censored = np.zeros(len(df), dtype=bool)
    try:
        y = pd.to_numeric(df[Y_COL]).to_numpy(dtype=np.float64, na_value=np.nan)
    except (TypeError, ValueError):
        raise ForecastInputError(f"{what}: column {Y_COL!r} must be numeric demand (units sold); "
                                 "convert it with pd.to_numeric(df['y'])") from None
    unobserved = np.isnan(y) & ~censored
    if unobserved.any():
        raise ForecastInputError(
            f"{what}: {int(unobserved.sum())} row(s) have no {Y_COL!r} value; set y to 0 for days without sales, "
            f"or mark days whose demand was not observed (stock-outs) with {CENSORED_COL}=True, or drop the rows")
    if np.isinf(y).any():
        raise ForecastInputError(f"{what}: {Y_COL!r} has infinite values; fix or drop those rows")
    if (y[~np.isnan(y)] < 0).any():
        n = int((y < 0).sum())
        raise ForecastInputError(
            f"{what}: {n} row(s) have negative {Y_COL!r} (returns?); demand must be >= 0: net returns out "
            "upstream or clip with df['y'] = df['y'].clip(lower=0)")
    return y, censored
