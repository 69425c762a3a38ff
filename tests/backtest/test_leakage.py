"""The ltvzaiko policy never sees the truth or the future: only the retailer's masters, plan and records."""
from __future__ import annotations

import copy
import dataclasses

import numpy as np
import pytest

from ltvzaiko_tasks.backtest import (LtvzaikoPolicy, OraclePolicy, RecordingPolicy, RetailerHistory,
                                     RetailerKnowledge, TruthValuation, build_world)
from ltvzaiko_tasks.world import ConventionalPolicy

from .conftest import FAST, tiny_config

TRUTH = {
    "world": {"demand", "population", "campaigns", "calendar"},
    "catalog": {"popularity", "premium", "elasticity", "curve_a", "curve_b", "curve_norm"},
    "suppliers": {"true_mean", "true_sd"},
    "network": {"traffic", "category_affinity"},
}


class Guarded:
    """Lets attributes through, except the ones named: reading those fails the test."""

    def __init__(self, inner, forbidden, label):
        object.__setattr__(self, "_inner", inner)
        object.__setattr__(self, "_forbidden", forbidden)
        object.__setattr__(self, "_label", label)

    def __getattr__(self, name):
        if name in self._forbidden:
            raise AssertionError(f"the retailer's knowledge read the truth: {self._label}.{name}")
        return getattr(self._inner, name)


class Nothing:
    def __getattr__(self, name):
        raise AssertionError(f"LtvzaikoPolicy.decide read world.{name}")


def guarded_world(world):
    g = Guarded(world, TRUTH["world"], "world")
    for part in ("catalog", "suppliers", "network"):
        object.__setattr__(g, part, Guarded(getattr(world, part), TRUTH[part], part))
    return g


def test_knowledge_reads_no_truth():
    world = build_world(tiny_config())
    k = RetailerKnowledge.from_world(guarded_world(world))
    plain = RetailerKnowledge.from_world(world)
    for f in dataclasses.fields(RetailerKnowledge):
        a, b = getattr(k, f.name), getattr(plain, f.name)
        assert (np.array_equal(a, b) if isinstance(a, np.ndarray) else a == b), f.name
    # the buyer's plan carries the buyer's misjudgement, not the true season totals
    seasonal = world.catalog.seasonal
    true_plan = world.plan.season_units * world.network.carried
    assert not np.allclose(k.season_plan[:, seasonal], true_plan[:, seasonal])


class Blind:
    """Hands the policy a world object it cannot read anything from."""

    def __init__(self, inner):
        self.inner, self.name = inner, inner.name

    def decide(self, world, view):
        return self.inner.decide(Nothing(), view)


def _replay(cfg, perturb_after=None):
    """History with the world's buyer, then the ltvzaiko policy and the oracle from the same state;
    returns each one's orders placed per day. ``perturb_after``: from that day on, the world's demand
    changes (some styles three times as popular, more traffic)."""
    world = build_world(cfg)
    if perturb_after is not None:
        real = world.demand.context
        boost = np.arange(world.catalog.n_styles) % 2 == 0

        def context(day, exclude=None, campaigns=True):
            ctx = real(day, exclude, campaigns)
            if day > perturb_after:
                ctx = dataclasses.replace(ctx, style_weight=ctx.style_weight * np.where(boost, 3.0, 1.0)[None, :],
                                          traffic=ctx.traffic * 1.5)
            return ctx
        world.demand.context = context
    state = world.initial_state()
    k = RetailerKnowledge.from_world(world)
    history = RetailerHistory(k, cfg.total_days)
    warm = RecordingPolicy(ConventionalPolicy(world), history)
    for _ in range(cfg.warmup_days):
        history.record_result(world.step(state, warm), state)
    first = cfg.warmup_days
    truth = TruthValuation.build(world, state, first, cfg.days)
    out = {}
    for name in ("ltvzaiko", "oracle"):
        s = copy.deepcopy(state)
        if name == "ltvzaiko":
            h = copy.deepcopy(history)
            policy = RecordingPolicy(Blind(LtvzaikoPolicy(k, h, FAST)), h)
        else:
            h, policy = None, OraclePolicy(world, s, k, FAST, truth, first, cfg.days)
        orders = []
        for _ in range(cfg.days):
            r = world.step(s, policy)
            if h is not None:
                h.record_result(r, s)
            orders.append(np.column_stack([r.placed.loc, r.placed.sku, r.placed.qty]))
        out[name] = orders
    return out


def test_orders_never_depend_on_future_demand():
    """Change the world's demand after day t: the ltvzaiko policy's orders up to t stay the same (it reads
    nothing ahead), the oracle's change (it does: the test can tell)."""
    cfg = tiny_config(days=24, warmup=50)
    t = cfg.warmup_days + 12
    base, changed = _replay(cfg), _replay(cfg, perturb_after=t)
    upto = t - cfg.warmup_days + 1
    for a, b in zip(base["ltvzaiko"][:upto], changed["ltvzaiko"][:upto]):
        assert np.array_equal(a, b)
    assert any(a.shape != b.shape or not np.array_equal(a, b)
               for a, b in zip(base["oracle"][:upto], changed["oracle"][:upto]))


def test_history_keeps_no_lost_sales_or_walk_in_identities():
    cfg = tiny_config(days=5, warmup=20)
    world = build_world(cfg)
    state = world.initial_state()
    k = RetailerKnowledge.from_world(world)
    h = RetailerHistory(k, cfg.total_days)
    warm = RecordingPolicy(ConventionalPolicy(world), h)
    sold = 0
    for _ in range(cfg.warmup_days):
        r = world.step(state, warm)
        h.record_result(r, state)
        sold += r.lines.qty.sum()
    assert h.sales.sum() == pytest.approx(sold)               # sales as the tills saw them, nothing more
    lines = h.identified_lines(cfg.warmup_days)
    assert (lines[:, 0] >= 0).all() and 0 < lines[:, 5].sum() < sold   # only identified customers' lines
    assert not any(hasattr(h, name) for name in ("lost", "demand", "expected"))


def test_a_discontinuation_is_unknown_before_its_announcement():
    world = build_world(tiny_config())
    k = RetailerKnowledge.from_world(world)
    staple_ending = np.flatnonzero(~k.seasonal & (k.end_day < 10**6))
    if len(staple_ending) == 0:
        pytest.skip("no discontinued staple in this world")
    s = staple_ending[0]
    end_before, last_before = k.known_end(int(k.end_announced_day[s]) - 1)
    end_after, last_after = k.known_end(int(k.end_announced_day[s]))
    assert end_before[s] > 10**9 and last_before[s] > 10**9
    assert (end_after[s], last_after[s]) == (k.end_day[s], k.last_order_day[s])
