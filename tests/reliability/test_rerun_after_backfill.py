"""A backfill, then a rerun of a day in the middle of it, leaves the marts BI reads identical.

The backfill is the session's 50-day model world (``built`` in tests/conftest.py: every day loaded, dbt built,
the model stages and decision marts run as of the last day, the way one backfill DAG run does), cloned into a
database of this module's own. The rerun of day 41 goes through the stages the DAG runs for one business date,
in its order: quality gate → load → dbt build → customer value → item value → forecast → orders → decision marts
→ swap into ``marts``. Checksums are md5 over the sorted rows (as ``tests/test_end_to_end.py``'s rerun test).

What "identical" means here. Marts without an as-of date (channel sales, campaign effect) are compared whole.
Marts with an ``as_of_date`` hold one slice per as-of date the pipeline ran for; a rerun of day 41 *adds* the
day-41 slice (it is a run for day 41: BI may ask what the order list said on that day). The forecast model
registry is sliced the same way by the date a model was trained as of (a rerun of a past date trains its own
model, registered retired); when and how fast a model trained (``trained_at``, ``fit_seconds``) are left out of
its checksum. So the property is:

- every slice that existed before the rerun is byte-identical after it — above all the latest one, which BI
  reads as "today": rerunning an older date never changes the newest decisions;
- the only new slices are as of day 41;
- no load happened (the same files are ``unchanged``) and the forecast registry's active model is still the one
  trained as of the last day (a rerun of a past date never displaces a newer model);
- the rerun is itself repeatable: running day 41's model stages, decision marts and publish once more (the
  ingest and warehouse layers having just been shown to be unchanged by a rerun) changes no mart at all.
"""
from __future__ import annotations

import os
import time
import uuid
from pathlib import Path
from urllib.parse import unquote, urlsplit

import psycopg
import pytest
from psycopg import sql

from conftest import AS_OF, DATES, REPO, START
from ltvzaiko_tasks.ingest.flatteners import FLATTENERS
from ltvzaiko_tasks.ingest.gate import gate_source
from ltvzaiko_tasks.ingest.loader import load_source_files
from ltvzaiko_tasks.ingest.sources import SOURCES
from ltvzaiko_tasks.warehouse.swap import swap_in_marts

from .support import database_url

# inside the backfill, late enough that the forecast has its minimum history (so every stage has outputs)
RERUN_DAY = DATES[-10]
DBT_DIR = REPO / "dbt_project"


@pytest.fixture(scope="module")
def backfilled(built, warehouse):
    """A copy of the backfilled 50-day world (the shared one stays as the other model tests expect it)."""
    template = urlsplit(built[0]).path.lstrip("/")
    name = f"ltvzaiko_rel_rerun_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(warehouse.url, autocommit=True) as admin:
        for attempt in range(20):  # the template must have no session open: a finishing test may still hold one
            try:
                admin.execute(sql.SQL("create database {} template {}").format(sql.Identifier(name),
                                                                               sql.Identifier(template)))
                break
            except psycopg.errors.ObjectInUse:
                if attempt == 19:
                    raise
                time.sleep(0.5)
    try:
        yield database_url(warehouse.url, name)
    finally:
        with psycopg.connect(warehouse.url, autocommit=True) as admin:
            admin.execute(sql.SQL("drop database if exists {} with (force)").format(sql.Identifier(name)))


@pytest.fixture(scope="module")
def landing(tmp_path_factory) -> Path:
    """The backfill's landing zone, written again from its seed (the same bytes the backfill loaded)."""
    from ltvzaiko_tasks.world import generate_landing

    out = tmp_path_factory.mktemp("rerun") / "landing"
    generate_landing("tiny", seed=5, start=START, days=len(DATES), out=out, write_truth=False)
    return out


def dbt(url: str, work: Path, *args: str) -> None:
    from dbt.cli.main import dbtRunner

    u = urlsplit(url)
    env = {"LTVZAIKO_DBT_HOST": u.hostname or "127.0.0.1", "LTVZAIKO_DBT_PORT": str(u.port or 5432),
           "LTVZAIKO_DBT_USER": unquote(u.username or ""), "LTVZAIKO_DBT_PASSWORD": unquote(u.password or ""),
           "LTVZAIKO_DBT_DBNAME": u.path.lstrip("/"), "DBT_SEND_ANONYMOUS_USAGE_STATS": "False"}
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        res = dbtRunner().invoke([*args, "--project-dir", str(DBT_DIR), "--profiles-dir", str(DBT_DIR),
                                  "--target-path", str(work / "target"), "--log-path", str(work / "logs"), "--quiet"])
    finally:
        for k, v in saved.items():
            os.environ.pop(k, None) if v is None else os.environ.__setitem__(k, v)
    assert res.success, f"dbt {' '.join(args)} failed: {res.exception or res.result}"


def backfill_forecast_settings():
    """The forecast settings the backfill fixture ran with."""
    import conftest
    from ltvzaiko_tasks.stages.forecast_stage import ForecastSettings

    shared = getattr(conftest, "model_world_forecast_settings", None)
    return shared() if shared else ForecastSettings(horizon_days=14)


def run_business_date(url: str, landing: Path, day: str, work: Path, from_models: bool = False) -> list[str]:
    """What the DAG runs for one business date, stage by stage; returns the load statuses. ``from_models``: from
    the model stages on (what a retried ``models`` task and everything after it do)."""
    from datetime import date

    from ltvzaiko_tasks.stages.customer_value_stage import score_customer_value
    from ltvzaiko_tasks.stages.forecast_stage import forecast_demand
    from ltvzaiko_tasks.stages.item_value_stage import value_items
    from ltvzaiko_tasks.stages.orders_stage import recommend_replenishment

    statuses = []
    if not from_models:
        with psycopg.connect(url) as conn:
            for source in SOURCES.values():  # validate, then ingest
                gated = gate_source(source, landing, [day], work / "gate", work / "quarantine", conn,
                                    run_id=f"rerun-{day}", flatteners=FLATTENERS)
                statuses += [r.status for r in load_source_files(conn, source, gated.accepted, run_id=f"rerun-{day}")]
        dbt(url, work, "build", "--exclude", "tag:decisions")  # warehouse
    as_of = date.fromisoformat(day)
    with psycopg.connect(url) as conn:  # models (the settings the backfill fixture ran them with)
        score_customer_value(conn, as_of)
        value_items(conn, as_of)
        forecast_demand(conn, as_of, backfill_forecast_settings())
        recommend_replenishment(conn, as_of)
    dbt(url, work, "build", "--select", "tag:decisions")  # decisions
    with psycopg.connect(url, autocommit=True) as conn:  # publish
        swap_in_marts(conn)
    return statuses


AS_OF_COLUMNS = ("as_of_date", "trained_as_of_date")
"""The column that says which run a row belongs to: a decision's as-of date, a forecast model's training date."""
WALL_CLOCK = {"trained_at", "fit_seconds"}
"""When a model was trained and how long it took: facts about the training run, not what it produced."""


def slices(conn) -> dict[tuple[str, str | None], str]:
    """md5 of the sorted rows of every published mart, per as-of date where the mart has one (wall-clock columns
    left out)."""
    out = {}
    for (table,) in conn.execute("select table_name from information_schema.tables where table_schema = 'marts' "
                                 "order by 1").fetchall():
        columns = [r[0] for r in conn.execute("select column_name from information_schema.columns where "
                                              "table_schema = 'marts' and table_name = %s order by ordinal_position",
                                              (table,))]
        as_of = next((c for c in AS_OF_COLUMNS if c in columns), None)
        key = sql.SQL("{}::text").format(sql.Identifier(as_of)) if as_of else sql.SQL("null::text")
        row = sql.SQL("row({})::text").format(sql.SQL(", ").join(
            sql.Identifier("t", c) for c in columns if c not in WALL_CLOCK))
        for day, digest in conn.execute(sql.SQL(
                "select {k}, md5(coalesce(string_agg({r}, '|' order by {r}), '')) from {t} t group by 1")
                .format(k=key, r=row, t=sql.Identifier("marts", table))):
            out[(table, day)] = digest
    return out


def active_forecast_model(conn) -> list:
    if conn.execute("select to_regclass('models.forecast_model_registry')").fetchone()[0] is None:
        return []
    return conn.execute("select model_version from models.forecast_model_registry where status = 'active'").fetchall()


def test_rerunning_a_middle_day_of_a_backfill_leaves_the_marts_identical(backfilled, landing, tmp_path):
    with psycopg.connect(backfilled, autocommit=True) as conn:
        swap_in_marts(conn)  # the backfill's publish
        before = slices(conn)
        model_before = active_forecast_model(conn)
    assert {as_of for (_, as_of) in before} >= {str(AS_OF)}  # decision marts as of the backfill's last day
    assert not any(as_of == RERUN_DAY for (_, as_of) in before)

    statuses = run_business_date(backfilled, landing, RERUN_DAY, tmp_path / "first")
    assert statuses and set(statuses) == {"unchanged"}  # the same files: nothing reloaded
    with psycopg.connect(backfilled) as conn:
        after = slices(conn)
        assert active_forecast_model(conn) == model_before

    changed = sorted(k for k in before if after.get(k) != before[k])
    assert changed == []  # every slice BI could read before, the latest above all, is byte-identical
    added = sorted(k for k in after if k not in before)
    assert added and {as_of for (_, as_of) in added} == {RERUN_DAY}  # the rerun only adds its own day's slice
    assert {t for (t, _) in added} >= {"mart_customer_ltv", "replenishment_order_list"}

    # once more, now that the day's slices exist (the ingest and dbt layers were just shown to be unchanged by a
    # rerun, so from the model stages on): they are replaced by identical ones, and nothing else moves
    run_business_date(backfilled, landing, RERUN_DAY, tmp_path / "second", from_models=True)
    with psycopg.connect(backfilled) as conn:
        assert slices(conn) == after
