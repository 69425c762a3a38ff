"""Names and modes of the forecaster, in one place (enums, not strings passed around)."""
from __future__ import annotations

from enum import StrEnum

ID_COL = "series_id"
DS_COL = "ds"
Y_COL = "y"
CENSORED_COL = "censored"
RESERVED_COLUMNS = (ID_COL, DS_COL, Y_COL, CENSORED_COL)
"""Columns with a fixed meaning in the long input table (like mlforecast's ``unique_id, ds, y``)."""


class Freq(StrEnum):
    """Time step of the series. Daily data must be midnight dates; weekly data one row per week."""

    DAILY = "D"
    WEEKLY = "W"

    @property
    def step_days(self) -> int:
        return 1 if self is Freq.DAILY else 7

    @property
    def default_season_length(self) -> int:
        return 7 if self is Freq.DAILY else 52


class MissingDates(StrEnum):
    """What a missing (series_id, ds) row inside a series' span means."""

    ERROR = "error"
    """Refuse the table and say which series have holes (the default: holes are usually an extract bug)."""
    ZERO = "zero"
    """A missing row is a day without sales: demand 0 (what most POS extracts mean)."""
    CENSORED = "censored"
    """A missing row is a day whose demand was not observed (treated like ``censored=True``)."""


class MeanObjective(StrEnum):
    """XGBoost objective of the mean model (see ``DemandForecaster`` for the choice)."""

    TWEEDIE = "reg:tweedie"
    POISSON = "count:poisson"
    SQUARED_ERROR = "reg:squarederror"


class WeekLabel(StrEnum):
    """For weekly data: is ``ds`` the first or the last day of the week it covers?"""

    START = "start"
    END = "end"
