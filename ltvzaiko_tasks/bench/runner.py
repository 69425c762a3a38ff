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


def run_step(name: str, args: dict, timeout_s: int = 7200) -> dict:
    proc = subprocess.run([sys.executable, "-m", "ltvzaiko_tasks.bench.steps", name, json.dumps(args)],
                          capture_output=True, text=True, timeout=timeout_s, env={**os.environ})
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("{")]
    if proc.returncode != 0 or not lines:
        return {"step": name, "error": (proc.stderr or proc.stdout).strip()[-2000:]}
    return json.loads(lines[-1])


def run_bench(scale: str, days: int, steps: list[str], work: Path, url: str, seed: int = 1,
              start: str = "2025-03-01", on_step=None) -> dict:
    work.mkdir(parents=True, exist_ok=True)
    landing = work / f"landing_{scale}_{days}d"
    common = {"scale": scale, "days": days, "seed": seed, "start": start, "landing": str(landing),
              "work": str(work), "url": url, "db": f"ltvzaiko_bench_{scale}"}
    if scale in ("tiny", "small"):
        common.update(customers=100_000, series=300, skus=2_000, rows=10_000)
    results = {}
    for name in steps:
        if name not in STEPS:
            raise ValueError(f"unknown step {name!r}; choose from {', '.join(STEPS)}")
        if name == "ingest" and not landing.exists() and "world" not in results:
            results["world"] = run_step("world", common)  # ingest needs a landing zone
        if on_step:
            on_step(name)
        results[name] = run_step(name, common)
    ing, raw = results.get("ingest", {}), results.get("raw_copy", {})
    summary = {}
    if ing.get("rows_per_second") and raw.get("rows_per_second"):
        summary["ingest_vs_raw_copy"] = ing["rows_per_second"] / raw["rows_per_second"]
        summary["load_vs_raw_copy"] = (ing.get("load_rows_per_second") or 0) / raw["rows_per_second"]
    fc, ltv, dbt = results.get("forecast", {}), results.get("ltv", {}), results.get("dbt_build", {})
    stages = {"generate": results.get("world", {}).get("seconds"), "gate": ing.get("gate_seconds"),
              "load": ing.get("load_seconds"), "dbt_build_full": dbt.get("full_seconds"),
              "dbt_build_incremental": dbt.get("incremental_seconds"), "forecast_fit": fc.get("fit_s"),
              "ltv_fit_and_score": ltv.get("fit_and_score_s"), "orders": results.get("orders", {}).get("seconds")}
    return {"benchmark": "ltvzaiko", "scale": scale, "days": days, "seed": seed,
            "started_at": datetime.now(timezone.utc).isoformat(), "machine": {
                "python": platform.python_version(), "cpus": os.cpu_count(), "platform": platform.platform()},
            # the headline figures of SPEC §8, then every step's own report
            "stages_s": {k: v for k, v in stages.items() if v is not None},
            "peak_rss_mb": max((r.get("peak_rss_mb") or 0) for r in results.values()) if results else None,
            "load_rows_per_s": ing.get("load_rows_per_second"), "gate_and_load_rows_per_s": ing.get("rows_per_second"),
            "copy_rows_per_s": raw.get("rows_per_second"),
            "forecast": {k: fc.get(k) for k in ("wape", "wape_seasonal_naive", "wape_statsforecast") if k in fc},
            "ltv_fit_1m_customers_s": ltv.get("ltv_fit_1m_customers_s"),
            "steps": results, "summary": summary}
