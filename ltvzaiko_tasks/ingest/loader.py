"""Load gated, canonical files into the ``raw`` schema with PostgreSQL ``COPY``.

Raw tables keep every column as text, exactly as delivered, plus lineage columns
(``_business_date``, ``_source_file``, ``_loaded_at``); typing happens in dbt staging.
A (source, business date) is replaced as a whole in one transaction: readers see the old rows or
the new ones, never half. Delivering the same files again loads nothing (audited as ``unchanged``).
"""
from __future__ import annotations

import shutil
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import psycopg
from psycopg import sql

from . import audit
from .readers import LINEAGE_COLUMNS
from .sources import Source

RAW_SCHEMA = "raw"
COPY_CHUNK = 1 << 20


@dataclass(frozen=True)
class LoadResult:
    source: str
    business_date: str
    files: list[str]
    rows_loaded: int
    status: str
    """``loaded`` or ``unchanged``."""


def ensure_raw_table(conn: psycopg.Connection, source: Source) -> None:
    cols = [sql.SQL("{} text").format(sql.Identifier(c)) for c in source.columns]
    conn.execute(sql.SQL("create schema if not exists {}").format(sql.Identifier(RAW_SCHEMA)))
    conn.execute(sql.SQL(
        "create table if not exists {}.{} (_business_date date not null, _source_file text not null, {}, "
        "_loaded_at timestamptz not null default now())"
    ).format(sql.Identifier(RAW_SCHEMA), sql.Identifier(source.raw_table), sql.SQL(", ").join(cols)))
    have = [r[0] for r in conn.execute(
        "select column_name from information_schema.columns where table_schema = %s and table_name = %s "
        "order by ordinal_position", (RAW_SCHEMA, source.raw_table))]
    want = [*LINEAGE_COLUMNS, *source.columns, "_loaded_at"]
    if have != want:
        raise RuntimeError(
            f"{RAW_SCHEMA}.{source.raw_table} has the columns {have}, but the contract of {source.name} is {want}: "
            "the table was created by an older contract; migrate it (or drop it and reload the dates) first")
    index = f"{source.raw_table}_business_date"
    # only when missing: `create index if not exists` takes a SHARE lock on the table before it looks, so it
    # would wait for any load of another date still inside its transaction
    if conn.execute("select to_regclass(%s)", (f"{RAW_SCHEMA}.{index}",)).fetchone()[0] is None:
        conn.execute(sql.SQL("create index if not exists {} on {}.{} (_business_date)").format(
            sql.Identifier(index), sql.Identifier(RAW_SCHEMA), sql.Identifier(source.raw_table)))


def copy_file(conn: psycopg.Connection, source: Source, path: Path) -> int:
    """COPY one canonical CSV into the source's raw table; returns rows copied."""
    col_list = sql.SQL(", ").join(sql.Identifier(c) for c in (*LINEAGE_COLUMNS, *source.columns))
    stmt = sql.SQL("copy {} ({}) from stdin with (format csv, header true)").format(
        sql.Identifier(RAW_SCHEMA, source.raw_table), col_list)
    with conn.cursor() as cur:
        with cur.copy(stmt) as cp:
            with open(path, "rb") as fh:
                while chunk := fh.read(COPY_CHUNK):
                    cp.write(chunk)
        return cur.rowcount


def load_source_files(conn: psycopg.Connection, source: Source, accepted: list[dict], run_id: str | None = None
                      ) -> list[LoadResult]:
    """Load the gate's accepted files, one transaction per business date."""
    by_date: dict[str, list[dict]] = defaultdict(list)
    for f in accepted:
        by_date[f["business_date"]].append(f)
    with conn.transaction():
        # concurrent first loads would race to create the same tables (and fail on a duplicate name): one at a
        # time creates what is missing; once everything exists this takes no table lock at all
        conn.execute("select pg_advisory_xact_lock(hashtext(%s))", ("ltvzaiko:raw-ddl",))
        audit.ensure_audit_table(conn)
        ensure_raw_table(conn, source)
    conn.commit()
    results = []
    for d in sorted(by_date):
        files = sorted(by_date[d], key=lambda f: f["original"])
        started = datetime.now(timezone.utc)
        with conn.transaction():
            # one writer per (source, date); different dates load side by side
            conn.execute("select pg_advisory_xact_lock(hashtext(%s))", (f"ltvzaiko:{source.name}:{d}",))
            previous = audit.last_loaded_hashes(conn, source.name, d)
            hashes = {f["sha256"] for f in files}
            status = "unchanged" if previous == hashes else "loaded"
            rows_total = 0
            if status == "loaded":
                conn.execute(sql.SQL("delete from {} where _business_date = %s").format(
                    sql.Identifier(RAW_SCHEMA, source.raw_table)), (d,))
            for f in files:
                rows = copy_file(conn, source, Path(f["path"])) if status == "loaded" else 0
                rows_total += rows
                audit.record(conn, audit.AuditRow(
                    source=source.name, business_date=d, file_name=Path(f["original"]).name,
                    file_path=f["original"], status=status, started_at=started, sha256=f["sha256"],
                    bytes=f["bytes"], rows_read=f["rows"], rows_loaded=rows, rows_rejected=0,
                    message=None if status == "loaded" else "same files as the last load: nothing to do",
                    run_id=run_id))
        results.append(LoadResult(source.name, d, [Path(f["original"]).name for f in files], rows_total, status))
    return results


def discard_work_files(accepted: list[dict]) -> None:
    """Canonical files are derived copies: remove them once loaded (the originals stay in the landing zone)."""
    for f in accepted:
        Path(f["path"]).unlink(missing_ok=True)


def clear_work_dir(work_dir: Path) -> None:
    shutil.rmtree(work_dir, ignore_errors=True)
