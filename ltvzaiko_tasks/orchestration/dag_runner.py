"""Run ``ltvzaiko_daily`` through Airflow (``airflow dags test`` semantics) and report the outcome."""
from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass
from datetime import date, datetime, time as dtime, timedelta
from pathlib import Path

from ..settings import Settings, load_settings
from .airflow_home import DAG_ID, prepare_airflow, run_airflow
from .dbt_manifest import build_manifest

SCHEDULE_HOUR_JST = 6
_ERROR_LINE = re.compile(r"(Error|Failed|failed:|Exception)\b")


@dataclass(frozen=True)
class DagRunResult:
    conf: dict
    success: bool
    seconds: float
    log_path: Path
    tasks_finished: list[str]
    error: str | None


def logical_date_for(business_date: str) -> str:
    """The logical date a scheduled run for ``business_date`` would have: 06:00 JST the next day."""
    d = date.fromisoformat(business_date) + timedelta(days=1)
    return datetime.combine(d, dtime(SCHEDULE_HOUR_JST)).isoformat() + "+09:00"


def _summarise_failure(output: str) -> str:
    lines = output.splitlines()
    for marker in ("QualityGateFailed", "LandingFileError", "MissingExtractError", "Database Error", "Failure in test",
                   "Compilation Error"):
        hits = [ln.strip() for ln in lines if marker in ln]
        if hits:
            return hits[-1][:2000]
    errs = [ln.strip() for ln in lines if _ERROR_LINE.search(ln)]
    return (errs[-1] if errs else (lines[-1] if lines else "no output"))[:2000]


def run_daily_dag(landing_dir: Path, business_date: str | None = None, date_from: str | None = None,
                  date_to: str | None = None, settings: Settings | None = None) -> DagRunResult:
    """One DAG run for one business date, or for a backfill window ``date_from``..``date_to``."""
    settings = settings or load_settings()
    build_manifest(settings)
    env, _target = prepare_airflow(settings)
    conf: dict = {"landing_dir": str(Path(landing_dir).resolve())}
    if business_date:
        conf["business_date"] = business_date
        last = business_date
    else:
        conf["date_from"], conf["date_to"] = date_from, date_to
        last = date_to
    log_dir = settings.home / "logs"
    log_dir.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now().strftime("%Y%m%dT%H%M%S")
    log_path = log_dir / f"dag_run_{last}_{stamp}.log"
    started = time.monotonic()
    proc = run_airflow(["dags", "test", DAG_ID, logical_date_for(last), "-c", json.dumps(conf)], env)
    seconds = time.monotonic() - started
    output = (proc.stdout or "") + "\n" + (proc.stderr or "")
    log_path.write_text(output)
    finished = re.findall(r"end task task_id=(\S+)", output)
    ok = proc.returncode == 0 and "state=success" in output
    return DagRunResult(conf=conf, success=ok, seconds=seconds, log_path=log_path, tasks_finished=finished,
                        error=None if ok else _summarise_failure(output))
