"""Replay the world with each policy and compare: ``run_backtest(BacktestConfig(...)) -> dict``.

1. Build the world and run its own (conventional) buyer for ``warmup_days``: the shared history. The
   retailer's records of it (:class:`~.observations.RetailerHistory`) are kept as the warehouse would.
2. Snapshot the state. From the same snapshot — same stock, orders in transit, customers, seed — replay
   ``days`` days through ``World.step`` with each policy: the conventional one first (its monthly purchase
   spend becomes everyone's open-to-buy), then the ltvzaiko policy, then the oracle.
3. Score each replay from the world's results (:mod:`.metrics`).
"""
from __future__ import annotations

import copy
import time
from collections.abc import Callable
from collections.abc import Mapping
from dataclasses import fields
from datetime import timedelta


from ..world import ConventionalPolicy, World, WorldConfig, get_scale
from .budget import OpenToBuy
from .config import BacktestConfig
from .knowledge import RetailerKnowledge
from .metrics import MetricsRecorder, TruthValuation
from .observations import RecordingPolicy, RetailerHistory
from .policies import LtvzaikoPolicy, OraclePolicy

Progress = Callable[[str, int], None]
"""``progress(phase, days_done_increment)``; phases: warmup, conventional, ltvzaiko, oracle."""


def build_world(config: BacktestConfig) -> World:
    return World.build(WorldConfig(get_scale(config.scale), config.seed, config.start, config.total_days))


def run_backtest(config: BacktestConfig, progress: Progress | None = None) -> dict:
    timing: dict[str, float] = {}
    tick = time.perf_counter()
    say = progress or (lambda phase, n: None)
    world = build_world(config)
    state = world.initial_state()
    knowledge = RetailerKnowledge.from_world(world)
    history = RetailerHistory(knowledge, config.total_days)
    conventional = ConventionalPolicy(world)
    warm = RecordingPolicy(conventional, history)
    for _ in range(config.warmup_days):
        result = world.step(state, warm)
        history.record_result(result, state)
        say("warmup", 1)
    first, days = config.warmup_days, config.days
    truth = TruthValuation.build(world, state, first, days)
    timing["warmup"] = time.perf_counter() - tick

    metrics: dict[str, dict] = {}
    extra: dict[str, dict] = {}
    budgets: dict[str, dict] = {}
    spend = None
    for name in ("conventional", "ltvzaiko", "oracle"):
        if name not in config.policies:
            continue
        tick = time.perf_counter()
        s = copy.deepcopy(state)
        budget = OpenToBuy(config.start, first, spend if config.budget == "conventional" else None)
        h = None
        if name == "conventional":
            policy = copy.deepcopy(conventional)
        elif name == "ltvzaiko":
            h = copy.deepcopy(history)
            inner = LtvzaikoPolicy(knowledge, h, config.ltvzaiko, budget, seed=config.seed)
            policy = RecordingPolicy(inner, h)
        else:
            inner = OraclePolicy(world, s, knowledge, config.ltvzaiko, truth, first, days, budget)
            policy = inner
        rec = MetricsRecorder(world, truth, first, days)
        for _ in range(days):
            result = world.step(s, policy)
            if h is not None:
                h.record_result(result, s)
            rec.record(result, s)
            say(name, 1)
        metrics[name] = rec.finish(s)
        if name == "conventional":
            spend = rec.purchases_by_day.copy()
        else:
            budgets[name] = budget.describe()
            extra[name] = _policy_facts(inner)
        timing[name] = time.perf_counter() - tick
    return _report(config, world, truth, metrics, budgets, extra, timing)


def _policy_facts(policy) -> dict:
    out = {"order_rows_evaluated": int(policy.order_rows), "rows_cut_by_budget": int(policy.budget_cuts)}
    if isinstance(policy, LtvzaikoPolicy):
        v = policy.values
        out.update({
            "forecaster": policy.forecast.method, "xgboost_fits": int(policy.forecast.fits),
            "item_values_status": v.status, "customers_scored": int(v.customers),
            "ltv_classes": {c: int((v.ltv_class == c).sum()) for c in ("高", "中", "低")},
            "seasonal_profile_fitted": bool(policy.seasonal.fitted),
            "markdown_lift_estimated": [round(float(x), 3) for x in policy.seasonal.m],
            "seasonal_calibration": policy.seasonal.calibration,
        })
    return out


def _report(config: BacktestConfig, world: World, truth: TruthValuation, metrics: dict, budgets: dict,
            extra: dict, timing: dict) -> dict:
    cat = world.catalog
    first, days = config.warmup_days, config.days
    end = first + days
    complete = []
    for label in sorted(set(cat.season_label[cat.seasonal].tolist())):
        m = cat.season_label == label
        order_day = cat.launch_day[m] - world.suppliers.declared_mean[cat.supplier[m]] - 10
        if order_day.min() >= first and cat.end_day[m].max() <= end:
            complete.append(label)
    report = {
        "scale": config.scale, "seed": config.seed, "days": days,
        "start": (config.start + timedelta(days=first)).isoformat(),
        "end": (config.start + timedelta(days=end - 1)).isoformat(),
        "world_start": config.start.isoformat(), "warmup_days": config.warmup_days,
        "full_seasons_in_window": complete,
        "budget": budgets,
        "high_ltv_items": {"styles": int(truth.high_ltv.sum()),
                           "of_styles_with_demand": int((truth.item_value > 0).sum()),
                           "definition": "true CLV contribution, head making up the first 50 %"},
        "policies": metrics,
        "policy_facts": extra,
    }
    if "ltvzaiko" in metrics:
        c, z = metrics["conventional"], metrics["ltvzaiko"]
        cmp = {
            "gross_profit_delta_jpy": z["gross_profit_jpy"] - c["gross_profit_jpy"],
            "leftover_stock_delta_jpy": z["leftover_stock_value_jpy"] - c["leftover_stock_value_jpy"],
            "fill_rate_high_ltv_delta": _delta(z["fill_rate_high_ltv"], c["fill_rate_high_ltv"]),
            "lost_sales_clv_delta_jpy": z["lost_sales_clv_jpy"] - c["lost_sales_clv_jpy"],
            "avg_inventory_delta_jpy": z["avg_inventory_value_jpy"] - c["avg_inventory_value_jpy"],
        }
        cmp["target_met"] = bool(cmp["gross_profit_delta_jpy"] > 0 and cmp["leftover_stock_delta_jpy"] < 0
                                 and (cmp["fill_rate_high_ltv_delta"] or 0) >= 0)
        if "oracle" in metrics:
            o = metrics["oracle"]
            cmp["gap_closed"] = {
                "gross_profit": _gap(c["gross_profit_jpy"], z["gross_profit_jpy"], o["gross_profit_jpy"]),
                "leftover_stock": _gap(c["leftover_stock_value_jpy"], z["leftover_stock_value_jpy"],
                                       o["leftover_stock_value_jpy"]),
                "lost_sales_clv": _gap(c["lost_sales_clv_jpy"], z["lost_sales_clv_jpy"], o["lost_sales_clv_jpy"]),
            }
        report["comparison"] = cmp
    report["ltvzaiko_config"] = {f.name: (dict(v) if isinstance(v := getattr(config.ltvzaiko, f.name), Mapping) else v)
                                 for f in fields(config.ltvzaiko)}
    report["timing_s"] = {k: round(v, 1) for k, v in timing.items()}
    return report


def _delta(a, b):
    return None if a is None or b is None else round(a - b, 6)


def _gap(conv: float, ltv: float, oracle: float):
    """Share of the conventional → oracle gap the ltvzaiko policy closes (None when there is no gap)."""
    gap = oracle - conv
    return None if abs(gap) < 1e-9 else round(float((ltv - conv) / gap), 4)


def strip_timing(report: dict) -> dict:
    """The report without its wall-clock timings (everything else is deterministic for a seed)."""
    return {k: v for k, v in report.items() if k != "timing_s"}


__all__ = ["run_backtest", "build_world", "strip_timing"]
