"""Orders stage: forecast → protection-interval demand → recommended orders, LTV class raising service."""
from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd
import pytest

from ltvzaiko_tasks.stages.orders_stage import compute_orders, protection_demand

AS_OF = date(2025, 6, 30)


def _forecast(skus, daily=4.0, spread=2.0, days=28):
    rows = [(s, "S01", (AS_OF + timedelta(days=d + 1)).isoformat(), daily, daily - spread, daily + spread)
            for s in skus for d in range(days)]
    return pd.DataFrame(rows, columns=["sku_id", "location_id", "forecast_date", "mean_units", "p10_units",
                                       "p90_units"])


def _position(skus, item_type="staple", on_hand=10, season_end=None):
    return pd.DataFrame({"sku_id": skus, "location_id": "S01", "item_type": item_type, "on_hand_units": on_hand,
                         "on_order_units": 0, "unit_cost_jpy": 1200, "list_price_jpy": 3000, "case_pack": 6,
                         "moq": 12, "lead_time_mean_days": 14.0, "lead_time_sd_days": 3.0,
                         "season_end": season_end})


def test_protection_demand_sums_the_first_days_and_extends_past_the_horizon():
    f = _forecast(["A"], days=10)
    got = protection_demand(f, pd.Series([5.0], index=pd.MultiIndex.from_tuples([("A", "S01")],
                                                                                names=["sku_id", "location_id"])))
    assert got.loc[("A", "S01"), "demand_mean"] == pytest.approx(20.0)
    sd_day = 4.0 / (2 * 1.2815515655446004)
    assert got.loc[("A", "S01"), "demand_sd"] == pytest.approx(np.sqrt(5) * sd_day)
    longer = protection_demand(f, pd.Series([15.0], index=got.index))
    assert longer.iloc[0]["demand_mean"] == pytest.approx(60.0)  # 10 forecast days + 5 at the last week's mean


def test_staple_orders_cover_review_plus_lead_time_and_respect_packs():
    out = compute_orders(_position(["A"]), _forecast(["A"]), pd.DataFrame(columns=["sku_id", "ltv_class"]), AS_OF)
    row = out.iloc[0]
    assert row["demand_mean"] == pytest.approx(4.0 * 21)  # R = 7 days + L = 14 days
    assert row["order_up_to"] > row["demand_mean"]  # safety stock on top
    assert row["order_qty"] >= row["raw_need"] and row["order_qty"] % 6 == 0 and row["order_qty"] >= 12
    assert row["ltv_class"] == "中" and row["priority_rank"] == 1


def test_high_ltv_items_get_more_safety_stock():
    value = pd.DataFrame({"sku_id": ["HI", "LO"], "ltv_class": ["高", "低"]})
    out = compute_orders(_position(["HI", "LO"]), _forecast(["HI", "LO"]), value, AS_OF).set_index("sku_id")
    assert out.loc["HI", "service_level_target"] > out.loc["LO", "service_level_target"]
    assert out.loc["HI", "safety_stock"] > out.loc["LO", "safety_stock"]


def test_seasonal_item_past_its_order_window_is_not_ordered():
    late = _position(["S"], item_type="seasonal", on_hand=0, season_end=(AS_OF + timedelta(days=10)).isoformat())
    out = compute_orders(late, _forecast(["S"]), pd.DataFrame(columns=["sku_id", "ltv_class"]), AS_OF)
    assert out.iloc[0]["order_qty"] == 0 and out.iloc[0]["binding_constraint"] == "order_window_closed"
    early = _position(["S"], item_type="seasonal", on_hand=0, season_end=(AS_OF + timedelta(days=60)).isoformat())
    out = compute_orders(early, _forecast(["S"]), pd.DataFrame(columns=["sku_id", "ltv_class"]), AS_OF)
    assert out.iloc[0]["method"] == "newsvendor" and out.iloc[0]["order_qty"] > 0


def test_no_reorder_on_or_after_the_masters_last_order_date():
    # the season is long enough for a reorder (season end − lead time is weeks away), but the buyer's last order
    # date from the product master has come: nothing is ordered, and the reason says why
    pos = _position(["S", "T"], item_type="seasonal", on_hand=0, season_end=(AS_OF + timedelta(days=60)).isoformat())
    pos["last_order_date"] = [AS_OF.isoformat(), (AS_OF + timedelta(days=1)).isoformat()]
    out = compute_orders(pos, _forecast(["S", "T"]), pd.DataFrame(columns=["sku_id", "ltv_class"]), AS_OF)
    out = out.set_index("sku_id")
    assert out.loc["S", "order_qty"] == 0 and out.loc["S", "binding_constraint"] == "order_window_closed"
    assert out.loc["T", "order_qty"] > 0  # one day before its last order date it still orders
    assert str(out.loc["S", "last_order_date"]) == AS_OF.isoformat()
    # without a master date the season window gives it: season end − lead time (14 days)
    pos = _position(["U"], item_type="seasonal", season_end=(AS_OF + timedelta(days=60)).isoformat())
    out = compute_orders(pos, _forecast(["U"]), pd.DataFrame(columns=["sku_id", "ltv_class"]), AS_OF)
    assert str(out.iloc[0]["last_order_date"]) == (AS_OF + timedelta(days=46)).isoformat()


def test_active_staples_without_a_forecast_are_listed_with_nothing_to_order():
    pos = _position(["A", "NEW"])
    pos["status"] = "active"
    out = compute_orders(pos, _forecast(["A"]), pd.DataFrame(columns=["sku_id", "ltv_class"]), AS_OF)
    new = out.set_index("sku_id").loc["NEW"]
    assert new["order_qty"] == 0 and new["binding_constraint"] == "no_forecast" and new["demand_mean"] == 0


def test_before_the_first_forecast_the_active_staples_are_still_listed_and_pass_the_checks():
    from ltvzaiko_tasks.replenishment.output_rules import gate_replenishment

    pos = pd.concat([_position(["A"]), _position(["S"], item_type="seasonal")], ignore_index=True)
    pos["status"] = "active"
    empty = _forecast([]).iloc[0:0]
    out = compute_orders(pos, empty, pd.DataFrame(columns=["sku_id", "ltv_class"]), AS_OF)
    assert out["sku_id"].tolist() == ["A"] and out.iloc[0]["binding_constraint"] == "no_forecast"
    assert all(v.success for v in gate_replenishment(out, pos))
    from ltvzaiko_tasks.stages.markdown_stage import compute_markdowns

    pos = pos.assign(selling_price_jpy=3000, markdown_pct=0, end_date=None)
    md = compute_markdowns(pos, empty, pd.DataFrame(columns=["sku_id", "ltv_class", "zpm_cell"]),
                           pd.DataFrame(), AS_OF)
    assert set(md["sku_id"]) == {"A", "S"}  # no forecast: all stock is excess until one exists
