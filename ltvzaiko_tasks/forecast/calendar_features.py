"""Calendar features of target dates (known in advance, so usable at any lead).

Computed once per unique date and gathered, so the cost does not grow with the number of series.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from . import calendar_jp as jp
from .constants import Freq, WeekLabel

DAILY_FEATURES = (
    "cal_dow", "cal_dom", "cal_month", "cal_week", "cal_is_weekend", "cal_is_holiday", "cal_is_offday",
    "cal_offday_tomorrow", "cal_golden_week", "cal_obon", "cal_new_year", "cal_is_payday",
    "cal_days_since_payday",
)
WEEKLY_FEATURES = (
    "cal_month", "cal_week", "cal_n_holidays", "cal_n_offdays", "cal_golden_week_days", "cal_obon_days",
    "cal_new_year_days", "cal_has_payday",
)


ANNUAL_FEATURES = ("cal_month", "cal_week")
"""The features that repeat once a year: only learnable from more than a year of history."""


def calendar_feature_names(freq: Freq, annual: bool = True) -> tuple[str, ...]:
    names = DAILY_FEATURES if freq is Freq.DAILY else WEEKLY_FEATURES
    return names if annual else tuple(n for n in names if n not in ANNUAL_FEATURES)


def _daily(days: np.ndarray) -> dict[str, np.ndarray]:
    idx = pd.DatetimeIndex(days)
    weekday = idx.day_of_week.to_numpy()
    holiday = jp.is_jp_holiday(days)
    offday = (weekday >= 5) | holiday
    return {
        "cal_dow": weekday,
        "cal_dom": idx.day.to_numpy(),
        "cal_month": idx.month.to_numpy(),
        "cal_week": idx.isocalendar().week.to_numpy(dtype=np.int64),
        "cal_is_weekend": weekday >= 5,
        "cal_is_holiday": holiday,
        "cal_is_offday": offday,
        "cal_offday_tomorrow": jp.is_offday(days + 1),
        "cal_golden_week": jp.is_golden_week(days),
        "cal_obon": jp.is_obon(days),
        "cal_new_year": jp.is_new_year_period(days),
        "cal_is_payday": jp.is_payday(days),
        "cal_days_since_payday": jp.days_since_payday(days),
    }


def _weekly(days: np.ndarray, week_label: WeekLabel) -> dict[str, np.ndarray]:
    first = days if week_label is WeekLabel.START else days - 6
    week_days = first[:, None] + np.arange(7)[None, :]
    flat = week_days.ravel()

    def count(flags: np.ndarray) -> np.ndarray:
        return flags.reshape(week_days.shape).sum(axis=1)

    mid = pd.DatetimeIndex(first + 3)
    return {
        "cal_month": mid.month.to_numpy(),
        "cal_week": mid.isocalendar().week.to_numpy(dtype=np.int64),
        "cal_n_holidays": count(jp.is_jp_holiday(flat)),
        "cal_n_offdays": count(jp.is_offday(flat)),
        "cal_golden_week_days": count(jp.is_golden_week(flat)),
        "cal_obon_days": count(jp.is_obon(flat)),
        "cal_new_year_days": count(jp.is_new_year_period(flat)),
        "cal_has_payday": count(jp.is_payday(flat)) > 0,
    }


def calendar_matrix(days: np.ndarray, freq: Freq, week_label: WeekLabel = WeekLabel.START,
                    annual: bool = True) -> np.ndarray:
    """Calendar features of each date in ``days`` (``datetime64[D]``), shape ``(len(days), n_features)``,
    columns in the order of ``calendar_feature_names(freq)``."""
    days = np.asarray(days, dtype="datetime64[D]")
    unique, inverse = np.unique(days, return_inverse=True)
    table = _daily(unique) if freq is Freq.DAILY else _weekly(unique, week_label)
    names = calendar_feature_names(freq, annual)
    out = np.column_stack([np.asarray(table[name], dtype=np.float32) for name in names])
    return out[inverse.ravel()]


def calendar_frame(dates, freq: Freq | str = Freq.DAILY, week_label: WeekLabel | str = WeekLabel.START) -> pd.DataFrame:
    """The calendar features as a readable frame indexed by date (for reports and debugging)."""
    freq, week_label = Freq(freq), WeekLabel(week_label)
    days = pd.DatetimeIndex(pd.to_datetime(dates)).values.astype("datetime64[D]")
    return pd.DataFrame(calendar_matrix(days, freq, week_label), columns=calendar_feature_names(freq),
                        index=pd.DatetimeIndex(days, name="ds"))
