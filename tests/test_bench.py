"""`ltvzaiko bench` measures for real and reports JSON (figures are read, never asserted as timings)."""
from __future__ import annotations

import json

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
