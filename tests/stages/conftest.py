"""Fixtures of the stage tests."""
from __future__ import annotations

import uuid
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest
from psycopg import sql


@pytest.fixture
def scratch_db(warehouse):
    """URL of a fresh, empty database on the session's warehouse, dropped after the test."""
    name = f"ltvzaiko_stage_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(warehouse.url, autocommit=True) as admin:
        admin.execute(sql.SQL("create database {}").format(sql.Identifier(name)))
    try:
        yield urlunsplit(urlsplit(warehouse.url)._replace(path="/" + name))
    finally:
        with psycopg.connect(warehouse.url, autocommit=True) as admin:
            admin.execute(sql.SQL("drop database if exists {} with (force)").format(sql.Identifier(name)))
