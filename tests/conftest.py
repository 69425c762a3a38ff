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


def pytest_sessionfinish(session, exitstatus):
    if os.environ.get("LTVZAIKO_KEEP_TEST_HOME") != "1":
        shutil.rmtree(_SESSION_HOME, ignore_errors=True)
