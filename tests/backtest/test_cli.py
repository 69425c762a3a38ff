"""`ltvzaiko backtest-policy` writes the JSON report to stdout and the file."""
from __future__ import annotations

import json

from conftest import cli


def test_backtest_policy_command(tmp_path):
    out = tmp_path / "bt.json"
    proc = cli("backtest-policy", "--scale", "tiny", "--seed", "2", "--days", "8", "--warmup-days", "30",
               "--forecaster", "moving_average", "--json", str(out))
    report = json.loads(proc.stdout)
    assert report == json.loads(out.read_text(encoding="utf-8"))
    assert set(report["policies"]) == {"conventional", "ltvzaiko", "oracle"} and report["days"] == 8
    assert "ltvzaiko vs conventional" in proc.stderr
