"""What-if: the same policy functions under changed parameters, checked on a textbook normal-demand case."""
from __future__ import annotations

import pandas as pd
import pytest

from ltvzaiko_tasks.replenishment import ReplenishmentInputError, ReplenishmentPolicy
from ltvzaiko_tasks.replenishment.scenarios import Scenario, what_if, what_if_totals

# An (R, S) staple: d = 10/day, R = 7, L = 7 → μ_P = 140, σ_P = 20; cost ¥1,000, holding 25 %/year,
# one order line ¥1,000 every review.
ROW = dict(sku_id="A", location_id="S01", item_type="staple", demand_over_protection_units=140.0,
           demand_sd_units=20.0, review_period_days=7.0, lead_time_mean_days=7.0, lead_time_sd_days=0.0,
           service_level_target=0.95, on_hand_units=50.0, on_order_units=0.0, unit_cost_jpy=1000, case_pack=1, moq=0)
POLICY = ReplenishmentPolicy(holding_cost_rate_per_year=0.25)


def test_raising_the_service_level_raises_safety_stock_and_holding_cost_and_lowers_stockout_risk():
    r = what_if(pd.DataFrame([ROW]), Scenario(service_level=0.98), POLICY).iloc[0]
    # k = Φ⁻¹(0.95) = 1.6449 → SS = 32.90; k = Φ⁻¹(0.98) = 2.0537 → SS = 41.07
    assert r["baseline_safety_stock"] == pytest.approx(32.897, abs=1e-3)
    assert r["scenario_safety_stock"] == pytest.approx(41.075, abs=1e-3)
    assert r["baseline_reorder_point"] == pytest.approx(70 + 32.897, abs=1e-3)  # d L + SS
    assert r["baseline_order_up_to"] == pytest.approx(140 + 32.897, abs=1e-3)
    assert (r["baseline_stockout_probability"], r["scenario_stockout_probability"]) == pytest.approx((0.05, 0.02))
    # ESPRC = σ G(k): G(1.6449) = 0.020893 (SPT table G_u(1.64) = 0.02114, G_u(1.65) = 0.02064), G(2.0537) = 0.007343
    assert r["baseline_expected_shortage_per_cycle"] == pytest.approx(0.4179, abs=1e-4)
    assert r["scenario_expected_shortage_per_cycle"] == pytest.approx(0.1469, abs=1e-4)
    # average on hand = SS + σ G(k) + d R / 2 = 32.897 + 0.418 + 35 = 68.315 → holding 0.25 × 1,000 × 68.315
    assert r["baseline_holding_cost_jpy_per_year"] == pytest.approx(17_078.7, abs=0.1)
    assert r["scenario_holding_cost_jpy_per_year"] == pytest.approx(19_055.5, abs=0.1)
    assert r["baseline_ordering_cost_jpy_per_year"] == pytest.approx(1000 * 365 / 7)
    assert r["delta_inventory_cost_jpy_per_year"] == pytest.approx(1_976.7, abs=0.1)
    assert r["baseline_order_qty"] == 123 and r["scenario_order_qty"] == 132  # ceil(S − 50)


def test_longer_lead_time_and_a_higher_reorder_point():
    r = what_if(pd.DataFrame([ROW]), Scenario(lead_time_days=14, reorder_point_delta=5), POLICY).iloc[0]
    # μ_P = 10 × 21 = 210, σ_P = 20 √(21/14) = 24.49; SS = 1.6449 × 24.49 + 5
    assert r["scenario_order_up_to"] == pytest.approx(210 + 1.644854 * 20 * (21 / 14) ** 0.5 + 5, abs=1e-3)
    assert r["scenario_reorder_point"] == pytest.approx(140 + 1.644854 * 20 * (21 / 14) ** 0.5 + 5, abs=1e-3)
    assert r["scenario_stockout_probability"] < 0.05  # the 5 extra units buy service


def test_lead_time_variability_is_kept_and_seasonal_rows_are_left_out():
    rows = pd.DataFrame([{**ROW, "lead_time_sd_days": 2.0, "demand_sd_units": (20 ** 2 + 10 ** 2 * 2 ** 2) ** 0.5},
                         {**ROW, "sku_id": "S", "item_type": "seasonal"}])
    r = what_if(rows, Scenario(), POLICY)
    assert r["sku_id"].tolist() == ["A"]
    assert r.iloc[0]["baseline_safety_stock"] == pytest.approx(1.644854 * (800 ** 0.5), abs=1e-3)
    assert r.iloc[0]["delta_safety_stock"] == pytest.approx(0.0)
    totals = what_if_totals(r).set_index("metric")
    assert totals.loc["safety_stock", "change"] == pytest.approx(0.0)


def test_bad_scenarios_are_refused():
    with pytest.raises(ReplenishmentInputError, match="between 0 and 1"):
        Scenario(service_level=1.2)
    with pytest.raises(ReplenishmentInputError, match="missing column"):
        what_if(pd.DataFrame([{"sku_id": "A"}]), Scenario())
