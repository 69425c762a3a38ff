"""A multi-date window is gated in one suite run per source, and still names exactly the bad file and rule.

GX costs about the same per expectation whatever the rows, so the gate checks the rows of many files in one
run, every date-dependent rule against each row's own ``_business_date``; only a failing run is redone file
by file (so quarantine, audit and messages are those of a file checked alone).
"""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import psycopg
import pytest

from ltvzaiko_tasks.ingest.gate import QualityGateFailed, gate_source
from ltvzaiko_tasks.ingest.sources import EC_ORDERS, STORE_POS, Reference, Source
from ltvzaiko_tasks.quality.suites import expectations_for, window_expectations, window_frame

DATES = ["2025-04-01", "2025-04-02", "2025-04-03"]  # the tiny_landing world


@pytest.fixture(scope="module")
def runner():
    from ltvzaiko_tasks.quality.runner import SuiteRunner

    return SuiteRunner()


@pytest.fixture()
def calls(runner, monkeypatch):
    """Every ``runner.validate`` call as (subject, success)."""
    seen: list[tuple[str, bool]] = []
    validate = runner.validate

    def counting(*args, **kwargs):
        verdict = validate(*args, **kwargs)
        seen.append((verdict.subject, verdict.success))
        return verdict

    monkeypatch.setattr(runner, "validate", counting)
    return seen


@pytest.fixture()
def landing(tiny_landing, tmp_path) -> Path:
    out = tmp_path / "landing"
    shutil.copytree(tiny_landing, out)
    return out


@pytest.fixture()
def conn(warehouse):
    with psycopg.connect(warehouse.url) as c:
        yield c


def _gate(source, landing, tmp_path, conn, runner, dates=DATES):
    return gate_source(source, landing, dates, tmp_path / "work", tmp_path / "quarantine", conn,
                       run_id=f"w-{tmp_path.name}", runner=runner)


def _quarantined(tmp_path) -> list[str]:
    return sorted(p.name for p in (tmp_path / "quarantine").rglob("*") if p.is_file()
                  and not p.name.endswith(".reason.json"))


@pytest.mark.parametrize("source", [STORE_POS, EC_ORDERS], ids=lambda s: s.name)
def test_window_of_good_files_runs_the_suite_once(source, landing, conn, runner, calls, tmp_path):
    files = [f for d in DATES for f in source.files_for(landing, d)]
    assert len({f.parent.name for f in files}) == len(DATES)
    gate = _gate(source, landing, tmp_path, conn, runner)
    assert len(calls) == 1 and calls[0][1], calls
    assert [(a["business_date"], a["original"]) for a in gate.accepted] == [(f.parent.name, str(f)) for f in files]
    assert gate.quarantined == []


def test_bad_day_in_a_window_quarantines_exactly_that_file(landing, conn, runner, calls, tmp_path):
    bad = STORE_POS.files_for(landing, DATES[1])[0]
    lines = bad.read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    fields = lines[1].split(",")
    fields[header.index("sku_code")] = "NOSUCHSKU"
    lines[1] = ",".join(fields)
    bad.write_text("\n".join(lines) + "\n", encoding="utf-8")
    files = [f for d in DATES for f in STORE_POS.files_for(landing, d)]
    others = [f for f in files if f != bad]
    with pytest.raises(QualityGateFailed) as exc:
        _gate(STORE_POS, landing, tmp_path, conn, runner)
    message = str(exc.value)
    assert "failed for 1 file(s)" in message and bad.name in message
    assert "expect_column_values_to_be_in_set(sku_code)" in message and "NOSUCHSKU" in message
    assert _quarantined(tmp_path) == [bad.name] and all(f.exists() for f in others)
    # the window ran once, then each file alone to name the bad one
    assert [ok for _, ok in calls] == [False] + [f != bad for f in files]
    reason = json.loads((tmp_path / "quarantine" / "store_pos" / DATES[1] / (bad.name + ".reason.json")).read_text())
    assert [v["rule"] for v in reason["violations"]] == ["expect_column_values_to_be_in_set(sku_code)"]
    audit = conn.execute("select business_date::text, file_name, status from raw.load_audit where run_id = %s",
                         (f"w-{tmp_path.name}",)).fetchall()
    assert audit == [(DATES[1], bad.name, "quarantined")]


def test_a_timestamp_of_another_day_of_the_window_is_caught_by_the_window_run(landing, conn, runner, calls,
                                                                               tmp_path):
    bad = STORE_POS.files_for(landing, DATES[2])[0]
    lines = bad.read_text(encoding="utf-8").splitlines()
    sold_at = lines[0].split(",").index("sold_at")
    fields = lines[1].split(",")
    fields[sold_at] = fields[sold_at].replace(DATES[2], DATES[0])  # a valid day, but another file's
    lines[1] = ",".join(fields)
    bad.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(QualityGateFailed) as exc:
        _gate(STORE_POS, landing, tmp_path, conn, runner)
    assert calls[0][1] is False  # the window run itself saw it
    assert "expect_column_values_to_match_regex(sold_at)" in str(exc.value) and bad.name in str(exc.value)
    assert _quarantined(tmp_path) == [bad.name]


# --- the window's rules, row by row, on a declared source -------------------------------------------------------

TOY = Source(name="toy", folder="toy", pattern="toy_*.csv", raw_table="toy", description="toy",
             columns=("id", "kind", "qty", "day", "at", "ref"), key=("id",), not_null=("id",),
             integers=("qty",), dates=("day",), dates_on_business_date=("day",), timestamp_format="slash_minutes",
             business_timestamps=("at",), references=(Reference("ref", "toy_master", "code"),))

D1, D2 = "2025-04-01", "2025-04-02"
REFS = {D1: {"ref": {"A", "B"}}, D2: {"ref": {"C"}}}


def _part(day, rows):
    return pd.DataFrame([dict(zip(TOY.columns, r)) for r in rows], columns=list(TOY.columns), dtype="str")


def _good():
    return [(D1, "toy_1.csv", _part(D1, [("1", "x", "3", D1, "2025/04/01 09:00", "A"),
                                         ("2", "x", None, None, None, None)])),
            (D2, "toy_2.csv", _part(D2, [("1", "x", "4", D2, "2025/04/02 23:59", "C")]))]


def _window_ok(runner, parts, refs=REFS) -> bool:
    return runner.validate(window_frame(TOY, parts, refs), "toy", window_expectations(TOY, refs), "window").success


@pytest.mark.parametrize("column,value", [
    ("day", D1),                    # dates_on_business_date: yesterday's date on today's row
    ("at", "2025/04/01 09:00"),     # a timestamp of the other day of the window
    ("at", "2025-04-02 09:00"),     # the right day, in the wrong format
    ("ref", "A"),                   # known on D1, not in D2's master
    ("qty", "1x"),                  # a row rule that does not depend on the date
], ids=["date_of_another_day", "timestamp_of_another_day", "timestamp_format", "reference_of_another_day",
        "plain"])
def test_window_rules_hold_per_row_as_in_each_files_suite(runner, column, value):
    parts = _good()
    assert _window_ok(runner, parts)
    for d, _, frame in parts:  # the same verdict as each file's own suite
        assert runner.validate(frame, "toy", expectations_for(TOY, d, REFS[d]), d).success
    frame = parts[1][2]
    frame.loc[0, column] = value
    assert not runner.validate(frame, "toy", expectations_for(TOY, D2, REFS[D2]), D2).success
    assert not _window_ok(runner, parts)


def test_window_keys_are_unique_per_file_and_unchecked_references_stay_unchecked(runner):
    parts = _good()  # id 1 is in both files
    assert _window_ok(runner, parts)
    parts[1][2].loc[0, "ref"] = "Z"
    assert not _window_ok(runner, parts)
    assert _window_ok(runner, parts, {D1: REFS[D1], D2: {}})  # no master for D2: not checked, as alone
    dup = [(D1, "toy_1.csv", pd.concat([parts[0][2], parts[0][2].iloc[:1]], ignore_index=True))]
    assert not _window_ok(runner, dup)


def test_a_long_window_is_checked_in_runs_of_bounded_rows(landing, conn, runner, calls, tmp_path):
    gate = gate_source(STORE_POS, landing, DATES, tmp_path / "work", tmp_path / "quarantine", conn,
                       run_id=f"w-{tmp_path.name}", runner=runner, window_rows=1)
    assert len(gate.accepted) == len(calls) == len(DATES) and all(ok for _, ok in calls)
