"""Metrics come from the world's own results: sales lines, lost units, stock at cost."""
from __future__ import annotations

import copy

import numpy as np

from ltvzaiko_tasks.backtest import MetricsRecorder, TruthValuation, build_world
from ltvzaiko_tasks.world import ConventionalPolicy
from ltvzaiko_tasks.world.tax import tax_included_in

from .conftest import tiny_config


def test_metrics_recomputed_from_day_results():
    cfg = tiny_config(days=100, warmup=60)                 # the replay covers the end of SS 2024 (day 153)
    world = build_world(cfg)
    state = world.initial_state()
    policy = ConventionalPolicy(world)
    for _ in range(cfg.warmup_days):
        world.step(state, policy)
    truth = TruthValuation.build(world, state, cfg.warmup_days, cfg.days)
    rec = MetricsRecorder(world, truth, cfg.warmup_days, cfg.days)
    cat = world.catalog
    cost = cat.unit_cost[cat.sku_style]
    wished = sold = lost = 0
    gp = 0.0
    inventory = []
    for _ in range(cfg.days):
        r = world.step(state, policy, truth=True)
        rec.record(r, state)
        wished += int(r.demand.demand.sum())
        sold += int(r.lines.qty.sum())
        lost += r.lost_units
        gp += float((r.lines.amount - r.lines.tax).sum() - (r.lines.qty * cost[r.lines.sku]).sum())
        refund = r.returns.unit_refund * r.returns.qty
        gp -= float((refund - tax_included_in(refund)).sum() - (r.returns.qty * cost[r.returns.sku]).sum())
        inventory.append(float((state.on_hand * cost[None, :]).sum()))
    m = rec.finish(state)
    assert sold <= wished and sold + lost == wished      # every wish is sold (itself or a sister SKU) or lost
    assert m["units_sold"] == sold and m["lost_sales_units"] == lost
    assert m["fill_rate"] == round(sold / wished, 6)
    assert m["gross_profit_jpy"] == round(gp)
    assert m["avg_inventory_value_jpy"] == round(np.mean(inventory))
    # dead stock: styles that ended inside the replay, on hand and on order, at unit cost
    ended = (cat.end_day > cfg.warmup_days) & (cat.end_day <= cfg.warmup_days + cfg.days)
    assert ended.any()
    skus = ended[cat.sku_style]
    left = ((state.on_hand + state.supply.on_order)[:, skus] * cost[None, skus]).sum()
    assert m["leftover_stock_value_jpy"] == round(left) and "2024SS" in m["leftover_by_season_jpy"]
    # lost sales weighted by the true value of the shopper who could not buy
    assert m["lost_sales_clv_jpy"] > 0


def test_truth_item_classes_follow_the_pareto_rule():
    cfg = tiny_config(days=20, warmup=20)
    world = build_world(cfg)
    state = world.initial_state()
    policy = ConventionalPolicy(world)
    for _ in range(cfg.warmup_days):
        world.step(state, policy)
    truth = TruthValuation.build(world, copy.deepcopy(state), cfg.warmup_days, cfg.days)
    v = truth.item_value
    high = truth.item_class == "高"
    assert high.any() and (truth.item_class == "低").any()
    assert v[high].min() >= v[~high].max()                  # the high class is the head of the ranking
    assert v[high].sum() / v.sum() < 0.5 + v[high].max() / v.sum()
