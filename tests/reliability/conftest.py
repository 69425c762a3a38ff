"""Fixtures of the reliability tests: a scratch database of their own on the session's server."""
from __future__ import annotations

import uuid

import psycopg
import pytest
from psycopg import sql

from .support import database_url


@pytest.fixture(scope="module")
def scratch_db(warehouse):
    """A database of this module's own (raw, audit and marts schemas of its own; the session's are untouched)."""
    name = f"ltvzaiko_rel_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(warehouse.url, autocommit=True) as admin:
        admin.execute(sql.SQL("create database {}").format(sql.Identifier(name)))
    try:
        yield database_url(warehouse.url, name)
    finally:
        with psycopg.connect(warehouse.url, autocommit=True) as admin:
            admin.execute(sql.SQL("drop database if exists {} with (force)").format(sql.Identifier(name)))
