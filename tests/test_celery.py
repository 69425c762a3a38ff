"""The same DAG under the CeleryExecutor: Redis broker, PostgreSQL metadata DB and result backend, a real worker.

Starts api-server (Task Execution API), scheduler, dag-processor and one Celery worker as subprocesses in a
temporary AIRFLOW_HOME, triggers one `ltvzaiko_daily` run for one business date of the tiny landing zone and
waits for it. The metadata DB, the result backend and the warehouse are fresh databases in the suite's
embedded PostgreSQL server; the broker is a Redis database nobody else uses, with a queue of the test's own.

Skips only when Redis is not reachable (LTVZAIKO_TEST_REDIS_URL, default redis://127.0.0.1:6379).
"""
from __future__ import annotations

import json
import os
import secrets
import signal
import socket
import subprocess
import time
import urllib.request
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest
from psycopg import sql

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(1500)]

REDIS_URL = os.environ.get("LTVZAIKO_TEST_REDIS_URL", "redis://127.0.0.1:6379")
RUN_TIMEOUT_S = float(os.environ.get("LTVZAIKO_TEST_CELERY_TIMEOUT", "900"))
BUSINESS_DATE = "2025-04-01"


def _redis(host: str, port: int, *commands: tuple[str, ...]) -> list[bytes]:
    """Redis commands over a plain socket (RESP), so the skip check needs no client library; one simple reply
    line each (``+OK``, ``:0``, ``-ERR ...``)."""
    payload = b"".join(f"*{len(c)}\r\n".encode() + b"".join(f"${len(w.encode())}\r\n{w}\r\n".encode() for w in c)
                       for c in commands)
    with socket.create_connection((host, port), timeout=3) as s:
        s.sendall(payload)
        data = b""
        while data.count(b"\r\n") < len(commands):
            chunk = s.recv(4096)
            if not chunk:
                break
            data += chunk
    return data.split(b"\r\n")[:len(commands)]


def _redis_or_skip() -> tuple[str, int]:
    u = urlsplit(REDIS_URL)
    host, port = u.hostname or "127.0.0.1", u.port or 6379
    try:
        reply = _redis(host, port, ("PING",))[0]
    except OSError as exc:
        pytest.skip(f"Redis is not reachable at {host}:{port} ({exc}); the CeleryExecutor test needs a Redis "
                    "broker (set LTVZAIKO_TEST_REDIS_URL to use another)")
    if reply != b"+PONG":
        pytest.skip(f"{host}:{port} did not answer PING like Redis ({reply[:60]!r})")
    return host, port


def _free_redis_db(host: str, port: int) -> int:
    """An empty Redis database (highest first), so the test's keys clash with nobody's."""
    for db in range(15, 0, -1):
        if _redis(host, port, ("SELECT", str(db)), ("DBSIZE",)) == [b"+OK", b":0"]:
            return db
    pytest.fail(f"no empty Redis database on {host}:{port} for the test")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _db_url(url: str, db: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path="/" + db))


class Stack:
    """Airflow processes of one deployment; each in its own process group so teardown reaches every child."""

    def __init__(self, env: dict[str, str], log_dir: Path):
        self.env, self.log_dir, self.procs = env, log_dir, {}

    def start(self, name: str, *args: str) -> None:
        from ltvzaiko_tasks.orchestration.airflow_home import airflow_bin

        out = open(self.log_dir / f"{name}.log", "w")
        self.procs[name] = subprocess.Popen([airflow_bin(), *args], env=self.env, stdout=out,
                                            stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                            start_new_session=True)

    def check_alive(self) -> None:
        for name, proc in self.procs.items():
            if proc.poll() is not None:
                raise AssertionError(f"airflow {name} exited with {proc.returncode}:\n{self.tail(name)}")

    def tail(self, name: str, chars: int = 4000) -> str:
        path = self.log_dir / f"{name}.log"
        return path.read_text(errors="replace")[-chars:] if path.exists() else ""

    def stop(self) -> None:
        for sig, wait_s in ((signal.SIGTERM, 30), (signal.SIGKILL, 10)):
            alive = [p for p in self.procs.values() if p.poll() is None or _group_alive(p.pid)]
            for proc in alive:
                try:
                    os.killpg(proc.pid, sig)
                except ProcessLookupError:
                    pass
            deadline = time.monotonic() + wait_s
            for proc in alive:
                try:
                    proc.wait(timeout=max(0.1, deadline - time.monotonic()))
                except subprocess.TimeoutExpired:
                    pass
            if not any(_group_alive(p.pid) for p in self.procs.values()):
                return


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
        return True
    except ProcessLookupError:
        return False
    except PermissionError:
        return True


def _airflow(env: dict[str, str], *args: str, timeout: float = 180) -> str:
    from ltvzaiko_tasks.orchestration.airflow_home import airflow_bin

    proc = subprocess.run([airflow_bin(), *args], env=env, capture_output=True, text=True, timeout=timeout,
                          stdin=subprocess.DEVNULL)
    assert proc.returncode == 0, f"airflow {' '.join(args)} exited {proc.returncode}:\n{proc.stderr[-3000:]}"
    return proc.stdout


def _wait(what: str, check, timeout_s: float, stack: Stack, every_s: float = 2.0):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        stack.check_alive()
        value = check()
        if value:
            return value
        time.sleep(every_s)
    raise AssertionError(f"timed out after {timeout_s:.0f}s waiting for {what}\n--- scheduler ---\n"
                         f"{stack.tail('scheduler')}\n--- worker ---\n{stack.tail('worker')}")


def _task_errors(env: dict[str, str], run_id: str, limit: int = 3) -> str:
    """The error lines of the first failed tasks' logs (written by the worker under AIRFLOW_HOME/logs)."""
    out = []
    for log in sorted((Path(env["AIRFLOW_HOME"]) / "logs").glob(f"dag_id=*/run_id={run_id}/task_id=*/*.log")):
        errors = [ln[:1500] for ln in log.read_text(errors="replace").splitlines() if '"level":"error"' in ln]
        if errors:
            out.append(f"--- {log.parent.name}\n" + "\n".join(errors[:5]))
        if len(out) >= limit:
            break
    return "\n".join(out) or "(no task log has an error line)"


@pytest.fixture(scope="session")
def redis_server() -> tuple[str, int]:
    """Redis's host and port; skips (before the warehouse starts) when it is not reachable."""
    return _redis_or_skip()


@pytest.fixture
def celery_deployment(redis_server, warehouse, manifest, tmp_path):
    """A CeleryExecutor deployment of the project on fresh databases; yields (env, stack, dbs, queue)."""
    host, port = redis_server
    from ltvzaiko_tasks.orchestration import airflow_home
    from ltvzaiko_tasks.orchestration.airflow_home import airflow_env
    from ltvzaiko_tasks.orchestration.celery_settings import celery_env
    from ltvzaiko_tasks.settings import load_settings
    from ltvzaiko_tasks.warehouse.connection import WarehouseTarget

    tag = uuid.uuid4().hex[:8]
    dbs = {"warehouse": f"ltvzaiko_celery_wh_{tag}", "airflow": f"ltvzaiko_celery_af_{tag}"}
    with psycopg.connect(warehouse.url, autocommit=True) as admin:
        for db in dbs.values():
            admin.execute(sql.SQL("create database {}").format(sql.Identifier(db)))
    urls = {k: _db_url(warehouse.url, v) for k, v in dbs.items()}
    home = tmp_path / "home"
    settings = load_settings({**os.environ, "LTVZAIKO_HOME": str(home), "LTVZAIKO_WAREHOUSE_URL": urls["warehouse"],
                              "LTVZAIKO_AIRFLOW_DB_URL": urls["airflow"]})
    target = WarehouseTarget(url=urls["warehouse"], airflow_db_url=urls["airflow"], embedded=False)
    redis_db, queue = _free_redis_db(host, port), f"ltvzaiko_test_{tag}"
    env = celery_env(airflow_env(settings, target, api_port=_free_port()),
                     broker_url=f"redis://{host}:{port}/{redis_db}", metadata_db_url=urls["airflow"],
                     jwt_secret=secrets.token_urlsafe(32), api_secret_key=secrets.token_urlsafe(32),
                     queue=queue, worker_concurrency=2, worker_log_port=_free_port())
    env.update({
        "AIRFLOW_HOME": str(tmp_path / "airflow_home"),
        "AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION": "False",
        "AIRFLOW__SCHEDULER__USE_JOB_SCHEDULE": "False",  # only the triggered run, never a cron run
        "AIRFLOW__API__WORKERS": "1",
        "LTVZAIKO_HOME": str(home), "LTVZAIKO_WAREHOUSE_URL": urls["warehouse"],
        "LTVZAIKO_AIRFLOW_DB_URL": urls["airflow"],
    })
    (tmp_path / "airflow_home").mkdir()
    home.mkdir()
    log_dir = tmp_path / "logs"
    log_dir.mkdir()
    _airflow(env, "db", "migrate", timeout=600)
    ensure_pools = getattr(airflow_home, "ensure_pools", None)  # the pools the DAG's tasks run in, as the CLI makes
    if ensure_pools:
        ensure_pools(env)
    stack = Stack(env, log_dir)
    try:
        stack.start("api-server", "api-server", "--workers", "1")
        stack.start("scheduler", "scheduler")
        stack.start("dag-processor", "dag-processor")
        stack.start("worker", "celery", "worker", "--queues", queue, "--concurrency", "2",
                    "--celery-hostname", f"ltvzaiko-test-{tag}@%h")
        yield env, stack, urls, queue
    finally:
        stack.stop()
        try:
            _redis(host, port, ("SELECT", str(redis_db)), ("FLUSHDB",))  # the test's own database: empty again
        except OSError:
            pass
        with psycopg.connect(warehouse.url, autocommit=True) as admin:
            for db in dbs.values():
                admin.execute(sql.SQL("drop database if exists {} with (force)").format(sql.Identifier(db)))


def test_daily_dag_runs_on_a_celery_worker(celery_deployment, tiny_landing):
    env, stack, urls, queue = celery_deployment
    api = env["AIRFLOW__API__BASE_URL"]

    def api_healthy():
        try:
            with urllib.request.urlopen(f"{api}/api/v2/monitor/health", timeout=5) as resp:
                return resp.status == 200
        except OSError:
            return False

    _wait("the api-server", api_healthy, 240, stack)
    with psycopg.connect(urls["airflow"], autocommit=True) as meta:
        def dag_parsed():
            row = meta.execute("select is_paused from dag where dag_id = 'ltvzaiko_daily'").fetchone()
            return row is not None and not row[0]

        _wait("the dag-processor to parse ltvzaiko_daily", dag_parsed, 300, stack)

        run_id = f"celery_test_{uuid.uuid4().hex[:8]}"
        conf = {"business_date": BUSINESS_DATE, "landing_dir": str(tiny_landing)}
        _airflow(env, "dags", "trigger", "ltvzaiko_daily", "--run-id", run_id, "--conf", json.dumps(conf))

        def run_finished():
            row = meta.execute("select state from dag_run where dag_id = 'ltvzaiko_daily' and run_id = %s",
                               (run_id,)).fetchone()
            return row[0] if row and row[0] in ("success", "failed") else None

        state = _wait(f"DAG run {run_id}", run_finished, RUN_TIMEOUT_S, stack, every_s=5)
        tis = meta.execute("select task_id, map_index, state, queue, hostname, external_executor_id "
                           "from task_instance where dag_id = 'ltvzaiko_daily' and run_id = %s", (run_id,)).fetchall()
        failed = [(t, m, s) for t, m, s, *_ in tis if s != "success"]
        assert state == "success", f"run {state}; tasks not successful: {failed}\n{_task_errors(env, run_id)}"
        assert not failed and len(tis) > 20

        # every task instance went through Celery: our queue, a Celery task id, and that task's result SUCCESS
        # in the result backend (PostgreSQL) written by the worker
        assert {q for _, _, _, q, _, _ in tis} == {queue}
        celery_ids = {e for *_, e in tis}
        assert None not in celery_ids and len(celery_ids) == len(tis)
        def results():  # the worker stores a Celery result just after the Airflow task's state: allow it a moment
            found = dict(meta.execute("select task_id, status from celery_taskmeta where task_id = any(%s)",
                                      (list(celery_ids),)).fetchall())
            return found if set(found) == celery_ids and set(found.values()) == {"SUCCESS"} else None

        _wait("the Celery results of every task", results, 120, stack)
        assert all(h for *_, h, _ in tis)
    # the worker's own log received and finished those tasks
    worker_log = stack.tail("worker", 10_000_000)
    assert sum(f"[{cid}]" in worker_log for cid in celery_ids) == len(celery_ids)
    assert "succeeded in" in worker_log

    with psycopg.connect(urls["warehouse"]) as wh:
        rows = wh.execute("select count(*), min(sales_date)::text, max(sales_date)::text "
                          "from marts.mart_channel_sales_daily").fetchone()
        assert rows[0] > 0 and rows[1:] == (BUSINESS_DATE, BUSINESS_DATE)
        assert wh.execute("select count(*) from ops.run_summary").fetchone()[0] == 1
