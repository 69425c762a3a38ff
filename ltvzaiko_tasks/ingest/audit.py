"""``raw.load_audit``: one row per landing file the pipeline looked at, whatever became of it."""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

import psycopg

DDL = """
create schema if not exists raw;
create table if not exists raw.load_audit (
    audit_id       bigint generated always as identity primary key,
    run_id         text,
    source         text not null,
    business_date  date not null,
    file_name      text not null,
    file_path      text not null,
    sha256         text,
    bytes          bigint,
    rows_read      bigint,
    rows_loaded    bigint,
    rows_rejected  bigint,
    status         text not null check (status in ('loaded', 'unchanged', 'quarantined')),
    message        text,
    violations     jsonb,
    started_at     timestamptz not null,
    finished_at    timestamptz not null default now()
);
create index if not exists load_audit_source_date on raw.load_audit (source, business_date, status);
"""


@dataclass
class AuditRow:
    source: str
    business_date: str
    file_name: str
    file_path: str
    status: str
    started_at: datetime
    sha256: str | None = None
    bytes: int | None = None
    rows_read: int | None = None
    rows_loaded: int | None = None
    rows_rejected: int | None = None
    message: str | None = None
    violations: list | None = None
    run_id: str | None = None


def ensure_audit_table(conn: psycopg.Connection) -> None:
    # only when something is missing: `create index if not exists` takes a SHARE lock on the table before it
    # looks, and would wait for every load still holding its audit rows uncommitted
    if conn.execute("select to_regclass('raw.load_audit_source_date')").fetchone()[0] is None:
        conn.execute(DDL)


def record(conn: psycopg.Connection, row: AuditRow) -> None:
    conn.execute(
        """insert into raw.load_audit (run_id, source, business_date, file_name, file_path, sha256, bytes,
               rows_read, rows_loaded, rows_rejected, status, message, violations, started_at)
           values (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)""",
        (row.run_id, row.source, row.business_date, row.file_name, row.file_path, row.sha256, row.bytes,
         row.rows_read, row.rows_loaded, row.rows_rejected, row.status, row.message,
         json.dumps(row.violations, ensure_ascii=False, default=str) if row.violations is not None else None,
         row.started_at),
    )


def last_loaded_hashes(conn: psycopg.Connection, source: str, business_date: str) -> set[str] | None:
    """sha256 of the files in the latest successful load of (source, date); None if never loaded."""
    row = conn.execute(
        """select run_id, max(finished_at) from raw.load_audit
           where source = %s and business_date = %s and status = 'loaded'
           group by run_id order by max(finished_at) desc limit 1""", (source, business_date)).fetchone()
    if row is None:
        return None
    return {r[0] for r in conn.execute(
        "select sha256 from raw.load_audit where source = %s and business_date = %s and status = 'loaded' "
        "and run_id is not distinct from %s", (source, business_date, row[0]))}
