"""The ltvzaiko policy's own models: seasonal profile and belief, staple forecasts."""
from __future__ import annotations

import numpy as np

from ltvzaiko_tasks.backtest import (LtvzaikoPolicyConfig, RecordingPolicy, RetailerHistory, RetailerKnowledge,
                                     build_world)
from ltvzaiko_tasks.backtest.forecasting import StapleForecast
from ltvzaiko_tasks.backtest.seasonal import SeasonalModel
from ltvzaiko_tasks.world import ConventionalPolicy

from .conftest import tiny_config


def _history(days=70):
    cfg = tiny_config(days=5, warmup=days)
    world = build_world(cfg)
    state = world.initial_state()
    k = RetailerKnowledge.from_world(world)
    h = RetailerHistory(k, cfg.total_days)
    warm = RecordingPolicy(ConventionalPolicy(world), h)
    for _ in range(days):
        h.record_result(world.step(state, warm), state)
    return k, h


def test_season_shares_add_up_and_belief_starts_at_the_plan():
    k, h = _history()
    m = SeasonalModel(k, bins=12, plan_error_cv=0.35)
    s = m.styles
    assert np.allclose(m.share(s, k.launch_day[s], k.end_day[s]), 1.0)
    future = s[k.launch_day[s] > 200]
    mean, var = m.belief(h, 69, future)
    assert np.allclose(mean, 1.0) and np.allclose(np.sqrt(var) / mean, 0.35)


def test_belief_follows_a_style_selling_above_plan():
    k, h = _history()
    m = SeasonalModel(k, bins=12, plan_error_cv=0.35)
    live = m.styles[(k.launch_day[m.styles] <= 0) & (k.end_day[m.styles] > 70)]
    before, _ = m.belief(h, 69, live)
    h.sales[:70, :, live] *= 3.0                               # the same shoppers, three times the sales
    after, _ = m.belief(h, 69, live)
    assert (after > 1.5 * before).all()


def test_xgboost_forecast_refits_on_schedule_and_reads_the_latest_sales():
    k, h = _history()
    cfg = LtvzaikoPolicyConfig(forecaster="xgboost", xgb_n_estimators=5, xgb_max_train_rows=5_000,
                               refit_every_days=28, forecast_every_days=7)
    f = StapleForecast(k, cfg)
    f.update(h, 55)
    assert f.fits == 1 and f.origin == 55
    f.update(h, 60)                                            # within the week: nothing to do
    assert f.origin == 55
    f.update(h, 62)                                            # new forecast, same trees
    assert f.fits == 1 and f.origin == 62
    loc, style = np.nonzero(k.carried & ~k.seasonal[None, :])
    mean, var = f.interval(loc, style, np.full(len(loc), 63), np.full(len(loc), 63 + 50))
    assert np.isfinite(mean).all() and (mean >= 0).all() and (var >= mean - 1e-9).all() and mean.sum() > 0


def test_item_values_from_observed_customers():
    from ltvzaiko_tasks.backtest.values import estimate_item_values
    k, h = _history(days=120)
    short = estimate_item_values(h, 60, {"高": 2.5, "中": 1.0, "低": 0.5})
    assert short.status == "too_little_history" and (short.weight == 1.0).all()
    v = estimate_item_values(h, 119, {"高": 2.5, "中": 1.0, "低": 0.5})
    assert v.status == "scored" and v.customers > 0
    assert set(v.ltv_class) <= {"高", "中", "低"} and len(set(v.ltv_class)) >= 2
    assert np.isin(v.weight, [2.5, 1.0, 0.5]).sum() > 0 and (v.weight > 0).all()
