"""Swap-in publish: marts are built aside in ``marts_build`` and moved into ``marts`` in one transaction.

dbt builds every mart into ``marts_build`` and tests it there (Cosmos runs each model's tests right after
it). Only when every model and test of the run has passed does the publish stage call
:func:`swap_in_marts`, which replaces each table in ``marts`` by its freshly built twin atomically. A failing
build or test leaves ``marts`` exactly as BI last read it.

Publishes are serialised (a transaction-level advisory lock per live schema), and a publish locks the built
tables it moves before it moves any of them, so neither a second publish nor a concurrent dbt build can slip
a table of another build into the same swap: BI sees one build's marts, never a mix. dbt's in-flight
relations (``*__dbt_tmp``, and ``*__dbt_backup`` left behind by a run killed between its commit and its
cleanup) are never published.
"""
from __future__ import annotations

import psycopg
from psycopg import sql

from .roles import LIVE_SCHEMA, grant_marts

BUILD_SCHEMA = "marts_build"


DBT_IN_FLIGHT_SUFFIXES = ("__dbt_tmp", "__dbt_backup")
"""Relations dbt creates while it replaces a table; they are scaffolding, never marts."""


def publish_lock_key(live_schema: str = LIVE_SCHEMA) -> str:
    """The advisory-lock key that serialises publishes into ``live_schema`` (``hashtext`` of it)."""
    return f"ltvzaiko:publish:{live_schema}"


def built_tables(conn: psycopg.Connection, schema: str = BUILD_SCHEMA) -> list[str]:
    return [r[0] for r in conn.execute(
        "select c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace "
        "where n.nspname = %s and c.relkind in ('r', 'p') order by c.relname", (schema,))
        if not r[0].endswith(DBT_IN_FLIGHT_SUFFIXES)]


def _lock_built_tables(conn: psycopg.Connection, build_schema: str) -> list[str]:
    """Lock every built table (ACCESS EXCLUSIVE, until commit) and return their names: from here on no
    concurrent build can drop or replace one of them before this transaction has moved it."""
    names: list[str] = []
    while True:
        listed = built_tables(conn, build_schema)
        if listed == names:
            return names
        fresh = [n for n in listed if n not in names]
        if fresh:
            conn.execute(sql.SQL("lock table {} in access exclusive mode").format(
                sql.SQL(", ").join(sql.Identifier(build_schema, n) for n in fresh)))
        names = listed


def swap_in_marts(conn: psycopg.Connection, build_schema: str = BUILD_SCHEMA,
                  live_schema: str = LIVE_SCHEMA) -> list[str]:
    """Move every table of ``build_schema`` into ``live_schema``, replacing same-named ones, in one
    transaction; readers see either all old or all new marts. Returns the swapped table names.

    A second publish into the same live schema waits for this one, then moves whatever is built by then
    (nothing, when no new build has finished since)."""
    with conn.transaction():
        conn.execute("select pg_advisory_xact_lock(hashtext(%s))", (publish_lock_key(live_schema),))
        conn.execute(sql.SQL("create schema if not exists {}").format(sql.Identifier(live_schema)))
        names = _lock_built_tables(conn, build_schema)
        for name in names:
            live = sql.Identifier(live_schema, name)
            conn.execute(sql.SQL("drop table if exists {}").format(live))
            conn.execute(sql.SQL("alter table {} set schema {}").format(sql.Identifier(build_schema, name),
                                                                       sql.Identifier(live_schema)))
        grant_marts(conn)
    return names
