"""Benchmark steps. Each runs in its own process (``python -m ltvzaiko_tasks.bench.steps NAME JSON``) so its
peak memory is its own; it prints one JSON object on its last line."""
from __future__ import annotations

import json
import os
import resource
import shutil
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

STEPS = ("world", "backfill", "daily_run", "ingest", "raw_copy", "dbt_build", "ltv", "forecast", "portfolio",
         "orders")


def _peak_mb() -> float:
    """Peak RSS of this process or of its largest finished child (e.g. the ``airflow dags test`` process)."""
    return max(resource.getrusage(who).ru_maxrss for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)) / 1024


def _dir_mb(path: Path) -> float:
    return sum(p.stat().st_size for p in Path(path).rglob("*") if p.is_file()) / 1e6


def _db_url(base_url: str, db: str) -> str:
    return urlunsplit(urlsplit(base_url)._replace(path="/" + db))


def step_world(a: dict) -> dict:
    from ..world import generate_landing

    t0 = time.perf_counter()
    w = generate_landing(a["scale"], a["seed"], a["start"], a["days"], Path(a["landing"]))
    secs = time.perf_counter() - t0
    return {"seconds": secs, "days": a["days"], "files": len(w.files), "landing_mb": _dir_mb(Path(a["landing"])),
            "truth_mb": _dir_mb(w.truth_dir) if w.truth_dir else None, "seconds_per_day": secs / a["days"]}


def _fresh_db(url: str, db: str) -> str:
    import psycopg
    from psycopg import sql

    with psycopg.connect(url, autocommit=True) as admin:
        admin.execute(sql.SQL("drop database if exists {} with (force)").format(sql.Identifier(db)))
        admin.execute(sql.SQL("create database {}").format(sql.Identifier(db)))
    return _db_url(url, db)


def step_ingest(a: dict) -> dict:
    """Gate (structure + GX suite) and COPY every file of every source, masters first, as the DAG does."""
    import psycopg

    from ..ingest.flatteners import FLATTENERS
    from ..ingest.gate import gate_source
    from ..ingest.loader import load_source_files
    from ..ingest.sources import SOURCES
    from ..quality.runner import SuiteRunner

    url = _fresh_db(a["url"], a["db"])
    landing, work = Path(a["landing"]), Path(a["work"])
    dates = sorted(p.name for p in (landing / "store_pos").iterdir() if p.is_dir())
    runner = SuiteRunner()
    per_source, rows, gate_s, load_s = {}, 0, 0.0, 0.0
    with psycopg.connect(url) as conn:
        for source in SOURCES.values():
            t0 = time.perf_counter()
            g = gate_source(source, landing, dates, work / "work", work / "quarantine", conn, run_id="bench",
                            flatteners=FLATTENERS, runner=runner)
            t1 = time.perf_counter()
            loads = load_source_files(conn, source, g.accepted, run_id="bench")
            t2 = time.perf_counter()
            n = sum(r.rows_loaded for r in loads)
            per_source[source.name] = {"rows": n, "gate_seconds": t1 - t0, "load_seconds": t2 - t1}
            rows, gate_s, load_s = rows + n, gate_s + t1 - t0, load_s + t2 - t1
    shutil.rmtree(work / "work", ignore_errors=True)
    return {"rows": rows, "dates": len(dates), "gate_seconds": gate_s, "load_seconds": load_s,
            "seconds": gate_s + load_s, "rows_per_second": rows / (gate_s + load_s) if rows else None,
            "load_rows_per_second": rows / load_s if load_s else None, "per_source": per_source}


def step_raw_copy(a: dict) -> dict:
    """The floor: plain COPY of the same rows from the raw tables' own CSV dump into an unlogged copy."""
    import io

    import psycopg
    from psycopg import sql

    url = _db_url(a["url"], a["db"])
    rows, secs, per = 0, 0.0, {}
    with psycopg.connect(url, autocommit=True) as conn:
        tables = [r[0] for r in conn.execute("select table_name from information_schema.tables where "
                                             "table_schema = 'raw' and table_name <> 'load_audit'")]
        for t in tables:
            buf = io.BytesIO()
            with conn.cursor().copy(sql.SQL("copy {} to stdout with (format csv)").format(
                    sql.Identifier("raw", t))) as cp:
                for chunk in cp:
                    buf.write(chunk)
            data = buf.getvalue()
            conn.execute(sql.SQL("create unlogged table {} (like {})").format(
                sql.Identifier("raw", "zz_copy_" + t), sql.Identifier("raw", t)))
            t0 = time.perf_counter()
            with conn.cursor().copy(sql.SQL("copy {} from stdin with (format csv)").format(
                    sql.Identifier("raw", "zz_copy_" + t))) as cp:
                for i in range(0, len(data), 1 << 20):
                    cp.write(data[i:i + (1 << 20)])
            dt = time.perf_counter() - t0
            n = conn.execute(sql.SQL("select count(*) from {}").format(sql.Identifier("raw", "zz_copy_" + t))).fetchone()[0]
            conn.execute(sql.SQL("drop table {}").format(sql.Identifier("raw", "zz_copy_" + t)))
            rows, secs, per[t] = rows + n, secs + dt, {"rows": n, "seconds": dt}
    return {"rows": rows, "seconds": secs, "rows_per_second": rows / secs if secs else None, "per_table": per}


class _TreeRss:
    """Samples the summed RSS of this process and all its descendants (the whole process tree) in a thread."""

    def __init__(self, interval_s: float = 0.5):
        import threading

        self.interval_s, self.peak_mb = interval_s, 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _sample(self) -> float:
        import psutil

        me = psutil.Process()
        total = 0
        for proc in [me, *me.children(recursive=True)]:
            try:
                total += proc.memory_info().rss
            except psutil.Error:
                pass
        return total / 2**20

    def _run(self) -> None:
        while not self._stop.wait(self.interval_s):
            self.peak_mb = max(self.peak_mb, self._sample())

    def __enter__(self) -> "_TreeRss":
        self.peak_mb = self._sample()
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()


def _pipeline_settings(a: dict, fresh: bool):
    """The real pipeline pointed at the bench's own databases on the warehouse server (warehouse
    ``ltvzaiko_bench_<scale>_pipeline``, Airflow metadata ``ltvzaiko_bench_<scale>_airflow``) and its own
    LTVZAIKO_HOME under the bench work directory: never the user's marts or Airflow."""
    from ..settings import load_settings

    wh_db, af_db = f"{a['db']}_pipeline", f"{a['db']}_airflow"
    home = Path(a["work"]) / f"pipeline_home_{a['scale']}"
    if fresh:
        _fresh_db(a["url"], wh_db)
        _fresh_db(a["url"], af_db)
        shutil.rmtree(home, ignore_errors=True)
    os.environ.update({"LTVZAIKO_HOME": str(home), "LTVZAIKO_WAREHOUSE_URL": _db_url(a["url"], wh_db),
                       "LTVZAIKO_AIRFLOW_DB_URL": _db_url(a["url"], af_db)})
    os.environ.pop("AIRFLOW_HOME", None)  # the pipeline's Airflow lives in its own home
    return load_settings(), _db_url(a["url"], wh_db)


def _landing_dates(landing: Path) -> list[str]:
    return sorted(p.name for p in (landing / "store_pos").iterdir() if p.is_dir())


def _pipeline_run(a: dict, fresh: bool, **window) -> dict:
    """One ``ltvzaiko run`` through Airflow (``dags test``, as the CLI does), timed from the user's side:
    dbt manifest, metadata DB migration and the DAG run itself."""
    import psycopg

    from ..orchestration.dag_runner import run_daily_dag

    t0 = time.perf_counter()
    settings, url = _pipeline_settings(a, fresh)
    with _TreeRss() as tree:
        res = run_daily_dag(Path(a["landing"]), settings=settings, **window)
    secs = time.perf_counter() - t0
    if not res.success:
        raise RuntimeError(f"DAG run {window} failed after {res.seconds:.0f}s: {res.error} (log {res.log_path})")
    with psycopg.connect(url) as conn:
        mart_rows = conn.execute("select count(*) from marts.mart_channel_sales_daily").fetchone()[0]
        raw_lines = conn.execute("select count(*) from raw.store_pos_lines").fetchone()[0]
    return {"seconds": secs, "dag_seconds": res.seconds, "setup_seconds": secs - res.seconds,
            "tasks": len(res.tasks_finished), "peak_tree_rss_mb": tree.peak_mb,
            "children_peak_rss_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
            "mart_channel_sales_daily_rows": mart_rows, "raw_store_pos_lines": raw_lines,
            "log": str(res.log_path), **window}


def step_backfill(a: dict) -> dict:
    """The real pipeline's backfill: every generated day but the last in one DAG run, on fresh databases."""
    dates = _landing_dates(Path(a["landing"]))
    if len(dates) < 2:
        raise ValueError("backfill needs a landing zone of at least two days (the last is the daily run's)")
    return {"days": len(dates) - 1, **_pipeline_run(a, True, date_from=dates[0], date_to=dates[-2])}


def step_daily_run(a: dict) -> dict:
    """The real pipeline's daily run of the last generated day, on top of the backfill step's databases."""
    dates = _landing_dates(Path(a["landing"]))
    import psycopg

    try:
        with psycopg.connect(_db_url(a["url"], f"{a['db']}_pipeline")) as conn:
            conn.execute("select 1 from marts.mart_channel_sales_daily limit 1")
    except psycopg.Error:
        raise RuntimeError("daily_run runs on top of the backfill step: run `--steps backfill,daily_run`") from None
    return {"days": 1, **_pipeline_run(a, False, business_date=dates[-1])}


def step_dbt_build(a: dict) -> dict:
    """``dbt build`` (models + tests) of the warehouse models on the ingested database, full then again."""
    from dbt.cli.main import dbtRunner

    from ..orchestration.dbt_manifest import dbt_profile_env
    from ..settings import load_settings

    os.environ.update(dbt_profile_env(_db_url(a["url"], a["db"])))
    project = load_settings().dbt_project_dir
    args = ["build", "--project-dir", str(project), "--profiles-dir", str(project), "--exclude", "tag:decisions",
            "--target-path", str(Path(a["work"]) / "dbt_target"), "--log-path", str(Path(a["work"]) / "dbt_logs"),
            "--quiet"]
    out = {}
    for label, extra in (("full", ["--full-refresh"]), ("incremental", [])):
        t0 = time.perf_counter()
        res = dbtRunner().invoke(args + extra)
        out[f"{label}_seconds"] = time.perf_counter() - t0
        out[f"{label}_success"] = bool(res.success)
        if res.result is not None:
            out[f"{label}_nodes"] = len(res.result)
    return out


def step_ltv(a: dict) -> dict:
    from ..ltv.benchmark import bench_ltv

    return bench_ltv(a.get("customers", 1_000_000))


def step_forecast(a: dict) -> dict:
    """The pipeline's forecaster on a year of the world at the bench's scale, scored on the next 28 days against
    the world's true demand, beside seasonal naive, a moving average and statsforecast (docs/forecast.md)."""
    os.environ.setdefault("OMP_WAIT_POLICY", "passive")
    from ..forecast.benchmark import bench_forecast_world

    return bench_forecast_world(a["scale"], a.get("seed", 1), a.get("forecast_start", "2024-04-01"),
                                a.get("forecast_history_days", 365), a.get("forecast_horizon_days", 28))


def step_portfolio(a: dict) -> dict:
    from ..portfolio.benchmark import bench_portfolio

    return bench_portfolio(a.get("customers", 1_000_000), a.get("skus", 10_000))


def step_orders(a: dict) -> dict:
    import numpy as np
    import pandas as pd

    from ..replenishment import recommend_orders

    n = a.get("rows", 100_000)
    rng = np.random.default_rng(0)
    mean = rng.gamma(2, 10, n)
    rows = pd.DataFrame({"on_hand": rng.integers(0, 80, n), "on_order": rng.integers(0, 30, n),
                         "demand_mean": mean, "demand_sd": np.sqrt(mean) * 1.3,
                         "lead_time_mean_days": rng.integers(7, 30, n).astype(float),
                         "lead_time_sd_days": rng.uniform(0, 5, n), "unit_cost_jpy": rng.integers(500, 5000, n),
                         "price_jpy": 0.0, "case_pack": rng.choice([1, 6, 12], n), "moq": rng.choice([0, 12], n),
                         "item_type": rng.choice(["staple", "seasonal"], n, p=[0.6, 0.4]),
                         "ltv_weight": rng.choice([0.5, 1.0, 2.5], n)})
    rows["price_jpy"] = rows["unit_cost_jpy"] * 2.5
    t0 = time.perf_counter()
    recommend_orders(rows)
    return {"rows": n, "seconds": time.perf_counter() - t0}


def main(argv: list[str]) -> int:
    name, args = argv[0], json.loads(argv[1]) if len(argv) > 1 else {}
    t0 = time.perf_counter()
    result = globals()[f"step_{name}"](args)
    result = {"step": name, "wall_seconds": time.perf_counter() - t0, "peak_rss_mb": _peak_mb(), **result}
    print(json.dumps(result, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
