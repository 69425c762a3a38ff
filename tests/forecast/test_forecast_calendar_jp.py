import datetime as dt

import pandas as pd
import pytest

from ltvzaiko_tasks.forecast import calendar_jp as jp
from ltvzaiko_tasks.forecast.calendar_features import calendar_frame


def days(year):
    return {h.date.isoformat(): h.name_en for h in jp.jp_holidays(year)}


@pytest.mark.parametrize("date, name", [
    ("2024-01-08", "Coming of Age Day"),       # 2nd Monday of January
    ("2024-02-12", "Substitute Holiday"),      # Feb 11 was a Sunday
    ("2024-03-20", "Vernal Equinox Day"),
    ("2024-05-06", "Substitute Holiday"),      # May 5 was a Sunday
    ("2024-07-15", "Marine Day"),              # 3rd Monday of July
    ("2024-08-12", "Substitute Holiday"),      # Mountain Day on a Sunday
    ("2024-09-16", "Respect for the Aged Day"),
    ("2024-09-22", "Autumnal Equinox Day"),
    ("2024-09-23", "Substitute Holiday"),
    ("2024-10-14", "Sports Day"),
    ("2024-11-04", "Substitute Holiday"),
    ("2025-02-24", "Substitute Holiday"),      # Emperor's Birthday (Feb 23) on a Sunday
    ("2025-05-06", "Substitute Holiday"),      # May 4 Sunday; May 5 already a holiday -> next free day
    ("2025-09-23", "Autumnal Equinox Day"),
    ("2025-11-24", "Substitute Holiday"),
    ("2026-01-12", "Coming of Age Day"),
    ("2026-03-20", "Vernal Equinox Day"),
    ("2026-05-06", "Substitute Holiday"),      # May 3 Sunday, May 4/5 holidays
    ("2026-09-21", "Respect for the Aged Day"),
    ("2026-09-22", "Citizens' Holiday"),       # between two holidays
    ("2026-09-23", "Autumnal Equinox Day"),
    ("2026-10-12", "Sports Day"),
])
def test_known_holidays_2024_2026(date, name):
    assert days(int(date[:4]))[date] == name


@pytest.mark.parametrize("year, count", [(2024, 21), (2025, 19), (2026, 18)])
def test_holiday_counts(year, count):
    assert len(jp.jp_holidays(year)) == count


def test_equinox_formula_and_happy_monday():
    assert [jp.vernal_equinox_day(y) for y in (2024, 2025, 2026, 2027)] == [20, 20, 20, 21]
    assert [jp.autumnal_equinox_day(y) for y in (2024, 2025, 2026, 2027)] == [22, 23, 23, 23]
    assert jp.nth_weekday(2025, 1, 0, 2) == dt.date(2025, 1, 13)
    assert jp.nth_weekday(2025, 9, 0, 3) == dt.date(2025, 9, 15)


def test_special_years():
    y2019, y2020, y2021 = days(2019), days(2020), days(2021)
    assert {"2019-04-30", "2019-05-01", "2019-05-02", "2019-10-22"} <= set(y2019)
    assert not any(d.endswith("12-23") or d.endswith("02-23") for d in y2019)  # no emperor's birthday in 2019
    assert y2020["2020-07-24"] == "Sports Day" and "2020-10-12" not in y2020
    assert y2021["2021-08-09"] == "Substitute Holiday"  # Olympic Mountain Day (Aug 8) on a Sunday
    assert days(2018)["2018-12-24"] == "Substitute Holiday"


def test_is_holiday_vectorised_and_ordinary_days():
    dates = pd.to_datetime(["2025-01-01", "2025-01-02", "2025-11-23", "2025-12-25", "2026-09-22"])
    assert jp.is_jp_holiday(dates).tolist() == [True, False, True, False, True]


def test_period_flags():
    gw = pd.date_range("2025-04-25", "2025-05-08")
    flagged = [d.strftime("%m-%d") for d, f in zip(gw, jp.is_golden_week(gw)) if f]
    assert flagged == ["04-29", "04-30", "05-01", "05-02", "05-03", "05-04", "05-05", "05-06"]
    assert jp.is_obon(pd.to_datetime(["2025-08-12", "2025-08-13", "2025-08-16", "2025-08-17"])).tolist() == [
        False, True, True, False]
    assert jp.is_new_year_period(pd.to_datetime(["2025-12-28", "2025-12-29", "2026-01-03", "2026-01-04"])).tolist() == [
        False, True, True, False]


def test_payday_moves_to_previous_business_day():
    # 2025-05-25 is a Sunday -> paid Friday 23rd; 2026-10-25 Sunday -> Friday 23rd; 2025-12-25 Thursday.
    paid = jp.payday_dates(pd.to_datetime(["2025-05-10", "2026-10-01", "2025-12-31"]))
    assert [str(d) for d in paid] == ["2025-05-23", "2026-10-23", "2025-12-25"]
    assert jp.days_since_payday(pd.to_datetime(["2025-05-26", "2025-05-22"])).tolist() == [3, 27]


def test_calendar_frame_daily_and_weekly():
    daily = calendar_frame(["2025-05-05", "2025-12-25"])
    assert daily.loc["2025-05-05", "cal_is_holiday"] == 1 and daily.loc["2025-05-05", "cal_golden_week"] == 1
    assert daily.loc["2025-12-25", "cal_is_payday"] == 1 and daily.loc["2025-12-25", "cal_dow"] == 3
    weekly = calendar_frame(["2025-04-28"], freq="W")  # Mon Apr 28 - Sun May 4
    assert weekly.iloc[0]["cal_n_holidays"] == 3 and weekly.iloc[0]["cal_golden_week_days"] == 6


def test_out_of_range_year_says_what_to_do():
    with pytest.raises(ValueError, match="calendar=False"):
        jp.jp_holidays(2150)
