"""Japanese public holidays (国民の祝日), computed from the rules of the Holidays Act.

Rules implemented: fixed-date holidays, Happy Monday holidays (nth Monday of a month), the vernal and
autumnal equinox days (astronomical approximation valid 1980-2099), substitute holidays (振替休日: a holiday on
a Sunday moves to the next non-holiday), citizens' holidays (国民の休日: a day between two holidays), the
Emperor's Birthday change in 2019/2020 and the Olympic shifts of 2020 and 2021.
"""
from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache


def _nth_monday(year: int, month: int, n: int) -> date:
    first = date(year, month, 1)
    offset = (7 - first.weekday()) % 7  # days to the first Monday
    return first + timedelta(days=offset + 7 * (n - 1))


def vernal_equinox_day(year: int) -> int:
    """Day of March of 春分の日 (1980-2099)."""
    return int(20.8431 + 0.242194 * (year - 1980) - (year - 1980) // 4)


def autumnal_equinox_day(year: int) -> int:
    """Day of September of 秋分の日 (1980-2099)."""
    return int(23.2488 + 0.242194 * (year - 1980) - (year - 1980) // 4)


def _statutory(year: int) -> dict[date, str]:
    h: dict[date, str] = {
        date(year, 1, 1): "元日",
        _nth_monday(year, 1, 2): "成人の日",
        date(year, 2, 11): "建国記念の日",
        date(year, 3, vernal_equinox_day(year)): "春分の日",
        date(year, 4, 29): "昭和の日",
        date(year, 5, 3): "憲法記念日",
        date(year, 5, 4): "みどりの日",
        date(year, 5, 5): "こどもの日",
        _nth_monday(year, 9, 3): "敬老の日",
        date(year, 9, autumnal_equinox_day(year)): "秋分の日",
        date(year, 11, 3): "文化の日",
        date(year, 11, 23): "勤労感謝の日",
    }
    if year >= 2020:
        h[date(year, 2, 23)] = "天皇誕生日"
    elif year <= 2018:
        h[date(year, 12, 23)] = "天皇誕生日"
    if year == 2019:
        h[date(2019, 5, 1)] = "天皇の即位の日"
        h[date(2019, 10, 22)] = "即位礼正殿の儀の行われる日"
    special = {2020: (date(2020, 7, 23), date(2020, 7, 24), date(2020, 8, 10)),
               2021: (date(2021, 7, 22), date(2021, 7, 23), date(2021, 8, 8))}
    if year in special:
        marine, sports, mountain = special[year]
    else:
        marine, sports, mountain = _nth_monday(year, 7, 3), _nth_monday(year, 10, 2), date(year, 8, 11)
    h[marine] = "海の日"
    h[sports] = "スポーツの日" if year >= 2020 else "体育の日"
    if year >= 2016:
        h[mountain] = "山の日"
    return h


@lru_cache(maxsize=None)
def japanese_holidays(year: int) -> dict[date, str]:
    """Every public holiday of ``year`` with its Japanese name, substitute and citizens' holidays included."""
    if not 1980 <= year <= 2099:
        raise ValueError(f"Japanese holidays are computed for 1980-2099, not {year}")
    h = _statutory(year)
    # 国民の休日: a weekday squeezed between two holidays
    for d in sorted(h):
        between = d + timedelta(days=1)
        if between not in h and (d + timedelta(days=2)) in h and between.weekday() != 6:
            h[between] = "国民の休日"
    # 振替休日: a holiday on Sunday moves to the next day that is not a holiday
    for d in sorted(h):
        if d.weekday() == 6 and h[d] != "振替休日":
            sub = d + timedelta(days=1)
            while sub in h:
                sub += timedelta(days=1)
            h[sub] = "振替休日"
    return dict(sorted(h.items()))


def holiday_name(d: date) -> str | None:
    """The holiday's name, or None on an ordinary day."""
    return japanese_holidays(d.year).get(d)
