"""The Airflow installation the project manages: its home, its environment and its metadata database.

Airflow's metadata database lives in the same PostgreSQL server as the warehouse (database
``airflow``), so the LocalExecutor works and ``airflow standalone`` shows the project's DAGs.
"""
from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

from ..settings import Settings, load_settings
from ..warehouse.connection import WarehouseTarget, ensure_airflow_database, resolve_target

DAG_ID = "ltvzaiko_daily"
TELEMETRY_OFF = {
    "AIRFLOW__COSMOS__ENABLE_TELEMETRY": "False",
    "DO_NOT_TRACK": "1",
    "DBT_SEND_ANONYMOUS_USAGE_STATS": "False",
    "SCARF_ANALYTICS": "false",
}


WAREHOUSE_POOL = "ltvzaiko_warehouse"
POOLS = {
    WAREHOUSE_POOL: (4, "ltvzaiko_daily's tasks: each runs SQL, COPY or dbt against the warehouse, or fits a model "
                        "on data read from it. Bounds how many hit the warehouse (and the workers' memory) at once."),
}
"""Airflow pools the DAG's tasks run in: name -> (slots, description). Created by :func:`prepare_airflow` (and by
``airflow-init`` in docker-compose.yml); resize one with ``airflow pools set NAME SLOTS DESCRIPTION``."""


class AirflowCommandError(RuntimeError):
    pass


def airflow_env(settings: Settings, target: WarehouseTarget, api_port: int | None = None) -> dict[str, str]:
    """Environment for every Airflow process the project starts. The API server / UI port is ``api_port``, else
    ``LTVZAIKO_AIRFLOW_PORT``, else 8080."""
    api_port = api_port or int(os.environ.get("LTVZAIKO_AIRFLOW_PORT") or 8080)
    env = {k: v for k, v in os.environ.items() if not k.startswith("AIRFLOW__")}
    env.update(TELEMETRY_OFF)
    # Airflow's own subprocesses (standalone, task runners) look for `airflow` on PATH: use this venv's.
    venv_bin = str(Path(sys.executable).parent)
    env["PATH"] = venv_bin + os.pathsep + env.get("PATH", "")
    env.update({
        "AIRFLOW_HOME": str(settings.airflow_home),
        "AIRFLOW__CORE__DAGS_FOLDER": str(settings.dags_dir),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__CORE__EXECUTOR": "LocalExecutor",
        "AIRFLOW__CORE__DEFAULT_TIMEZONE": "Asia/Tokyo",
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": target.airflow_sqlalchemy_url,
        "AIRFLOW__API__HOST": "127.0.0.1",
        "AIRFLOW__API__PORT": str(api_port),
        "AIRFLOW__API__BASE_URL": f"http://127.0.0.1:{api_port}",
        "AIRFLOW__CORE__EXECUTION_API_SERVER_URL": f"http://127.0.0.1:{api_port}/execution/",
        "AIRFLOW__LOGGING__LOGGING_LEVEL": "INFO",
        "AIRFLOW_CONN_LTVZAIKO_WAREHOUSE": target.airflow_conn_uri,
        "LTVZAIKO_HOME": str(settings.home),
        "LTVZAIKO_LANDING_DIR": str(settings.landing_dir),
        "LTVZAIKO_DBT_PROJECT_DIR": str(settings.dbt_project_dir),
        "LTVZAIKO_DAGS_DIR": str(settings.dags_dir),
        "LTVZAIKO_WAREHOUSE_URL": target.url,
        "LTVZAIKO_AIRFLOW_DB_URL": target.airflow_db_url,
        "PYTHONWARNINGS": "ignore::DeprecationWarning",
    })
    return env


def airflow_bin() -> str:
    return str(Path(sys.executable).with_name("airflow"))


def run_airflow(args: list[str], env: dict[str, str], capture: bool = True, timeout: float | None = None
                ) -> subprocess.CompletedProcess:
    proc = subprocess.run([airflow_bin(), *args], env=env, text=True, timeout=timeout,
                          capture_output=capture, stdin=subprocess.DEVNULL)
    return proc


def prepare_airflow(settings: Settings | None = None) -> tuple[dict[str, str], WarehouseTarget]:
    """Start the warehouse if embedded, create and migrate Airflow's metadata DB; return Airflow's env."""
    settings = settings or load_settings()
    target = resolve_target(settings, start=True)
    ensure_airflow_database(target)
    settings.airflow_home.mkdir(parents=True, exist_ok=True)
    env = airflow_env(settings, target)
    marker = settings.airflow_home / ".migrated"
    version = _airflow_version()
    # the marker names the database by a digest: the URL holds its password, which stays out of files
    stamp = "|".join([version, hashlib.sha256(target.airflow_db_url.encode()).hexdigest(),
                      hashlib.sha256(repr(sorted(POOLS.items())).encode()).hexdigest()])
    if not marker.exists() or marker.read_text() != stamp:
        proc = run_airflow(["db", "migrate"], env)
        if proc.returncode != 0:
            raise AirflowCommandError(f"`airflow db migrate` failed:\n{proc.stderr[-4000:]}")
        ensure_pools(env)
        marker.write_text(stamp)
    return env, target


def ensure_pools(env: dict[str, str]) -> None:
    """Create (or resize) the pools of :data:`POOLS` in Airflow's metadata database."""
    for name, (slots, description) in POOLS.items():
        proc = run_airflow(["pools", "set", name, str(slots), description], env)
        if proc.returncode != 0:
            raise AirflowCommandError(f"`airflow pools set {name}` failed:\n{proc.stderr[-4000:]}")


def _airflow_version() -> str:
    from importlib.metadata import version

    return version("apache-airflow-core")
