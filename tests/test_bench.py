"""`ltvzaiko bench` measures for real and reports JSON (figures are read, never asserted as timings)."""
from __future__ import annotations

import json
import os

import pytest
from conftest import cli


def test_bench_reports_each_step_as_json(tmp_path, warehouse):
    out = tmp_path / "bench.json"
    proc = cli("bench", "--scale", "tiny", "--days", "2", "--steps", "world,ingest,raw_copy,orders",
               "--out", str(out), "--work", str(tmp_path / "work"))
    report = json.loads(out.read_text())
    assert json.loads(proc.stdout) == report
    steps = report["steps"]
    assert set(steps) == {"world", "ingest", "raw_copy", "orders"}
    assert all("error" not in s for s in steps.values()), steps
    # every row the world wrote for the two days was gated and loaded, and the floor copied the same rows
    assert steps["ingest"]["rows"] > 0 and steps["ingest"]["rows"] == steps["raw_copy"]["rows"]
    assert set(steps["ingest"]["per_source"]) >= {"store_pos", "ec_orders", "product_master"}
    assert all(s["peak_rss_mb"] > 0 and s["wall_seconds"] > 0 for s in steps.values())
    assert 0 < report["summary"]["ingest_vs_raw_copy"]


def test_backfill_and_daily_run_steps_run_the_pipeline_on_their_own_databases(warehouse, tiny_landing, tmp_path,
                                                                               monkeypatch):
    """Unit-level: the steps drive dag_runner.run_daily_dag (here a stand-in; the real DAG run is the e2e tests'
    and `ltvzaiko bench`'s) with all days but the last, then the last, on fresh bench databases."""
    import psycopg

    from ltvzaiko_tasks.bench import steps
    from ltvzaiko_tasks.orchestration import dag_runner

    for key in ("LTVZAIKO_HOME", "LTVZAIKO_WAREHOUSE_URL", "LTVZAIKO_AIRFLOW_DB_URL", "AIRFLOW_HOME"):
        monkeypatch.setenv(key, os.environ.get(key, ""))  # the steps repoint them; restored after the test
    calls = []

    def fake_run(landing_dir, business_date=None, date_from=None, date_to=None, settings=None):
        calls.append({"landing": landing_dir, "business_date": business_date, "date_from": date_from,
                      "date_to": date_to, "home": settings.home, "warehouse": settings.warehouse_url,
                      "airflow_db": settings.airflow_db_url})
        with psycopg.connect(settings.warehouse_url, autocommit=True) as conn:
            conn.execute("create schema if not exists marts; create schema if not exists raw; "
                         "create table if not exists marts.mart_channel_sales_daily (d date); "
                         "create table if not exists raw.store_pos_lines (d date); "
                         "insert into marts.mart_channel_sales_daily values (current_date); "
                         "insert into raw.store_pos_lines values (current_date)")
        return dag_runner.DagRunResult(conf={}, success=True, seconds=0.001, log_path=tmp_path / "run.log",
                                       tasks_finished=["a", "b"], error=None)

    monkeypatch.setattr(dag_runner, "run_daily_dag", fake_run)
    a = {"scale": "tiny", "landing": str(tiny_landing), "work": str(tmp_path), "url": warehouse.url,
         "db": "ltvzaiko_bench_unit"}
    back = steps.step_backfill(a)
    daily = steps.step_daily_run(a)
    assert [(c["date_from"], c["date_to"], c["business_date"]) for c in calls] == [
        ("2025-04-01", "2025-04-02", None), (None, None, "2025-04-03")]
    # the bench's own warehouse, Airflow metadata DB and home: never the pipeline's
    assert calls[0]["warehouse"].endswith("/ltvzaiko_bench_unit_pipeline")
    assert calls[0]["airflow_db"].endswith("/ltvzaiko_bench_unit_airflow")
    assert calls[0]["home"] == calls[1]["home"] == tmp_path / "pipeline_home_tiny"
    assert (back["days"], daily["days"]) == (2, 1)
    assert daily["mart_channel_sales_daily_rows"] == 2  # the daily run kept the backfill's database
    assert back["seconds"] >= back["dag_seconds"] == 0.001 and back["peak_tree_rss_mb"] > 0
    with psycopg.connect(warehouse.url, autocommit=True) as admin:
        for db in ("ltvzaiko_bench_unit_pipeline", "ltvzaiko_bench_unit_airflow"):
            admin.execute(f"drop database if exists {db} with (force)")


def test_daily_run_without_a_backfill_says_so(warehouse, tiny_landing, tmp_path):
    from ltvzaiko_tasks.bench import steps

    a = {"scale": "tiny", "landing": str(tiny_landing), "work": str(tmp_path), "url": warehouse.url,
         "db": "ltvzaiko_bench_never_backfilled"}
    with pytest.raises(RuntimeError, match="backfill"):
        steps.step_daily_run(a)


def test_runner_maps_the_pipeline_steps_into_the_headline_figures(tmp_path, monkeypatch):
    from ltvzaiko_tasks.bench import runner

    fake = {"world": {"seconds": 1.0, "peak_rss_mb": 100},
            "backfill": {"seconds": 600.0, "peak_rss_mb": 1500, "peak_tree_rss_mb": 2100},
            "daily_run": {"seconds": 120.0, "peak_rss_mb": 900, "peak_tree_rss_mb": 1200}}
    ran = []
    monkeypatch.setattr(runner, "run_step", lambda name, args, timeout_s=0: (ran.append(name), fake[name])[1])
    partials = []
    report = runner.run_bench("tiny", 3, ["backfill", "daily_run"], tmp_path, "postgresql://x@127.0.0.1/x",
                              on_report=partials.append)
    assert ran == ["world", "backfill", "daily_run"]  # a landing zone is generated first
    # the figures so far after each step, so a stopped run keeps what it measured
    assert [sorted(r["stages_s"]) for r in partials] == [["backfill", "generate"],
                                                         ["backfill", "daily_run", "generate"]]
    assert report["stages_s"] == {"generate": 1.0, "backfill": 600.0, "daily_run": 120.0}
    assert (report["peak_rss_mb"], report["peak_tree_rss_mb"]) == (1500, 2100)
    assert report["machine"]["cpus"] >= 1 and "loadavg_at_start" in report["machine"]
