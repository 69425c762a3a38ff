"""Markdown list: which stock is excess, and sell down / hold / targeted coupon / transfer with reasons."""
from __future__ import annotations

import pandas as pd
import pytest

from ltvzaiko_tasks.replenishment.markdown import markdown_depth_constant_elasticity
from ltvzaiko_tasks.replenishment.markdown_table import ACTIONS, MarkdownPolicy, recommend_markdowns


def _row(sku, location="S1", **kw):
    base = dict(sku_id=sku, location_id=location, item_type="seasonal", on_hand=300, on_order=0, demand_mean=100.0,
                demand_sd=20.0, days_to_target=40, unit_cost_jpy=2000, price_jpy=5000, ltv_class="中",
                days_since_last_sale=1, off_sale=False)
    return {**base, **kw}


def _run(*rows, policy=None):
    return recommend_markdowns(pd.DataFrame(list(rows)), policy).set_index(["sku_id", "location_id"])


def test_seasonal_excess_is_marked_down_just_enough_when_it_pays():
    out = _run(_row("A"))
    r = out.loc[("A", "S1")]
    assert r["action"] == "sell_down" and r["action_ja"] == ACTIONS["sell_down"]
    assert r["excess_units"] == pytest.approx(200.0)
    assert r["suggested_markdown_rate"] == markdown_depth_constant_elasticity(300, 100, 1.3) == 0.5
    assert r["suggested_price_jpy"] == 2500
    assert r["expected_gross_profit_effect_jpy"] > 0
    assert r["expected_sell_through_after_action"] > r["expected_sell_through_full_price"]
    assert r["reason_codes"].split(",")[0] == "excess_by_target_date"


def test_stock_that_sells_by_the_target_date_is_not_listed():
    assert _run(_row("A", on_hand=80)).empty


def test_excess_goes_to_locations_running_short_first():
    out = _run(_row("A", "S1"), _row("A", "S2", on_hand=0, demand_mean=150.0))
    r = out.loc[("A", "S1")]
    assert len(out) == 1 and r["action"] == "transfer" and r["transfer_units"] == 150
    assert r["suggested_markdown_rate"] == 0 and r["reason_codes"].startswith("shortage_elsewhere")
    assert "excess_left_after_transfer" in r["reason_codes"] and r["expected_gross_profit_effect_jpy"] > 0


def test_high_ltv_items_get_a_targeted_coupon_not_a_blanket_markdown():
    r = _run(_row("H", ltv_class="高")).iloc[0]
    assert r["action"] == "targeted_coupon" and r["reason_codes"].startswith("high_ltv_buyers")
    assert r["suggested_markdown_rate"] > 0


def test_continuing_staples_are_held_unless_dead():
    out = _run(_row("C", item_type="staple", on_hand=500, days_to_target=56),
               _row("D", item_type="staple", on_hand=40, demand_mean=0.5, demand_sd=0.5, days_since_last_sale=90))
    assert out.loc[("C", "S1"), "action"] == "hold"
    assert out.loc[("C", "S1"), "reason_codes"].startswith("staple_carries_over")
    assert out.loc[("C", "S1"), "suggested_markdown_rate"] == 0
    dead = out.loc[("D", "S1")]
    assert dead["dead_stock"] and dead["action"] == "sell_down" and "dead_stock_no_sale" in dead["reason_codes"]
    assert "max_depth_not_enough" in dead["reason_codes"]


def test_a_markdown_that_does_not_pay_is_held():
    # salvage worth almost the price: discounting loses more than it sells
    r = _run(_row("A", on_hand=130, unit_cost_jpy=15000, price_jpy=5000),
             policy=MarkdownPolicy(salvage_fraction_of_cost=0.3)).iloc[0]
    assert r["action"] == "hold" and r["reason_codes"].startswith("markdown_not_profitable")


def test_off_sale_stock_is_cleared():
    r = _run(_row("E", on_hand=50, demand_mean=10.0, off_sale=True)).iloc[0]
    assert r["action"] == "sell_down" and r["reason_codes"] == "off_sale" and r["excess_units"] == 50
    assert r["suggested_markdown_rate"] == 0.5 and r["expected_sell_through_after_action"] == 1.0
