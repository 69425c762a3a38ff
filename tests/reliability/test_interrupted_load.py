"""A load killed in the middle of its COPY leaves nothing behind, and rerunning it recovers exactly (SPEC §7).

The loader runs in a process of its own (``python -c`` calling :func:`load_source_files`, as the DAG's ingest
task does) against a scratch database on the session's server. Its input is a named pipe the test feeds: the
test writes the first part of the file, waits until ``pg_stat_progress_copy`` shows the server storing rows of
it, then SIGKILLs the loader with the COPY still open. No timing guesses: the COPY is provably in progress.

Design being checked (``ingest/loader.py``, ``ingest/audit.py``): one transaction per (source, business date)
holds the advisory lock, the delete of the date's old rows, the COPY and the audit rows. A killed attempt
therefore leaves no trace at all: the old rows stay, none of the new ones arrive, and ``raw.load_audit`` has no
row of it (no ``loaded`` entry that would make the rerun think the file is already in).
"""
from __future__ import annotations

import csv
import io
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest

from ltvzaiko_tasks.ingest.loader import COPY_CHUNK, load_source_files
from ltvzaiko_tasks.ingest.readers import normalise
from ltvzaiko_tasks.ingest.sources import STORE_POS

from .support import accepted_entry, backend_gone, copy_in_progress, open_fifo_writer, wait_for

DATE = "2025-04-02"
TABLE = "raw.store_pos_lines"

LOADER = """
import json, os, sys
import psycopg
from ltvzaiko_tasks.ingest.loader import COPY_CHUNK, load_source_files
from ltvzaiko_tasks.ingest.sources import SOURCES
with psycopg.connect(os.environ["RELIABILITY_DB_URL"]) as conn:
    load_source_files(conn, SOURCES["store_pos"], json.loads(sys.argv[1]), run_id=sys.argv[2])
"""


def canonical_versions(landing: Path, work: Path, copies: int) -> tuple[bytes, int, bytes, int]:
    """The day's POS file as the gate hands it over (v1), and a corrected re-delivery ``copies`` times longer
    (v2, every receipt number unique, its rows marked ``_source_file = pos_v2.csv``)."""
    original = next((landing / "store_pos" / DATE).glob("*.csv"))
    nf = normalise(STORE_POS, original, DATE, work / "v1.csv")
    v1 = nf.path.read_bytes()
    rows = list(csv.reader(io.StringIO(v1.decode("utf-8"))))
    header, body = rows[0], rows[1:]
    receipt = header.index("receipt_no")
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    for k in range(copies):
        for row in body:
            row = list(row)
            row[1] = "pos_v2.csv"
            row[receipt] = f"{row[receipt]}-{k:04d}"
            writer.writerow(row)
    return v1, nf.rows, out.getvalue().encode("utf-8"), nf.rows * copies


def counts(conn) -> dict:
    return dict(conn.execute(f"select _source_file, count(*) from {TABLE} where _business_date = %s "
                             "group by 1", (DATE,)).fetchall())


@pytest.fixture()
def loader_env(scratch_db):
    return {**os.environ, "RELIABILITY_DB_URL": scratch_db}


def test_a_load_killed_mid_copy_rolls_back_and_the_rerun_loads_every_row_once(scratch_db, loader_env, tiny_landing,
                                                                             tmp_path):
    v1, n1, v2, n2 = canonical_versions(tiny_landing, tmp_path, copies=1500)
    assert len(v2) > 3 * COPY_CHUNK  # several chunks, so the COPY is open while the test holds the rest back
    v1_path = tmp_path / "v1.csv"
    v2_path = tmp_path / "v2.csv"
    v2_path.write_bytes(v2)
    original = str(tiny_landing / "store_pos" / DATE / "pos_v2.csv")
    first = accepted_entry(DATE, str(next((tiny_landing / "store_pos" / DATE).glob("*.csv"))), v1_path, v1, n1)

    with psycopg.connect(scratch_db, autocommit=True) as watch:
        # yesterday's good load of the date: what BI reads while the correction comes in
        with psycopg.connect(scratch_db) as conn:
            assert [r.status for r in load_source_files(conn, STORE_POS, [first], run_id="v1")] == ["loaded"]
        before = counts(watch)
        assert sum(before.values()) == n1

        # the corrected delivery starts loading, and is killed while its COPY is storing rows
        fifo = tmp_path / "v2.pipe"
        os.mkfifo(fifo)
        killed = accepted_entry(DATE, original, fifo, v2, n2)
        proc = subprocess.Popen([sys.executable, "-c", LOADER, json.dumps([killed]), "killed-run"], env=loader_env,
                                stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        fd = None
        try:
            fd = open_fifo_writer(fifo, alive=lambda: proc.poll() is None)
            # the first chunks of the file (the loader reads COPY_CHUNK bytes at a time); the rest never comes
            os.write(fd, v2[: COPY_CHUNK + len(v2) // 4])

            def storing():
                assert proc.poll() is None, f"the loader ended early: {proc.communicate()[1].decode()[-2000:]}"
                return copy_in_progress(watch, TABLE)

            pid, stored = wait_for(storing, "the COPY to store rows")
            assert 0 < stored < n2
            proc.send_signal(signal.SIGKILL)
            assert proc.wait(timeout=30) == -signal.SIGKILL
        finally:
            if fd is not None:
                os.close(fd)
            if proc.poll() is None:
                proc.kill()
                proc.wait()
        # the server notices the dead client and rolls its transaction back
        wait_for(lambda: backend_gone(watch, pid), "the killed loader's backend to end")

        # none of the half-loaded rows is visible, and the delete of the old rows was rolled back with them
        assert counts(watch) == before
        # the audit has no trace of the killed attempt: nothing claims the corrected file is loaded
        assert watch.execute("select count(*) from raw.load_audit where run_id = 'killed-run' or sha256 = %s",
                             (killed["sha256"],)).fetchone() == (0,)
        # and nothing it held is left: no lock, no transaction
        assert watch.execute("select count(*) from pg_locks l join pg_database d on d.oid = l.database "
                             "where d.datname = current_database() and l.locktype = 'advisory'").fetchone() == (0,)
        assert watch.execute("select count(*) from pg_stat_activity where datname = current_database() "
                             "and state like 'idle in transaction%%'").fetchone() == (0,)

        # the rerun (the task's retry) is not blocked and loads the corrected file exactly once
        rerun = dict(killed, path=str(v2_path))
        with psycopg.connect(scratch_db, options="-c lock_timeout=10s -c statement_timeout=60s") as conn:
            results = load_source_files(conn, STORE_POS, [rerun], run_id="rerun")
        assert [(r.status, r.rows_loaded) for r in results] == [("loaded", n2)]
        assert counts(watch) == {"pos_v2.csv": n2}
        assert watch.execute(f"select count(distinct receipt_no || '/' || line_no) from {TABLE} "
                             "where _business_date = %s", (DATE,)).fetchone() == (n2,)
        audit = watch.execute("select run_id, status, rows_loaded from raw.load_audit where sha256 = %s",
                              (killed["sha256"],)).fetchall()
        assert audit == [("rerun", "loaded", n2)]

        # and a further rerun of the same delivery changes nothing
        with psycopg.connect(scratch_db) as conn:
            assert [r.status for r in load_source_files(conn, STORE_POS, [rerun], run_id="again")] == ["unchanged"]
        assert counts(watch) == {"pos_v2.csv": n2}
