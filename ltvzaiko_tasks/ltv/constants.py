"""Time units of the LTV models, as enums rather than loose strings.

Every quantity in :mod:`ltvzaiko_tasks.ltv` that is a time (recency, ``T``, a forecast horizon ``t``)
is a number of *model time units*; which unit that is is decided once, when the transaction log is
summarised (:func:`~ltvzaiko_tasks.ltv.summary.summarise_transactions`), and carried by
:class:`~ltvzaiko_tasks.ltv.config.LtvConfig`.
"""
from __future__ import annotations

from enum import StrEnum

DAYS_PER_YEAR = 365.25
"""Mean Gregorian year, used to convert months and annual rates."""


class TimeUnit(StrEnum):
    """A unit of time: the model's clock (``D``/``W``) or a discounting period (``D``/``W``/``M``)."""

    DAY = "D"
    WEEK = "W"
    MONTH = "M"
    """A mean calendar month, 365.25 / 12 = 30.4375 days (only as a discounting period)."""

    @property
    def days(self) -> float:
        return {"D": 1.0, "W": 7.0, "M": DAYS_PER_YEAR / 12.0}[self.value]

    def in_units_of(self, other: TimeUnit | str) -> float:
        """How many ``other`` units one ``self`` unit lasts, e.g. ``TimeUnit.MONTH.in_units_of("W")`` = 4.348."""
        return self.days / TimeUnit.parse(other).days

    @classmethod
    def parse(cls, value: TimeUnit | str) -> TimeUnit:
        try:
            return cls(str(value).upper())
        except ValueError:
            raise ValueError(
                f"unknown time unit {value!r}: use 'D' (days), 'W' (weeks) or 'M' (months, discounting only)"
            ) from None


SUMMARY_TIME_UNITS = (TimeUnit.DAY, TimeUnit.WEEK)
"""Units a transaction log can be summarised in (the model's clock)."""
