"""Swap-in publish and the read-only BI role, against the real warehouse (and one real DAG run)."""
from __future__ import annotations

import psycopg
import pytest
from psycopg import sql

from conftest import cli
from ltvzaiko_tasks.warehouse.roles import BI_ROLE, bi_password, bi_url, ensure_bi_role
from ltvzaiko_tasks.warehouse.swap import swap_in_marts

PII_WORDS = ("name", "email", "mail", "phone", "tel", "address", "birth", "postal", "zip", "kana")


@pytest.fixture
def owner(warehouse):
    with psycopg.connect(warehouse.url, autocommit=True) as conn:
        yield conn


@pytest.fixture
def bi(owner, warehouse):
    password = bi_password() if warehouse.embedded else "bi-test-password"
    ensure_bi_role(owner, password)
    with psycopg.connect(bi_url(warehouse.url, password), autocommit=True) as conn:
        yield conn


def _build(owner, table: str, value: int) -> None:
    owner.execute("create schema if not exists marts_build")
    owner.execute(sql.SQL("create table {} as select {}::int as v").format(
        sql.Identifier("marts_build", table), sql.Literal(value)))


def test_swap_replaces_live_marts_all_at_once(owner):
    _build(owner, "zz_swap_a", 1)
    _build(owner, "zz_swap_b", 1)
    assert {"zz_swap_a", "zz_swap_b"} <= set(swap_in_marts(owner))
    _build(owner, "zz_swap_a", 2)
    _build(owner, "zz_swap_b", 2)
    swap_in_marts(owner)
    assert owner.execute("select (select v from marts.zz_swap_a), (select v from marts.zz_swap_b)").fetchone() == (2, 2)
    assert owner.execute("select count(*) from information_schema.tables where table_schema = 'marts_build' "
                         "and table_name like 'zz_swap_%'").fetchone() == (0,)
    owner.execute("drop table marts.zz_swap_a, marts.zz_swap_b")


def test_a_failing_swap_leaves_the_previous_marts(owner):
    _build(owner, "zz_swap_c", 1)
    swap_in_marts(owner)
    _build(owner, "zz_swap_c", 2)
    owner.execute("create schema if not exists zz_blocker")
    # a view in another schema depending on the live table makes the drop fail mid-swap
    owner.execute("create view zz_blocker.v as select * from marts.zz_swap_c")
    with pytest.raises(psycopg.errors.DependentObjectsStillExist):
        swap_in_marts(owner)
    assert owner.execute("select v from marts.zz_swap_c").fetchone() == (1,)  # rolled back, old mart served
    owner.execute("drop schema zz_blocker cascade")
    owner.execute("drop table marts.zz_swap_c, marts_build.zz_swap_c")


def test_bi_role_reads_marts_and_nothing_else(owner, bi):
    _build(owner, "zz_bi_probe", 7)
    swap_in_marts(owner)
    try:
        assert bi.execute("select v from marts.zz_bi_probe").fetchone() == (7,)
        owner.execute("create schema if not exists raw")
        owner.execute("create table if not exists raw.zz_secret (email text)")
        for forbidden in ("select * from raw.zz_secret", "select * from raw.load_audit",
                          "insert into marts.zz_bi_probe values (8)", "delete from marts.zz_bi_probe",
                          "create table marts.zz_mine (x int)", "create table public.zz_mine (x int)"):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                bi.execute(forbidden)
        assert bi.execute("select rolsuper or rolcreaterole or rolcreatedb from pg_roles where rolname = %s",
                          (BI_ROLE,)).fetchone() == (False,)
    finally:
        owner.execute("drop table if exists marts.zz_bi_probe, raw.zz_secret")


def test_cli_prints_a_working_bi_url(warehouse):
    if not warehouse.embedded:
        pytest.skip("the CLI generates the BI password only for the embedded warehouse")
    url = cli("warehouse", "url", "--bi").stdout.strip()
    assert url.startswith(f"postgresql://{BI_ROLE}:")
    with psycopg.connect(url) as conn:
        assert conn.execute("select current_user").fetchone() == (BI_ROLE,)
