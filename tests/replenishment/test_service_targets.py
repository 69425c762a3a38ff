"""Staple service levels by LTV class × ZPM cell, from a configuration file; the orders stage uses them."""
from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
import pytest

from ltvzaiko_tasks.replenishment import ReplenishmentInputError, ReplenishmentPolicy
from ltvzaiko_tasks.replenishment.service_targets import ENV_FILE, ServiceLevelTargets
from ltvzaiko_tasks.stages.orders_stage import compute_orders

AS_OF = date(2025, 6, 30)


def test_defaults_are_the_class_targets_moved_by_the_cell():
    t = ServiceLevelTargets.from_env({})
    got = t.targets(["高", "中", "低", "中", None], ["ZL-PH-MH", "maintain", "ZH-PL-ML", None, "ZL-PL-ML"])
    assert got.tolist() == pytest.approx([0.99, 0.95, 0.85, 0.95, 0.90])  # missing class: base 0.95 − 0.05
    table = t.table().set_index("cell_name")
    assert table.loc["protect", "高"] == pytest.approx(0.99) and table.loc["sell_down", "低"] == pytest.approx(0.85)
    assert len(table) == 8 and list(table.columns[-3:]) == ["高", "中", "低"]


def test_overrides_and_bounds():
    t = ServiceLevelTargets({"protect": 0.5}, {("high", "sell_down"): 0.97})
    policy = ReplenishmentPolicy(max_service_level=0.99)
    got = t.targets(["高", "高", "低"], ["ZL-PH-MH", "ZH-PL-ML", "ZH-PL-ML"], policy)
    assert got.tolist() == pytest.approx([0.99, 0.97, 0.90])  # clipped to max; override; no adjustment for sell_down


def test_bad_files_are_explained(tmp_path):
    f = tmp_path / "levels.toml"
    f.write_text("[zpm_cell_adjustment]\nnot_a_cell = 0.01\n")
    with pytest.raises(ReplenishmentInputError, match="unknown ZPM cell 'not_a_cell'"):
        ServiceLevelTargets.from_file(f)
    f.write_text("[override]\nhigh = 0.9\n")
    with pytest.raises(ReplenishmentInputError, match="<class>.<cell>"):
        ServiceLevelTargets.from_file(f)


def _inputs(zpm_cells):
    skus = [f"S{i}" for i in range(len(zpm_cells))]
    position = pd.DataFrame({"sku_id": skus, "location_id": "S01", "item_type": "staple", "status": "active",
                             "on_hand_units": 10, "on_order_units": 0, "unit_cost_jpy": 1200,
                             "list_price_jpy": 3000, "case_pack": 1, "moq": 0, "lead_time_mean_days": 14.0,
                             "lead_time_sd_days": 3.0, "season_end": None})
    forecast = pd.DataFrame([(s, "S01", (AS_OF + timedelta(days=d + 1)).isoformat(), 4.0, 2.0, 6.0)
                             for s in skus for d in range(28)],
                            columns=["sku_id", "location_id", "forecast_date", "mean_units", "p10_units", "p90_units"])
    values = pd.DataFrame({"sku_id": skus, "ltv_class": "中", "zpm_cell": zpm_cells})
    return position, forecast, values


def test_changing_the_config_changes_target_and_safety_stock_of_the_affected_rows(tmp_path, monkeypatch):
    position, forecast, values = _inputs(["ZL-PH-MH", "ZH-PH-ML"])  # protect, promote
    before = compute_orders(position, forecast, values, AS_OF).set_index("sku_id")
    assert before["service_level_target"].tolist() == pytest.approx([0.96, 0.92])
    assert before["zpm_cell"].tolist() == ["ZL-PH-MH", "ZH-PH-ML"]
    f = tmp_path / "levels.toml"
    f.write_text('[zpm_cell_adjustment]\nprotect = 0.03\n\n[override]\n"mid.maintain" = 0.9\n')
    monkeypatch.setenv(ENV_FILE, str(f))
    after = compute_orders(position, forecast, values, AS_OF).set_index("sku_id")
    assert after.loc["S0", "service_level_target"] == pytest.approx(0.98)
    assert after.loc["S0", "safety_stock"] > before.loc["S0", "safety_stock"]
    # promote has no adjustment in the new file: back to the class target, more safety stock than before
    assert after.loc["S1", "service_level_target"] == pytest.approx(0.95)
    assert after.loc["S1", "safety_stock"] > before.loc["S1", "safety_stock"]
    overridden = compute_orders(*_inputs(["ZH-PH-MH"]), AS_OF)  # 中 × maintain: the file's exact target
    assert overridden.iloc[0]["service_level_target"] == pytest.approx(0.90)
