"""The embedded warehouse manager: start, reuse, status, url, stop, and clear errors."""
from __future__ import annotations

import os
import stat

import psycopg
import pytest

from conftest import cli
from ltvzaiko_tasks.settings import load_settings
from ltvzaiko_tasks.warehouse.connection import resolve_target
from ltvzaiko_tasks.warehouse.embedded import EmbeddedWarehouse, WarehouseError


def test_session_warehouse_accepts_sql(warehouse):
    with psycopg.connect(warehouse.url) as conn:
        assert conn.execute("select 1 + 1").fetchone() == (2,)
    parts = warehouse.parts
    if warehouse.embedded:
        assert parts["host"] == "127.0.0.1"  # TCP, so Airflow assets and BI tools can reach it


def test_lifecycle_through_the_cli(tmp_path):
    env = {"LTVZAIKO_HOME": str(tmp_path / "home"), "LTVZAIKO_WAREHOUSE_URL": ""}
    assert cli("warehouse", "status", env=env, check=False).returncode == 3
    first = cli("warehouse", "start", env=env)
    assert "running on 127.0.0.1:" in first.stdout
    again = cli("warehouse", "start", env=env)  # reuse, same port
    assert again.stdout.split("127.0.0.1:")[1].split()[0] == first.stdout.split("127.0.0.1:")[1].split()[0]
    assert cli("warehouse", "status", env=env).stdout.startswith("running")
    url = cli("warehouse", "url", env=env).stdout.strip()
    with psycopg.connect(url) as conn:
        assert conn.execute("select current_database()").fetchone() == ("ltvzaiko",)
        dbs = {r[0] for r in conn.execute("select datname from pg_database")}
        assert "airflow" in dbs  # Airflow's metadata lives in the same server
    assert "stopped" in cli("warehouse", "stop", env=env).stdout
    with pytest.raises(psycopg.OperationalError):
        psycopg.connect(url, connect_timeout=2)
    # data survives a restart
    cli("warehouse", "start", env=env)
    with psycopg.connect(url) as conn:
        conn.execute("create table if not exists kept (x int)")
    cli("warehouse", "stop", env=env)
    cli("warehouse", "start", env=env)
    with psycopg.connect(cli("warehouse", "url", env=env).stdout.strip()) as conn:
        assert conn.execute("select to_regclass('public.kept')").fetchone()[0] == "kept"
    cli("warehouse", "stop", env=env)


def test_password_is_required_over_tcp(warehouse):
    if not warehouse.embedded:
        pytest.skip("only the embedded server's auth is ours to check")
    p = warehouse.parts
    with pytest.raises(psycopg.OperationalError):
        psycopg.connect(host=p["host"], port=p["port"], user=p["user"], password="wrong", dbname=p["dbname"])


def test_unusable_directory_gives_a_clear_error(tmp_path):
    blocker = tmp_path / "not_a_dir"
    blocker.write_text("a file where the home should be")
    with pytest.raises(WarehouseError, match="LTVZAIKO_HOME"):
        EmbeddedWarehouse(blocker / "warehouse").start()
    proc = cli("warehouse", "start", env={"LTVZAIKO_HOME": str(blocker), "LTVZAIKO_WAREHOUSE_URL": ""}, check=False)
    assert proc.returncode != 0
    assert "LTVZAIKO_HOME" in proc.stderr and "Traceback" not in proc.stderr


def test_foreign_data_directory_is_not_overwritten(tmp_path):
    pgdata = tmp_path / "warehouse" / "pgdata"
    pgdata.mkdir(parents=True)
    (pgdata / "precious.txt").write_text("do not touch")
    with pytest.raises(WarehouseError, match="not a PostgreSQL data directory"):
        EmbeddedWarehouse(tmp_path / "warehouse").start()
    assert (pgdata / "precious.txt").read_text() == "do not touch"


def test_external_url_replaces_the_embedded_server(tmp_path):
    settings = load_settings({"LTVZAIKO_HOME": str(tmp_path),
                              "LTVZAIKO_WAREHOUSE_URL": "postgresql://bi:s3cret@db.example:6543/shop"})
    target = resolve_target(settings)
    assert not target.embedded
    assert target.parts == {"host": "db.example", "port": 6543, "user": "bi", "password": "s3cret", "dbname": "shop"}
    assert target.airflow_db_url == "postgresql://bi:s3cret@db.example:6543/airflow"
    assert target.airflow_conn_uri.startswith("postgres://")
    assert "s3cret" not in target.redacted()
    assert not (tmp_path / "warehouse").exists()  # nothing embedded was created


def test_state_file_with_password_is_private(warehouse):
    if not warehouse.embedded:
        pytest.skip("embedded only")
    state = load_settings().warehouse_dir / "state.json"
    assert stat.S_IMODE(os.stat(state).st_mode) == 0o600
