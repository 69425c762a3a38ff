"""Stream one landing file into its raw table with PostgreSQL ``COPY``.

Raw tables keep every column as text, exactly as delivered, plus lineage columns
(``_business_date``, ``_source_file``, ``_loaded_at``); typing happens in dbt staging.
Loading a business date replaces that date's rows for that source, in one transaction:
readers see the old rows or the new ones, never half.
"""
from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import psycopg
from psycopg import sql

from .sources import Source

RAW_SCHEMA = "raw"
COPY_CHUNK = 1 << 20


class LandingFileError(ValueError):
    """A landing file breaks its contract; the message names the file and the rule."""


@dataclass(frozen=True)
class LoadResult:
    source: str
    business_date: str
    file: str
    rows_loaded: int


def ensure_raw_table(conn: psycopg.Connection, source: Source) -> None:
    cols = [sql.SQL("{} text").format(sql.Identifier(c)) for c in source.columns]
    conn.execute(sql.SQL("create schema if not exists {}").format(sql.Identifier(RAW_SCHEMA)))
    conn.execute(sql.SQL(
        "create table if not exists {}.{} (_business_date date not null, _source_file text not null, "
        "_loaded_at timestamptz not null default now(), {})"
    ).format(sql.Identifier(RAW_SCHEMA), sql.Identifier(source.raw_table), sql.SQL(", ").join(cols)))


def read_header(path: Path) -> list[str]:
    with open(path, newline="", encoding="utf-8-sig") as fh:
        return next(csv.reader(fh), [])


def check_header(source: Source, path: Path) -> None:
    header = read_header(path)
    if tuple(header) != source.columns:
        missing = [c for c in source.columns if c not in header]
        extra = [c for c in header if c not in source.columns]
        raise LandingFileError(
            f"{path}: rule 'header matches the {source.name} contract' failed; "
            f"missing columns {missing}, unexpected columns {extra}, got {header[:20]}"
        )


def load_source_date(conn: psycopg.Connection, source: Source, business_date: str,
                     paths: list[Path]) -> list[LoadResult]:
    """Replace ``business_date``'s rows of ``source`` with the contents of ``paths``, in one transaction."""
    for path in paths:
        check_header(source, path)
    table = sql.Identifier(RAW_SCHEMA, source.raw_table)
    col_list = sql.SQL(", ").join(sql.Identifier(c) for c in source.columns)
    results = []
    with conn.transaction():
        ensure_raw_table(conn, source)
        conn.execute(sql.SQL("delete from {} where _business_date = %s").format(table), (business_date,))
        text_cols = sql.SQL(", ").join(sql.SQL("{} text").format(sql.Identifier(c)) for c in source.columns)
        conn.execute(sql.SQL("create temp table _landing ({}) on commit drop").format(text_cols))
        for path in paths:
            conn.execute("truncate _landing")
            with conn.cursor() as cur:
                copy_sql = sql.SQL("copy _landing ({}) from stdin with (format csv, header true)").format(col_list)
                with cur.copy(copy_sql) as cp:
                    with open(path, "rb") as fh:
                        while chunk := fh.read(COPY_CHUNK):
                            cp.write(chunk)
            cur = conn.execute(
                sql.SQL("insert into {} (_business_date, _source_file, {}) select %s, %s, {} from _landing").format(
                    table, col_list, col_list),
                (business_date, path.name),
            )
            results.append(LoadResult(source.name, business_date, path.name, cur.rowcount))
    return results
