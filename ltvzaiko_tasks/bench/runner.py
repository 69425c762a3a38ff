"""Run benchmark steps one process each and collect their JSON into one report."""
from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

from .steps import STEPS

DEFAULT_DAYS = {"tiny": 14, "small": 60, "medium": 60, "large": 60}


def _loadavg() -> list[float] | None:
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return None


def machine_info(load_at_start: list[float] | None = None) -> dict:
    """What the figures were measured on; the load averages tell whether something else shared the cores."""
    info = {"python": platform.python_version(), "cpus": os.cpu_count(), "platform": platform.platform()}
    try:
        cpuinfo = Path("/proc/cpuinfo").read_text()
        info["cpu_model"] = next((ln.split(":", 1)[1].strip() for ln in cpuinfo.splitlines()
                                  if ln.startswith("model name")), None)
        mem_kb = next(int(ln.split()[1]) for ln in Path("/proc/meminfo").read_text().splitlines()
                      if ln.startswith("MemTotal:"))
        info["memory_gb"] = round(mem_kb / 2**20, 1)
    except (OSError, StopIteration, ValueError):
        pass
    info["loadavg_at_start"], info["loadavg_at_end"] = load_at_start, _loadavg()
    return info


def run_step(name: str, args: dict, timeout_s: int = 7200) -> dict:
    proc = subprocess.run([sys.executable, "-m", "ltvzaiko_tasks.bench.steps", name, json.dumps(args)],
                          capture_output=True, text=True, timeout=timeout_s, env={**os.environ})
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("{")]
    if proc.returncode != 0 or not lines:
        return {"step": name, "error": (proc.stderr or proc.stdout).strip()[-2000:]}
    return json.loads(lines[-1])


def run_bench(scale: str, days: int, steps: list[str], work: Path, url: str, seed: int = 1,
              start: str = "2025-03-01", on_step=None, on_report=None) -> dict:
    """Run ``steps`` in order; ``on_report(report)`` gets the report so far after each step (a long run that is
    stopped keeps the figures of the steps it finished)."""
    work.mkdir(parents=True, exist_ok=True)
    landing = work / f"landing_{scale}_{days}d"
    common = {"scale": scale, "days": days, "seed": seed, "start": start, "landing": str(landing),
              "work": str(work), "url": url, "db": f"ltvzaiko_bench_{scale}"}
    if scale in ("tiny", "small"):
        common.update(customers=100_000, series=300, skus=2_000, rows=10_000)
    started_at, load_at_start = datetime.now(timezone.utc).isoformat(), _loadavg()
    results = {}
    for name in steps:
        if name not in STEPS:
            raise ValueError(f"unknown step {name!r}; choose from {', '.join(STEPS)}")
        if name in ("ingest", "backfill", "daily_run") and not landing.exists() and "world" not in results:
            results["world"] = run_step("world", common)  # these need a landing zone
        if on_step:
            on_step(name)
        results[name] = run_step(name, common)
        if on_report:
            on_report(_report(scale, days, seed, started_at, load_at_start, results))
    return _report(scale, days, seed, started_at, load_at_start, results)


def _report(scale: str, days: int, seed: int, started_at: str, load_at_start, results: dict) -> dict:
    ing, raw = results.get("ingest", {}), results.get("raw_copy", {})
    summary = {}
    if ing.get("rows_per_second") and raw.get("rows_per_second"):
        summary["ingest_vs_raw_copy"] = ing["rows_per_second"] / raw["rows_per_second"]
        summary["load_vs_raw_copy"] = (ing.get("load_rows_per_second") or 0) / raw["rows_per_second"]
    fc, ltv, dbt = results.get("forecast", {}), results.get("ltv", {}), results.get("dbt_build", {})
    stages = {"generate": results.get("world", {}).get("seconds"),
              # the real pipeline through Airflow, as `ltvzaiko run` does: all days but the last, then the last
              "backfill": results.get("backfill", {}).get("seconds"),
              "daily_run": results.get("daily_run", {}).get("seconds"), "gate": ing.get("gate_seconds"),
              "load": ing.get("load_seconds"), "dbt_build_full": dbt.get("full_seconds"),
              "dbt_build_incremental": dbt.get("incremental_seconds"), "forecast_fit": fc.get("fit_s"),
              "ltv_fit_and_score": ltv.get("fit_and_score_s"), "orders": results.get("orders", {}).get("seconds")}
    return {"benchmark": "ltvzaiko", "scale": scale, "days": days, "seed": seed,
            "started_at": started_at, "finished_at": datetime.now(timezone.utc).isoformat(),
            "machine": machine_info(load_at_start),
            # the headline figures of SPEC §8, then every step's own report
            "stages_s": {k: v for k, v in stages.items() if v is not None},
            # largest single process (a step or a child it waited for, e.g. `airflow dags test`)
            "peak_rss_mb": max((r.get("peak_rss_mb") or 0) for r in results.values()) if results else None,
            # the pipeline steps' whole process tree, sampled (the PostgreSQL server is not in it)
            "peak_tree_rss_mb": max((r.get("peak_tree_rss_mb") or 0) for r in results.values()) or None
            if results else None,
            "load_rows_per_s": ing.get("load_rows_per_second"), "gate_and_load_rows_per_s": ing.get("rows_per_second"),
            "copy_rows_per_s": raw.get("rows_per_second"),
            "forecast": {k: fc.get(k) for k in ("wape", "wape_seasonal_naive", "wape_statsforecast", "wape_grain",
                                                "wape_daily") if k in fc},
            "ltv_fit_1m_customers_s": ltv.get("ltv_fit_1m_customers_s"),
            "steps": results, "summary": summary}
