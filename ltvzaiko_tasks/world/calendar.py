"""The retail calendar: how busy each channel is on each day, before campaigns.

A day's trip-rate factor per channel (store, ec, mall) is the product of

* the day of week (stores peak at weekends, EC on Sunday evening and Monday),
* the time of year (January sales, a February lull, the December peak),
* public holidays (a weekday holiday shops like a Sunday) and the big Japanese shopping periods:
  New Year (元日 quiet as many shops shut, 初売り on 2-3 January), Golden Week, Obon, the year-end rush,
* payday (給料日, the 25th, or the business day before when it falls on a weekend or holiday) and the
  summer and winter bonus weeks.

All factors are ground truth: they are written to the truth folder and never to the landing zone.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

from .jp_holidays import holiday_name

CHANNELS = ("store", "ec", "mall")
STORE, EC, MALL = 0, 1, 2

WEEKDAY_FACTORS = np.array([
    [0.82, 0.80, 0.85, 0.88, 0.98, 1.42, 1.35],  # store, Mon..Sun
    [1.05, 1.00, 0.97, 0.95, 0.92, 0.98, 1.13],  # ec
    [1.00, 0.98, 0.96, 0.95, 0.98, 1.03, 1.10],  # mall
])
MONTH_FACTORS = np.array([1.05, 0.78, 0.95, 1.00, 1.00, 0.92, 1.08, 0.90, 0.85, 0.95, 1.05, 1.35])
"""Apparel demand by month (anchored mid-month, interpolated in between)."""
MONTH_AMPLITUDE = np.array([1.0, 0.8, 0.8])
"""How strongly each channel follows the monthly curve."""

PAYDAY_LIFT = 1.10      # payday and the two days after
MONTH_END_LIFT = 1.04   # the rest of the month after payday
PRE_PAYDAY_DIP = 0.96   # 15th up to the day before payday
BONUS_LIFT = 1.05       # 1-10 July, 5-15 December


@dataclass(frozen=True)
class Calendar:
    """Day factors for days ``first_day .. first_day + n - 1`` (day 0 = the first business date)."""
    start: date
    first_day: int
    dates: list[date]
    weekday: np.ndarray          # 0 = Monday
    holiday: list[str]           # holiday name or ""
    event: list[str]             # shopping period name or ""
    payday: np.ndarray           # bool
    factors: np.ndarray          # [channel, day] trip-rate multiplier
    weekday_part: np.ndarray     # [channel, day]
    season_part: np.ndarray      # [channel, day]
    event_part: np.ndarray       # [channel, day] holidays, shopping periods, payday, bonus

    def index(self, day: int) -> int:
        i = day - self.first_day
        if not 0 <= i < len(self.dates):
            raise IndexError(f"day {day} is outside the calendar")
        return i

    def factor(self, day: int) -> np.ndarray:
        """Trip-rate factor of each channel on ``day``."""
        return self.factors[:, self.index(day)]

    def date_of(self, day: int) -> date:
        return self.start + timedelta(days=day)


def payday_of(year: int, month: int) -> date:
    """給料日: the 25th, moved back to the previous business day over weekends and holidays."""
    d = date(year, month, 25)
    while d.weekday() >= 5 or holiday_name(d):
        d -= timedelta(days=1)
    return d


def _month_curve(d: date) -> float:
    """Monthly factor interpolated linearly between mid-month anchors (periodic over the year)."""
    doy = d.timetuple().tm_yday - 1
    pos = (doy - 14.5) / (365.25 / 12)
    lo = int(np.floor(pos))
    frac = pos - lo
    return float(MONTH_FACTORS[lo % 12] * (1 - frac) + MONTH_FACTORS[(lo + 1) % 12] * frac)


def _event(d: date, holiday: str) -> tuple[str, np.ndarray]:
    """Shopping-period name and its multiplier per channel."""
    m, dd = d.month, d.day
    if m == 1 and dd == 1:  # street and department-store shops shut; mall tenants open with 初売り
        return "元日", np.array([0.45, 0.8, 0.9])
    if m == 1 and dd in (2, 3):
        return "初売り", np.array([2.0, 1.5, 1.4])
    if m == 12 and dd == 31:
        return "大晦日", np.array([0.6, 0.8, 0.85])
    if m == 12 and 20 <= dd <= 30:
        return "年末", np.array([1.15, 1.05, 1.05])
    if (m == 4 and dd >= 29) or (m == 5 and dd <= 5):
        return "ゴールデンウィーク", np.array([1.12, 0.95, 1.0])
    if m == 8 and 13 <= dd <= 16:
        return "お盆", np.array([1.15, 0.92, 0.95])
    return "", np.ones(3)


def build_calendar(start: date, first_day: int, n_days: int) -> Calendar:
    """Day factors from ``first_day`` (relative to ``start``) for ``n_days`` days."""
    dates = [start + timedelta(days=first_day + i) for i in range(n_days)]
    weekday = np.array([d.weekday() for d in dates], dtype=np.int8)
    holidays = [holiday_name(d) or "" for d in dates]
    events, paydays = [], np.zeros(n_days, dtype=bool)
    wk = np.empty((3, n_days))
    season = np.empty((3, n_days))
    event = np.empty((3, n_days))
    payday_cache: dict[tuple[int, int], date] = {}
    for i, d in enumerate(dates):
        # a weekday public holiday shops like a Sunday
        wk[:, i] = WEEKDAY_FACTORS[:, 6] if holidays[i] and d.weekday() < 5 else WEEKDAY_FACTORS[:, d.weekday()]
        season[:, i] = 1 + MONTH_AMPLITUDE * (_month_curve(d) - 1)
        name, mult = _event(d, holidays[i])
        events.append(name)
        key = (d.year, d.month)
        if key not in payday_cache:
            payday_cache[key] = payday_of(*key)
        pd_ = payday_cache[key]
        if d == pd_:
            paydays[i] = True
        if 0 <= (d - pd_).days <= 2:
            mult = mult * PAYDAY_LIFT
        elif (d - pd_).days > 2:
            mult = mult * MONTH_END_LIFT
        elif d.day >= 15:
            mult = mult * PRE_PAYDAY_DIP
        if (m := d.month) == 7 and d.day <= 10 or m == 12 and 5 <= d.day <= 15:
            mult = mult * BONUS_LIFT
        event[:, i] = mult
    factors = wk * season * event
    return Calendar(start=start, first_day=first_day, dates=dates, weekday=weekday, holiday=holidays, event=events,
                    payday=paydays, factors=factors, weekday_part=wk, season_part=season, event_part=event)
