"""The settings a CeleryExecutor deployment of ``ltvzaiko_daily`` needs (Airflow 3, Celery provider 3.x).

In Airflow 3 a Celery worker does not touch the metadata database: each task runs under a supervisor that
talks to the api-server's Task Execution API (``/execution/``) with a JWT the scheduler signed. So every
Airflow process (api-server, scheduler, dag-processor, workers) must share:

* the executor and the broker (``AIRFLOW__CORE__EXECUTOR``, ``AIRFLOW__CELERY__BROKER_URL``),
* where task states go (``AIRFLOW__CELERY__RESULT_BACKEND``, a ``db+postgresql://`` URL),
* where workers reach the api-server (``AIRFLOW__CORE__EXECUTION_API_SERVER_URL``),
* the JWT signing secret (``AIRFLOW__API_AUTH__JWT_SECRET``; without it each process makes up its own and the
  api-server rejects the workers' tokens) and the API secret key (``AIRFLOW__API__SECRET_KEY``, which also
  signs the api-server's requests for task logs served by the workers).

docker-compose.yml sets the same variables (tests/test_compose.py checks it against ``REQUIRED_SETTINGS``);
tests/test_celery.py runs the DAG with them on a real worker. See docs/operations.md.
"""
from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

EXECUTOR = "CeleryExecutor"
REQUIRED_SETTINGS = (
    "AIRFLOW__CORE__EXECUTOR",
    "AIRFLOW__CELERY__BROKER_URL",
    "AIRFLOW__CELERY__RESULT_BACKEND",
    "AIRFLOW__CORE__EXECUTION_API_SERVER_URL",
    "AIRFLOW__API_AUTH__JWT_SECRET",
    "AIRFLOW__API__SECRET_KEY",
)
"""Environment every Airflow process of a Celery deployment must set, to the same values."""

WORKER_APP = "airflow.providers.celery.executors.celery_executor.app"
"""The Celery app (``celery --app ... inspect ping`` for a worker's health)."""


def result_backend_url(metadata_db_url: str) -> str:
    """Celery's SQLAlchemy result backend in the metadata database: ``db+postgresql://...`` (psycopg2)."""
    u = urlsplit(metadata_db_url)
    return urlunsplit(u._replace(scheme="db+postgresql"))


def celery_env(env: dict[str, str], *, broker_url: str, metadata_db_url: str, jwt_secret: str,
               api_secret_key: str, queue: str | None = None, worker_concurrency: int | None = None,
               worker_log_port: int | None = None) -> dict[str, str]:
    """``env`` (an Airflow environment, e.g. ``airflow_home.airflow_env``) switched to the CeleryExecutor."""
    out = dict(env)
    out.update({
        "AIRFLOW__CORE__EXECUTOR": EXECUTOR,
        "AIRFLOW__CELERY__BROKER_URL": broker_url,
        "AIRFLOW__CELERY__RESULT_BACKEND": result_backend_url(metadata_db_url),
        "AIRFLOW__API_AUTH__JWT_SECRET": jwt_secret,
        "AIRFLOW__API__SECRET_KEY": api_secret_key,
    })
    if "AIRFLOW__CORE__EXECUTION_API_SERVER_URL" not in out:
        raise ValueError("the environment names no AIRFLOW__CORE__EXECUTION_API_SERVER_URL for the workers")
    if queue:
        out["AIRFLOW__OPERATORS__DEFAULT_QUEUE"] = queue  # tasks without a queue of their own go here
    if worker_concurrency:
        out["AIRFLOW__CELERY__WORKER_CONCURRENCY"] = str(worker_concurrency)
    if worker_log_port:
        out["AIRFLOW__LOGGING__WORKER_LOG_SERVER_PORT"] = str(worker_log_port)
    return out
