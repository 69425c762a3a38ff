"""Swap-in publish: marts are built aside in ``marts_build`` and moved into ``marts`` in one transaction.

dbt builds every mart into ``marts_build`` and tests it there (Cosmos runs each model's tests right after
it). Only when every model and test of the run has passed does the publish stage call
:func:`swap_in_marts`, which replaces each table in ``marts`` by its freshly built twin atomically. A failing
build or test leaves ``marts`` exactly as BI last read it.
"""
from __future__ import annotations

import psycopg
from psycopg import sql

from .roles import LIVE_SCHEMA, grant_marts

BUILD_SCHEMA = "marts_build"


def built_tables(conn: psycopg.Connection, schema: str = BUILD_SCHEMA) -> list[str]:
    return [r[0] for r in conn.execute(
        "select c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace "
        "where n.nspname = %s and c.relkind in ('r', 'p') order by c.relname", (schema,))]


def swap_in_marts(conn: psycopg.Connection, build_schema: str = BUILD_SCHEMA,
                  live_schema: str = LIVE_SCHEMA) -> list[str]:
    """Move every table of ``build_schema`` into ``live_schema``, replacing same-named ones, in one
    transaction; readers see either all old or all new marts. Returns the swapped table names."""
    with conn.transaction():
        conn.execute(sql.SQL("create schema if not exists {}").format(sql.Identifier(live_schema)))
        names = built_tables(conn, build_schema)
        for name in names:
            live = sql.Identifier(live_schema, name)
            conn.execute(sql.SQL("drop table if exists {}").format(live))
            conn.execute(sql.SQL("alter table {} set schema {}").format(sql.Identifier(build_schema, name),
                                                                       sql.Identifier(live_schema)))
        grant_marts(conn)
    return names
