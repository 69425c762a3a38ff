"""Shared fixtures: one embedded PostgreSQL server and one Airflow home per test session.

Set LTVZAIKO_WAREHOUSE_URL to run the suite against an existing PostgreSQL instead.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
_SESSION_HOME = Path(tempfile.mkdtemp(prefix="ltvzaiko-test-"))

# Before anything imports Airflow: point it at the session's own home, never at ~/airflow.
os.environ["LTVZAIKO_HOME"] = str(_SESSION_HOME)
os.environ["AIRFLOW_HOME"] = str(_SESSION_HOME / "airflow")
os.environ.setdefault("AIRFLOW__CORE__LOAD_EXAMPLES", "False")
os.environ["AIRFLOW__CORE__DAGS_FOLDER"] = str(REPO / "dags")
for key, value in {"AIRFLOW__COSMOS__ENABLE_TELEMETRY": "False", "DO_NOT_TRACK": "1",
                   "DBT_SEND_ANONYMOUS_USAGE_STATS": "False"}.items():
    os.environ[key] = value


def cli(*args: str, env: dict | None = None, check: bool = True) -> subprocess.CompletedProcess:
    """Run the installed ``ltvzaiko`` console script the way a user would."""
    exe = Path(sys.executable).with_name("ltvzaiko")
    proc = subprocess.run([str(exe), *args], capture_output=True, text=True, env={**os.environ, **(env or {})},
                          stdin=subprocess.DEVNULL, cwd=str(REPO))
    if check and proc.returncode != 0:
        raise AssertionError(f"ltvzaiko {' '.join(args)} exited {proc.returncode}\n{proc.stdout}\n{proc.stderr}")
    return proc


@pytest.fixture(scope="session")
def session_home() -> Path:
    return _SESSION_HOME


@pytest.fixture(scope="session")
def warehouse(session_home):
    """The session's warehouse target (embedded server started once, stopped at the end)."""
    from ltvzaiko_tasks.settings import load_settings
    from ltvzaiko_tasks.warehouse.connection import resolve_target
    from ltvzaiko_tasks.warehouse.embedded import EmbeddedWarehouse

    settings = load_settings()
    target = resolve_target(settings, start=True)
    yield target
    if target.embedded:
        EmbeddedWarehouse(settings.warehouse_dir).stop()


@pytest.fixture(scope="session")
def manifest(session_home):
    from ltvzaiko_tasks.orchestration.dbt_manifest import build_manifest

    return build_manifest()


@pytest.fixture(scope="session")
def tiny_landing(session_home) -> Path:
    from ltvzaiko_tasks.world import generate_landing

    out = session_home / "landing_tiny"
    generate_landing("tiny", seed=7, start="2025-04-01", days=3, out=out)
    return out



# ---- the model world: one 50-day tiny world built through dbt and the model stages, shared by model tests ----
import uuid  # noqa: E402
from datetime import date  # noqa: E402
from urllib.parse import unquote, urlsplit, urlunsplit  # noqa: E402

import pandas as pd  # noqa: E402

START, DAYS = "2025-02-01", 50
DATES = [str(d.date()) for d in pd.date_range(START, periods=DAYS)]
AS_OF = date.fromisoformat(DATES[-1])


def model_world_forecast_settings():
    from ltvzaiko_tasks.forecast import XGBoostParams
    from ltvzaiko_tasks.stages.forecast_stage import ForecastSettings

    # two rolling origins fit into 50 days with a 14-day horizon when they are 5 days apart and 30 days of
    # history are enough to train on; a small booster keeps the fixture quick
    return ForecastSettings(horizon_days=14, min_history_days=30, backtest_windows=2, backtest_step_days=5,
                            booster=XGBoostParams(n_estimators=60, learning_rate=0.15, max_depth=4,
                                                  quantile_n_estimators=40, quantile_learning_rate=0.15))


@pytest.fixture(scope="session")
def built(warehouse, tmp_path_factory):
    """Load a 50-day tiny world, build the warehouse, run the model stages and build the decision marts, once per
    test session. Yields (database url, figures of each stage). Tests must not change this database; copy what
    they corrupt into their own tables or roll back."""
    import psycopg
    from dbt.cli.main import dbtRunner
    from psycopg import sql
    from test_dbt_models import DBT_DIR, load_raw

    from ltvzaiko_tasks.stages.customer_value_stage import score_customer_value
    from ltvzaiko_tasks.stages.forecast_stage import forecast_demand
    from ltvzaiko_tasks.stages.item_value_stage import value_items
    from ltvzaiko_tasks.stages.orders_stage import recommend_replenishment
    from ltvzaiko_tasks.world import generate_landing

    FORECAST_SETTINGS = model_world_forecast_settings()
    tmp = tmp_path_factory.mktemp("model_stages")
    generate_landing("tiny", seed=5, start=START, days=DAYS, out=tmp / "landing", write_truth=False)
    name = f"ltvzaiko_models_{uuid.uuid4().hex[:8]}"
    admin = psycopg.connect(warehouse.url, autocommit=True)
    admin.execute(sql.SQL("create database {}").format(sql.Identifier(name)))
    url = urlunsplit(urlsplit(warehouse.url)._replace(path="/" + name))
    load_raw(url, tmp / "landing", DATES, tmp / "work")
    u = urlsplit(url)
    env = {"LTVZAIKO_DBT_HOST": u.hostname or "127.0.0.1", "LTVZAIKO_DBT_PORT": str(u.port or 5432),
           "LTVZAIKO_DBT_USER": unquote(u.username or ""), "LTVZAIKO_DBT_PASSWORD": unquote(u.password or ""),
           "LTVZAIKO_DBT_DBNAME": name, "DBT_SEND_ANONYMOUS_USAGE_STATS": "False"}
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)

    def dbt(*args):
        res = dbtRunner().invoke([*args, "--project-dir", str(DBT_DIR), "--profiles-dir", str(DBT_DIR),
                                  "--target-path", str(tmp / "target"), "--log-path", str(tmp / "logs"), "--quiet"])
        assert res.success, f"dbt {' '.join(args)} failed: {res.exception or res.result}"

    try:
        dbt("build", "--exclude", "tag:decisions")
        figures = {}
        with psycopg.connect(url) as conn:
            figures["customer_value"] = score_customer_value(conn, AS_OF)
            figures["item_value"] = value_items(conn, AS_OF)
            figures["forecast"] = forecast_demand(conn, AS_OF, FORECAST_SETTINGS)
            figures["orders"] = recommend_replenishment(conn, AS_OF)
        dbt("build", "--select", "tag:decisions")
        yield url, figures
    finally:
        for k, v in saved.items():
            os.environ.pop(k, None) if v is None else os.environ.__setitem__(k, v)
        admin.execute(sql.SQL("drop database if exists {} with (force)").format(sql.Identifier(name)))
        admin.close()



def pytest_sessionfinish(session, exitstatus):
    if os.environ.get("LTVZAIKO_KEEP_TEST_HOME") != "1":
        shutil.rmtree(_SESSION_HOME, ignore_errors=True)
