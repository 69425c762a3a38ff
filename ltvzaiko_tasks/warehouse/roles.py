"""The read-only BI role (``ltvzaiko_bi``): SELECT on ``marts`` and nothing else.

BI tools connect as this role. It can read the published marts; it cannot see ``raw`` (which holds customer
PII), ``staging`` or ``intermediate``, and it cannot write anywhere. Grants are re-applied whenever marts are
swapped in, because a table moved into ``marts`` keeps the grants it was built with.
"""
from __future__ import annotations

import os
import secrets

import psycopg
from psycopg import sql

BI_ROLE = "ltvzaiko_bi"
LIVE_SCHEMA = "marts"


def bi_password(settings=None) -> str | None:
    """``LTVZAIKO_BI_PASSWORD``, else the embedded server's generated one (created on first use)."""
    from ..settings import load_settings
    from .embedded import EmbeddedWarehouse

    if os.environ.get("LTVZAIKO_BI_PASSWORD"):
        return os.environ["LTVZAIKO_BI_PASSWORD"]
    settings = settings or load_settings()
    if settings.warehouse_url:
        return None  # an external warehouse: its admins own the role unless they give us a password
    wh = EmbeddedWarehouse(settings.warehouse_dir)
    if wh.state() is None:
        return None
    pw = wh.state_value("bi_password")
    if not pw:
        pw = secrets.token_urlsafe(18)
        wh.write_state_values({"bi_password": pw})
    return pw


def ensure_bi_role(conn: psycopg.Connection, password: str | None) -> bool:
    """Create or update the BI role and its grants. Returns False when the role does not exist and no
    password was given (nothing to do)."""
    exists = conn.execute("select 1 from pg_roles where rolname = %s", (BI_ROLE,)).fetchone() is not None
    role = sql.Identifier(BI_ROLE)
    if not exists and password is None:
        return False
    if not exists:
        conn.execute(sql.SQL("create role {} login password {} nosuperuser nocreatedb nocreaterole noinherit")
                     .format(role, sql.Literal(password)))
    elif password is not None:
        conn.execute(sql.SQL("alter role {} login password {}").format(role, sql.Literal(password)))
    dbname = conn.execute("select current_database()").fetchone()[0]
    conn.execute(sql.SQL("grant connect on database {} to {}").format(sql.Identifier(dbname), role))
    conn.execute(sql.SQL("create schema if not exists {}").format(sql.Identifier(LIVE_SCHEMA)))
    grant_marts(conn)
    # objects the pipeline's user creates in marts later are readable too
    conn.execute(sql.SQL("alter default privileges in schema {} grant select on tables to {}")
                 .format(sql.Identifier(LIVE_SCHEMA), role))
    return True


def grant_marts(conn: psycopg.Connection) -> None:
    """USAGE on ``marts`` and SELECT on every relation in it, if the BI role exists."""
    if conn.execute("select 1 from pg_roles where rolname = %s", (BI_ROLE,)).fetchone() is None:
        return
    role, schema = sql.Identifier(BI_ROLE), sql.Identifier(LIVE_SCHEMA)
    conn.execute(sql.SQL("grant usage on schema {} to {}").format(schema, role))
    conn.execute(sql.SQL("grant select on all tables in schema {} to {}").format(schema, role))


def bi_url(owner_url: str, password: str) -> str:
    """The warehouse URL with the BI role's credentials instead of the owner's."""
    from urllib.parse import quote, urlsplit, urlunsplit

    u = urlsplit(owner_url)
    host = u.hostname or "127.0.0.1"
    netloc = f"{BI_ROLE}:{quote(password, safe='')}@{host}" + (f":{u.port}" if u.port else "")
    return urlunsplit(u._replace(netloc=netloc))
