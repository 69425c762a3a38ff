"""Japanese public holidays (国民の祝日) and retail periods, computed from the rules of the law.

Written from the rules of the 国民の祝日に関する法律 and its amendments, for the years 1990-2099:

* fixed-date holidays, with the dates they moved: the emperor's birthday (Dec 23 in 1989-2018, Feb 23 from
  2020, none in 2019), Apr 29 (みどりの日 until 2006, 昭和の日 from 2007), May 4 (みどりの日 from 2007),
  海の日 from 1996, 山の日 from 2016;
* Happy Monday rules (from 2000: 成人の日 and 体育の日/スポーツの日 on the 2nd Monday of January / October;
  from 2003: 海の日 and 敬老の日 on the 3rd Monday of July / September);
* the vernal and autumnal equinox days by the standard formula (valid 1980-2099)::

      vernal   = floor(20.8431 + 0.242194 (Y - 1980)) - floor((Y - 1980) / 4)   (March)
      autumnal = floor(23.2488 + 0.242194 (Y - 1980)) - floor((Y - 1980) / 4)   (September)

* 振替休日 (substitute holiday): a holiday on a Sunday makes the next day a holiday (from 2007: the next day
  that is not itself a holiday);
* 国民の休日 (citizens' holiday): a day between two holidays that is not itself one and is not a Sunday
  (e.g. 2026-09-22, between 敬老の日 and 秋分の日);
* one-off days: 1990-11-12, 1993-06-09, 2019-05-01, 2019-10-22 and the Olympic moves of 2020/2021.

Retail periods are flags, not holidays: Golden Week (Apr 29 - May 5, stretched over adjoining weekends and
holidays), Obon (Aug 13-16) and the New Year break (Dec 29 - Jan 3, 年末年始). Payday is the 25th, moved to
the previous business day when the 25th is a weekend or holiday (the usual Japanese payroll practice).
"""
from __future__ import annotations

import datetime as dt
from functools import lru_cache
from typing import NamedTuple

import numpy as np
import pandas as pd

MIN_YEAR, MAX_YEAR = 1990, 2099


class JpHoliday(NamedTuple):
    date: dt.date
    name_ja: str
    name_en: str


def vernal_equinox_day(year: int) -> int:
    """Day of March of 春分の日 by the standard formula (valid 1980-2099)."""
    _check_year(year)
    return int(20.8431 + 0.242194 * (year - 1980)) - (year - 1980) // 4


def autumnal_equinox_day(year: int) -> int:
    """Day of September of 秋分の日 by the standard formula (valid 1980-2099)."""
    _check_year(year)
    return int(23.2488 + 0.242194 * (year - 1980)) - (year - 1980) // 4


def nth_weekday(year: int, month: int, weekday: int, n: int) -> dt.date:
    """The ``n``-th ``weekday`` (Monday = 0) of a month, e.g. the 2nd Monday of January."""
    first = dt.date(year, month, 1)
    offset = (weekday - first.weekday()) % 7
    return first + dt.timedelta(days=offset + 7 * (n - 1))


def _check_year(year: int) -> None:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise ValueError(f"Japanese holiday rules are implemented for {MIN_YEAR}-{MAX_YEAR}, got {year}; "
                         "pass calendar=False in ForecastConfig for dates outside that range")


def _national_holidays(year: int) -> dict[dt.date, tuple[str, str]]:
    """Holidays named by the law (before substitute and citizens' holidays are added)."""
    d = dt.date
    monday = 0
    h: dict[dt.date, tuple[str, str]] = {d(year, 1, 1): ("元日", "New Year's Day")}
    coming_of_age = nth_weekday(year, 1, monday, 2) if year >= 2000 else d(year, 1, 15)
    h[coming_of_age] = ("成人の日", "Coming of Age Day")
    h[d(year, 2, 11)] = ("建国記念の日", "National Foundation Day")
    if year >= 2020:
        h[d(year, 2, 23)] = ("天皇誕生日", "Emperor's Birthday")
    h[d(year, 3, vernal_equinox_day(year))] = ("春分の日", "Vernal Equinox Day")
    h[d(year, 4, 29)] = ("昭和の日", "Showa Day") if year >= 2007 else ("みどりの日", "Greenery Day")
    h[d(year, 5, 3)] = ("憲法記念日", "Constitution Memorial Day")
    if year >= 2007:
        h[d(year, 5, 4)] = ("みどりの日", "Greenery Day")
    h[d(year, 5, 5)] = ("こどもの日", "Children's Day")
    if year == 2020:
        marine = d(2020, 7, 23)
    elif year == 2021:
        marine = d(2021, 7, 22)
    elif year >= 2003:
        marine = nth_weekday(year, 7, monday, 3)
    elif year >= 1996:
        marine = d(year, 7, 20)
    else:
        marine = None
    if marine:
        h[marine] = ("海の日", "Marine Day")
    if year >= 2016:
        mountain = {2020: d(2020, 8, 10), 2021: d(2021, 8, 8)}.get(year, d(year, 8, 11))
        h[mountain] = ("山の日", "Mountain Day")
    aged = nth_weekday(year, 9, monday, 3) if year >= 2003 else d(year, 9, 15)
    h[aged] = ("敬老の日", "Respect for the Aged Day")
    h[d(year, 9, autumnal_equinox_day(year))] = ("秋分の日", "Autumnal Equinox Day")
    if year == 2020:
        sports = d(2020, 7, 24)
    elif year == 2021:
        sports = d(2021, 7, 23)
    elif year >= 2000:
        sports = nth_weekday(year, 10, monday, 2)
    else:
        sports = d(year, 10, 10)
    h[sports] = ("スポーツの日", "Sports Day") if year >= 2020 else ("体育の日", "Health and Sports Day")
    h[d(year, 11, 3)] = ("文化の日", "Culture Day")
    h[d(year, 11, 23)] = ("勤労感謝の日", "Labour Thanksgiving Day")
    if year <= 2018:
        h[d(year, 12, 23)] = ("天皇誕生日", "Emperor's Birthday")
    one_off = {
        d(1990, 11, 12): ("即位礼正殿の儀", "Enthronement Ceremony"),
        d(1993, 6, 9): ("皇太子徳仁親王の結婚の儀", "Crown Prince's Wedding"),
        d(2019, 5, 1): ("天皇の即位の日", "Emperor's Accession Day"),
        d(2019, 10, 22): ("即位礼正殿の儀", "Enthronement Ceremony"),
    }
    h.update({day: name for day, name in one_off.items() if day.year == year})
    return h


@lru_cache(maxsize=None)
def jp_holidays(year: int) -> tuple[JpHoliday, ...]:
    """All public holidays of a year, including 振替休日 and 国民の休日, sorted by date."""
    _check_year(year)
    named = _national_holidays(year)
    result = dict(named)
    # 振替休日: a named holiday on a Sunday moves the day off to the next weekday that is not a holiday
    # (before 2007: simply the next day, which was never a named holiday itself except May 4, a citizens' day).
    for day in sorted(named):
        if day.weekday() == 6:
            sub = day + dt.timedelta(days=1)
            if year >= 2007:
                while sub in named:
                    sub += dt.timedelta(days=1)
            if sub not in result:
                result[sub] = ("振替休日", "Substitute Holiday")
    # 国民の休日: a day sandwiched between two named holidays.
    for day in sorted(named):
        middle, after = day + dt.timedelta(days=1), day + dt.timedelta(days=2)
        if after in named and middle not in result and middle.weekday() != 6:
            result[middle] = ("国民の休日", "Citizens' Holiday")
    return tuple(JpHoliday(day, *result[day]) for day in sorted(result))


@lru_cache(maxsize=None)
def _holiday_days(start_year: int, end_year: int) -> np.ndarray:
    days = [h.date for year in range(start_year, end_year + 1) for h in jp_holidays(year)]
    return np.array(days, dtype="datetime64[D]")


def _as_days(dates) -> np.ndarray:
    return pd.DatetimeIndex(pd.to_datetime(dates)).values.astype("datetime64[D]")


def is_jp_holiday(dates) -> np.ndarray:
    """Boolean array: is each date a Japanese public holiday (including substitute / citizens' holidays)?"""
    days = _as_days(dates)
    if days.size == 0:
        return np.zeros(0, dtype=bool)
    years = days.astype("datetime64[Y]").astype(int) + 1970
    return np.isin(days, _holiday_days(int(years.min()), int(years.max())))


def is_offday(dates) -> np.ndarray:
    """Saturday, Sunday or a public holiday."""
    days = _as_days(dates)
    weekday = (days.astype(np.int64) + 3) % 7  # 1970-01-01 was a Thursday; Monday = 0
    return (weekday >= 5) | is_jp_holiday(days)


def _month_day(days: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    months = days.astype("datetime64[M]")
    return months.astype(int) % 12 + 1, (days - months).astype(int) + 1


def is_golden_week(dates) -> np.ndarray:
    """Apr 29 - May 5, stretched over weekends / holidays directly before or after it (e.g. May 6 substitute)."""
    days = _as_days(dates)
    month, day = _month_day(days)
    core = ((month == 4) & (day >= 29)) | ((month == 5) & (day <= 5))
    if days.size == 0:
        return core
    # Stretch over adjoining days off: at most 3 days either side (a weekend plus a substitute holiday).
    years = np.unique(days.astype("datetime64[Y]"))
    extra = []
    for year in years:
        start = np.datetime64(f"{year}-04-29", "D")
        end = np.datetime64(f"{year}-05-05", "D")
        probe = start - 1
        while is_offday([probe])[0] and start - probe <= 3:
            extra.append(probe)
            probe -= 1
        probe = end + 1
        while is_offday([probe])[0] and probe - end <= 3:
            extra.append(probe)
            probe += 1
    return core | np.isin(days, np.array(extra, dtype="datetime64[D]"))


def is_obon(dates) -> np.ndarray:
    """Obon holidays, Aug 13-16 (お盆休み)."""
    month, day = _month_day(_as_days(dates))
    return (month == 8) & (day >= 13) & (day <= 16)


def is_new_year_period(dates) -> np.ndarray:
    """The New Year break, Dec 29 - Jan 3 (年末年始)."""
    month, day = _month_day(_as_days(dates))
    return ((month == 12) & (day >= 29)) | ((month == 1) & (day <= 3))


def payday_dates(dates, payday: int = 25) -> np.ndarray:
    """For each date, the payday of its month: the ``payday``-th, or the business day before it if that is
    a weekend / holiday."""
    days = _as_days(dates)
    months = days.astype("datetime64[M]")
    pay = months.astype("datetime64[D]") + (payday - 1)
    for _ in range(7):  # at most a long weekend plus holidays to step back over
        off = is_offday(pay)
        if not off.any():
            break
        pay = np.where(off, pay - 1, pay)
    return pay


def is_payday(dates, payday: int = 25) -> np.ndarray:
    days = _as_days(dates)
    return days == payday_dates(days, payday)


def days_since_payday(dates, payday: int = 25) -> np.ndarray:
    """Days since the latest payday on or before each date (0 on payday)."""
    days = _as_days(dates)
    this_month = payday_dates(days, payday)
    prev_month = payday_dates(days.astype("datetime64[M]").astype("datetime64[D]") - 1, payday)
    latest = np.where(this_month <= days, this_month, prev_month)
    return (days - latest).astype(np.int64)
