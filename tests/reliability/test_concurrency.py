"""Two runs at once cannot corrupt each other.

The DAG allows one active run (``max_active_runs=1``) and runs every task in the ``ltvzaiko_warehouse`` pool.
But ``airflow dags test`` (what ``ltvzaiko run`` uses) bypasses the scheduler, an operator may trigger a run by
hand while another is going, and a retried task can overlap its stuck first try: so the data layer holds on its
own. These tests make two writers overlap for real — one is held in the middle of its work (its COPY fed through
a named pipe, or its swap blocked behind a BI reader's lock) while the other starts, and the test waits until
PostgreSQL shows the second one blocked on a lock before letting the first go on:

- two loads of the same source and date end with exactly one copy of the rows (the loader's per-(source, date)
  advisory lock; the second finds the first's audit rows and reports ``unchanged``);
- two publishes at once publish one build whole, and a build racing a publish cannot slip a table into it
  (``warehouse/swap.py``: a publish lock, and the built tables locked before any is moved).
"""
from __future__ import annotations

import csv
import io
import os
import re
import threading
from pathlib import Path

import psycopg
import pytest
import yaml

from conftest import REPO
from ltvzaiko_tasks.ingest.loader import COPY_CHUNK, load_source_files
from ltvzaiko_tasks.ingest.readers import normalise
from ltvzaiko_tasks.ingest.sources import STORE_POS
from ltvzaiko_tasks.orchestration.airflow_home import POOLS, WAREHOUSE_POOL
from ltvzaiko_tasks.warehouse.swap import swap_in_marts

from .support import accepted_entry, copy_in_progress, open_fifo_writer, wait_for, waiting_on_lock

TABLE = "raw.store_pos_lines"


class Worker(threading.Thread):
    """Runs ``fn(conn)`` on a connection of its own; keeps the backend pid, the result or the exception."""

    def __init__(self, url: str, fn, autocommit: bool = False):
        super().__init__(daemon=True)
        self.url, self.fn, self.autocommit = url, fn, autocommit
        self.pid: int | None = None
        self.result = None
        self.error: BaseException | None = None

    def run(self):
        try:
            with psycopg.connect(self.url, autocommit=self.autocommit) as conn:
                self.pid = conn.info.backend_pid
                self.result = self.fn(conn)
        except BaseException as exc:  # noqa: BLE001 - reported by finish()
            self.error = exc

    def blocked(self, watch, locktype: str | None = None) -> bool:
        return self.pid is not None and waiting_on_lock(watch, self.pid, locktype)

    def finish(self, timeout: float = 60):
        self.join(timeout)
        assert not self.is_alive(), "worker still running"
        if self.error is not None:
            raise self.error
        return self.result


# --------------------------------------------------------------------------------------------------- loads

def big_delivery(landing: Path, date: str, work: Path, copies: int = 1500) -> tuple[str, bytes, int]:
    """The day's POS file as the gate hands it over, made several COPY chunks long (receipt numbers kept unique)."""
    original = next((landing / "store_pos" / date).glob("*.csv"))
    nf = normalise(STORE_POS, original, date, work / "canonical.csv")
    rows = list(csv.reader(io.StringIO(nf.path.read_text(encoding="utf-8"))))
    receipt = rows[0].index("receipt_no")
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(rows[0])
    for k in range(copies):
        for row in rows[1:]:
            writer.writerow([*row[:receipt], f"{row[receipt]}-{k:04d}", *row[receipt + 1:]])
    return str(original), out.getvalue().encode("utf-8"), nf.rows * copies


def test_two_loads_of_the_same_delivery_at_once_store_it_once(scratch_db, tiny_landing, tmp_path):
    date = "2025-04-03"
    original, content, n = big_delivery(tiny_landing, date, tmp_path)
    assert len(content) > 3 * COPY_CHUNK
    regular, fifo = tmp_path / "delivery.csv", tmp_path / "delivery.pipe"
    regular.write_bytes(content)
    os.mkfifo(fifo)
    first_entry = accepted_entry(date, original, fifo, content, n)
    second_entry = dict(first_entry, path=str(regular))  # the same delivery, picked up by a second run
    other_date = "2025-04-01"
    other_original = next((tiny_landing / "store_pos" / other_date).glob("*.csv"))
    nf = normalise(STORE_POS, other_original, other_date, tmp_path / "other.csv")
    other_entry = accepted_entry(other_date, str(other_original), nf.path, nf.path.read_bytes(), nf.rows)

    def load(entry, run_id):
        return lambda conn: load_source_files(conn, STORE_POS, [entry], run_id=run_id)

    with psycopg.connect(scratch_db, autocommit=True) as watch:
        first = Worker(scratch_db, load(first_entry, "run-1"))
        second = Worker(scratch_db, load(second_entry, "run-2"))
        first.start()
        fd = open_fifo_writer(fifo, alive=first.is_alive)
        try:
            held = COPY_CHUNK + len(content) // 4
            os.write(fd, content[:held])
            wait_for(lambda: (p := copy_in_progress(watch, TABLE)) and p[0] == first.pid, "the first load's COPY")
            # another date of the same source loads side by side, not held up by the open COPY
            other = Worker(scratch_db, load(other_entry, "run-other-date"))
            other.start()
            assert [r.status for r in other.finish(timeout=30)] == ["loaded"]
            second.start()  # run 2 loads the same date while run 1 is half way through its COPY
            wait_for(lambda: second.blocked(watch, "advisory"), "the second load to wait for the first")
            os.write(fd, content[held:])
        finally:
            os.close(fd)
        done_first, done_second = first.finish(), second.finish()

        assert [(r.status, r.rows_loaded) for r in done_first] == [("loaded", n)]
        assert [(r.status, r.rows_loaded) for r in done_second] == [("unchanged", 0)]
        assert watch.execute(f"select count(*), count(distinct (receipt_no, line_no)) from {TABLE} "
                             "where _business_date = %s", (date,)).fetchone() == (n, n)
        assert watch.execute("select run_id, status, rows_loaded from raw.load_audit where business_date = %s "
                             "order by audit_id", (date,)).fetchall() == [("run-1", "loaded", n),
                                                                          ("run-2", "unchanged", 0)]


# ------------------------------------------------------------------------------------------------ publishes

MARTS = ("mart_a", "mart_b")


def build(conn, value: int, order=MARTS) -> None:
    """What dbt does to marts_build: each mart replaced by a table of this build (every row says which)."""
    conn.execute("create schema if not exists marts_build")
    for name in order:
        conn.execute(f"drop table if exists marts_build.{name}")
        conn.execute(f"create table marts_build.{name} as select {int(value)} as build")


def live(conn) -> dict:
    return {name: conn.execute(f"select build from marts.{name}").fetchone()[0] for name in MARTS}


@pytest.fixture()
def owner(scratch_db):
    with psycopg.connect(scratch_db, autocommit=True) as conn:
        conn.execute("drop schema if exists marts cascade")
        conn.execute("drop schema if exists marts_build cascade")
        build(conn, 0)
        swap_in_marts(conn)
        assert live(conn) == {"mart_a": 0, "mart_b": 0}
        yield conn


@pytest.fixture()
def bi_reader(scratch_db):
    """A BI session in the middle of a long read of marts.mart_b: a publish must wait for it at mart_b."""
    conn = psycopg.connect(scratch_db)
    conn.execute("select * from marts.mart_b").fetchall()  # the transaction stays open, holding its lock
    try:
        yield conn
    finally:
        conn.close()


def test_two_publishes_at_once_publish_one_build_whole(scratch_db, owner, bi_reader):
    build(owner, 1)
    first = Worker(scratch_db, swap_in_marts, autocommit=True)
    second = Worker(scratch_db, swap_in_marts, autocommit=True)
    first.start()
    wait_for(lambda: first.blocked(owner, "relation"), "the first publish to wait for the BI reader")
    second.start()
    wait_for(lambda: second.blocked(owner), "the second publish to wait")
    bi_reader.rollback()  # the BI query ends
    swapped = sorted([first.finish(), second.finish()])
    # one publish moved the build; the other found it already published and had nothing to do
    assert swapped == [[], list(MARTS)]
    assert live(owner) == {"mart_a": 1, "mart_b": 1}
    assert owner.execute("select count(*) from pg_tables where schemaname = 'marts_build'").fetchone() == (0,)


def test_a_build_racing_a_publish_cannot_slip_a_table_into_it(scratch_db, owner, bi_reader):
    build(owner, 1)
    publish = Worker(scratch_db, swap_in_marts, autocommit=True)
    publish.start()
    wait_for(lambda: publish.blocked(owner, "relation"), "the publish to wait for the BI reader")
    # meanwhile the next run's dbt rebuilds the marts, mart_b (not yet moved) first
    rebuild = Worker(scratch_db, lambda conn: build(conn, 2, order=("mart_b", "mart_a")), autocommit=True)
    rebuild.start()
    wait_for(lambda: rebuild.blocked(owner, "relation"), "the rebuild to wait for the publish")
    bi_reader.rollback()
    assert publish.finish() == list(MARTS)
    assert live(owner) == {"mart_a": 1, "mart_b": 1}  # build 1 whole: no table of build 2 in it
    rebuild.finish()
    assert {n: owner.execute(f"select build from marts_build.{n}").fetchone()[0] for n in MARTS} == \
        {"mart_a": 2, "mart_b": 2}  # build 2 is intact, for its own publish
    swap_in_marts(owner)
    assert live(owner) == {"mart_a": 2, "mart_b": 2}


def test_dbt_scaffolding_left_by_a_killed_build_is_never_published(owner):
    # dbt drops `<model>__dbt_backup` after it commits: a run killed in between leaves one behind
    build(owner, 3)
    owner.execute("create table marts_build.mart_a__dbt_backup as select 2 as build")
    owner.execute("create table marts_build.mart_b__dbt_tmp as select 3 as build")
    assert swap_in_marts(owner) == list(MARTS)
    assert owner.execute("select count(*) from pg_tables where schemaname = 'marts' and tablename like '%%__dbt_%%'"
                         ).fetchone() == (0,)
    assert live(owner) == {"mart_a": 3, "mart_b": 3}


# ------------------------------------------------------------------------------------------ DAG and Airflow

@pytest.fixture(scope="module")
def dag(manifest):
    from airflow.dag_processing.dagbag import DagBag

    bag = DagBag(dag_folder=str(REPO / "dags"))
    assert bag.import_errors == {}
    return bag.dags["ltvzaiko_daily"]


def test_runs_never_overlap_and_every_task_is_in_a_declared_pool(dag):
    assert dag.max_active_runs == 1
    assert {t.pool for t in dag.tasks} == {WAREHOUSE_POOL}  # the Cosmos dbt tasks included
    assert WAREHOUSE_POOL in POOLS and POOLS[WAREHOUSE_POOL][0] >= 1


def test_airflow_setup_creates_the_pools(warehouse, manifest):
    from ltvzaiko_tasks.orchestration.airflow_home import prepare_airflow

    _env, target = prepare_airflow()
    with psycopg.connect(target.airflow_db_url) as conn:
        pools = dict(conn.execute("select pool, slots from slot_pool").fetchall())
    assert {name: slots for name, (slots, _) in POOLS.items()}.items() <= pools.items()


def test_the_compose_stack_creates_the_same_pools():
    compose = yaml.safe_load((REPO / "docker-compose.yml").read_text(encoding="utf-8"))
    command = compose["services"]["airflow-init"]["command"]
    script = command[-1] if isinstance(command, list) else command
    created = {m[0]: int(m[1]) for m in re.findall(r"airflow pools set (\S+) (\d+)", script)}
    assert created == {name: slots for name, (slots, _) in POOLS.items()}
    assert script.index("airflow db migrate") < script.index("airflow pools set")
