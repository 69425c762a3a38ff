"""Japanese holidays, payday and the channel day factors."""
from datetime import date

import pytest

from ltvzaiko_tasks.world.calendar import EC, STORE, build_calendar, payday_of
from ltvzaiko_tasks.world.jp_holidays import holiday_name, japanese_holidays


def test_2025_holidays_match_the_cabinet_office_list():
    expected = ["2025-01-01", "2025-01-13", "2025-02-11", "2025-02-23", "2025-02-24", "2025-03-20", "2025-04-29",
                "2025-05-03", "2025-05-04", "2025-05-05", "2025-05-06", "2025-07-21", "2025-08-11", "2025-09-15",
                "2025-09-23", "2025-10-13", "2025-11-03", "2025-11-23", "2025-11-24"]
    assert [d.isoformat() for d in japanese_holidays(2025)] == expected


def test_rules_for_substitute_citizens_and_special_holidays():
    assert holiday_name(date(2026, 9, 22)) == "国民の休日"      # between 敬老の日 and 秋分の日
    assert holiday_name(date(2025, 11, 24)) == "振替休日"       # 勤労感謝の日 on a Sunday
    assert holiday_name(date(2019, 5, 1)) == "天皇の即位の日"
    assert holiday_name(date(2019, 4, 30)) == "国民の休日"
    assert holiday_name(date(2021, 7, 23)) == "スポーツの日"     # Olympic shift
    assert holiday_name(date(2018, 12, 23)) == "天皇誕生日" and holiday_name(date(2020, 12, 23)) is None
    assert holiday_name(date(2027, 3, 21)) == "春分の日" and holiday_name(date(2027, 3, 22)) == "振替休日"
    assert holiday_name(date(2025, 6, 10)) is None
    with pytest.raises(ValueError):
        japanese_holidays(1970)


def test_payday_moves_back_over_weekends_and_holidays():
    assert payday_of(2025, 4) == date(2025, 4, 25)     # Friday
    assert payday_of(2025, 5) == date(2025, 5, 23)     # 25th is a Sunday
    assert payday_of(2025, 1) == date(2025, 1, 24)     # Saturday


def test_channel_factors_follow_the_retail_calendar():
    cal = build_calendar(date(2025, 4, 1), 0, 400)
    f = lambda d, ch: cal.factor((d - date(2025, 4, 1)).days)[ch]  # noqa: E731
    assert f(date(2026, 1, 1), STORE) < f(date(2026, 1, 2), STORE) / 2   # 元日 quiet, then 初売り
    assert f(date(2026, 1, 2), STORE) > 1.8                        # 初売り
    assert f(date(2025, 4, 5), STORE) > 1.4 * f(date(2025, 4, 8), STORE)   # Saturday vs Tuesday
    assert f(date(2025, 5, 5), STORE) > f(date(2025, 5, 12), STORE)        # Golden Week holiday vs Monday
    assert f(date(2025, 12, 14), STORE) > f(date(2026, 2, 15), STORE)      # December peak vs February lull
    assert f(date(2025, 4, 6), EC) > f(date(2025, 4, 4), EC)               # EC peaks on Sunday
    assert cal.payday[(date(2025, 5, 23) - date(2025, 4, 1)).days]
    assert 0.9 < cal.factors[:, :365].mean() < 1.1
