from datetime import datetime, timezone

import pytest

from ltvzaiko_tasks.stages.run_context import date_range, resolve_window
from ltvzaiko_tasks.orchestration.dag_runner import logical_date_for


def test_scheduled_run_processes_previous_jst_day():
    # 06:00 JST on 2 April is 21:00 UTC on 1 April; the run loads business date 1 April
    w = resolve_window({}, datetime(2025, 4, 1, 21, 0, tzinfo=timezone.utc))
    assert w.dates == ["2025-04-01"]


def test_conf_business_date_wins_over_logical_date():
    w = resolve_window({"business_date": "2025-05-05", "landing_dir": "/x"},
                       datetime(2025, 4, 1, 21, tzinfo=timezone.utc))
    assert w.dates == ["2025-05-05"] and str(w.landing_dir) == "/x"


def test_backfill_window_is_inclusive_and_ordered():
    w = resolve_window({"date_from": "2025-04-29", "date_to": "2025-05-02"}, None)
    assert w.dates == ["2025-04-29", "2025-04-30", "2025-05-01", "2025-05-02"]


def test_bad_dates_are_rejected_clearly():
    with pytest.raises(ValueError, match="YYYY-MM-DD"):
        resolve_window({"business_date": "1/4/2025"}, None)
    with pytest.raises(ValueError, match="before it starts"):
        date_range("2025-04-02", "2025-04-01")


def test_cli_runs_use_the_scheduled_logical_date():
    assert logical_date_for("2025-04-01") == "2025-04-02T06:00:00+09:00"
