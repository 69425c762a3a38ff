"""Move pandas frames in and out of the warehouse with COPY (no row-by-row inserts, no SQL from values).

Model stages read their inputs with :func:`read_frame` and write their outputs with :func:`replace_rows`,
which replaces one slice (e.g. one ``as_of_date``) of a ``models`` table in a single transaction, so a rerun
of a date gives the same table and a crash leaves the previous result.
"""
from __future__ import annotations

import io
from collections.abc import Mapping

import pandas as pd
import psycopg
from psycopg import sql

MODELS_SCHEMA = "models"


def read_frame(conn: psycopg.Connection, query: str, params: tuple | dict | None = None,
               dtypes: Mapping[str, str] | None = None) -> pd.DataFrame:
    """Run ``query`` (with bound ``params``) and return its rows as a DataFrame, streamed through COPY."""
    cur = conn.cursor()
    # COPY takes no server-side parameters: bind them client-side, quoted by psycopg
    inner = psycopg.ClientCursor(conn).mogrify(query, params) if params is not None else query
    buf = io.BytesIO()
    with cur.copy(sql.SQL("copy ({}) to stdout with (format csv, header true)").format(sql.SQL(inner))) as copy:
        for chunk in copy:
            buf.write(chunk)
    buf.seek(0)
    if buf.getbuffer().nbytes == 0:
        return pd.DataFrame()
    return pd.read_csv(buf, dtype=dict(dtypes or {}), keep_default_na=True)


def ensure_table(conn: psycopg.Connection, table: str, columns: Mapping[str, str],
                 schema: str = MODELS_SCHEMA, comment: str | None = None) -> None:
    """``create table if not exists`` with the declared column types (names and types are our constants); columns
    missing from an existing table are added (nullable)."""
    conn.execute(sql.SQL("create schema if not exists {}").format(sql.Identifier(schema)))
    cols = sql.SQL(", ").join(sql.SQL("{} {}").format(sql.Identifier(c), sql.SQL(t)) for c, t in columns.items())
    conn.execute(sql.SQL("create table if not exists {} ({})").format(sql.Identifier(schema, table), cols))
    present = {r[0] for r in conn.execute("select column_name from information_schema.columns "
                                          "where table_schema = %s and table_name = %s", (schema, table))}
    for col, typ in columns.items():  # a column added by a newer version of the stage reaches an older table
        if col not in present:
            conn.execute(sql.SQL("alter table {} add column {} {}").format(
                sql.Identifier(schema, table), sql.Identifier(col), sql.SQL(typ.replace("not null", "").strip())))
    if comment:
        conn.execute(sql.SQL("comment on table {} is {}").format(sql.Identifier(schema, table), sql.Literal(comment)))


def replace_rows(conn: psycopg.Connection, table: str, frame: pd.DataFrame, columns: Mapping[str, str],
                 where: Mapping[str, object], schema: str = MODELS_SCHEMA, comment: str | None = None) -> int:
    """Delete the rows matching ``where`` and COPY ``frame`` in, in one transaction. Returns rows written."""
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(f"{schema}.{table}: frame lacks columns {missing}")
    with conn.transaction():
        ensure_table(conn, table, columns, schema, comment)
        cond = sql.SQL(" and ").join(sql.SQL("{} = {}").format(sql.Identifier(k), sql.Placeholder()) for k in where)
        conn.execute(sql.SQL("delete from {} where {}").format(sql.Identifier(schema, table), cond),
                     list(where.values()))
        out = frame[list(columns)].copy()
        for col, typ in columns.items():  # pandas keeps integers with gaps as floats ("5.0"): write them whole
            if typ.split()[0] in ("integer", "bigint", "smallint") and out[col].dtype.kind == "f":
                out[col] = pd.to_numeric(out[col]).round().astype("Int64")
        buf = io.StringIO()
        out.to_csv(buf, index=False, header=False)
        data = buf.getvalue().encode("utf-8")
        target = sql.SQL("copy {} ({}) from stdin with (format csv)").format(
            sql.Identifier(schema, table), sql.SQL(", ").join(map(sql.Identifier, columns)))
        with conn.cursor().copy(target) as copy:
            for i in range(0, len(data), 1 << 20):
                copy.write(data[i:i + (1 << 20)])
    return len(frame)
