"""The demand process as a reusable API: the policy backtest replays the world through World.step."""
from datetime import date

import numpy as np
import pytest

from ltvzaiko_tasks.world import ConventionalPolicy, OrderLines, World, WorldConfig, allocate, get_scale


class NoOrders:
    name = "none"

    def decide(self, world, view):
        return OrderLines.empty()


class OneOrder:
    """Orders 7 units of SKU 0 at location 0 on day 0 only."""
    name = "one"

    def decide(self, world, view):
        if view.day == 0:
            return OrderLines(np.array([0]), np.array([0]), np.array([7]))
        return OrderLines.empty()


@pytest.fixture(scope="module")
def world():
    return World.build(WorldConfig(get_scale("tiny"), 4, date(2025, 4, 1), 40))


def test_policies_see_the_same_shoppers_on_the_same_day(world):
    """Common random numbers: the day's wishes do not depend on the policy."""
    a, b = world.initial_state(), world.initial_state()
    ra = world.step(a, ConventionalPolicy(world), truth=True)
    rb = world.step(b, NoOrders(), truth=True)
    assert np.array_equal(ra.demand.demand, rb.demand.demand) and np.array_equal(ra.demand.sku, rb.demand.sku)
    assert ra.placed.qty.sum() > 0 and len(rb.placed) == 0
    # lost sales are itemised with the shopper, so a backtest can weigh them by customer value
    assert len(ra.lost.sku) == ra.lost_units == int((ra.demand.unmet - ra.demand.substituted).sum())


def test_orders_arrive_and_stock_up(world):
    state = world.initial_state()
    policy = OneOrder()
    placed = world.step(state, policy).placed
    assert list(placed.qty) == [7] and placed.arrival_day[0] >= 1
    arrival = int(placed.arrival_day[0])
    got = 0
    while state.day <= arrival:
        rec = world.step(state, policy).received
        got += rec.receive_qty[rec.po == placed.po[0]].sum()
    assert got == placed.receive_qty[0]
    assert not (state.supply.open.po == placed.po[0]).any()


def test_expected_demand_is_the_mean_of_the_draws(world):
    state = world.initial_state()
    policy = ConventionalPolicy(world)
    expected, drawn = 0.0, 0
    by_loc_e = np.zeros(world.network.n)
    by_loc_d = np.zeros(world.network.n)
    for _ in range(40):
        e = world.expected_demand(state)
        r = world.step(state, policy, truth=True)
        assert np.isclose(e.sum(), r.expected_style_units.sum())
        expected += e.sum()
        drawn += r.demand.demand.sum()
        by_loc_e += e.sum(axis=1)
        by_loc_d += np.bincount(r.demand.loc, weights=r.demand.demand, minlength=world.network.n)
    assert drawn == pytest.approx(expected, rel=0.04)
    assert np.corrcoef(by_loc_e, by_loc_d)[0, 1] > 0.98


def test_allocate_serves_in_time_order_then_substitutes(world):
    cat = world.catalog
    style = int(np.flatnonzero(cat.n_skus >= 2)[0])
    a = int(cat.first_sku[style])
    on_hand = np.zeros((1, cat.n_skus_total), dtype=np.int64)
    on_hand[0, a] = 2
    on_hand[0, a + 1] = 1
    rng = np.random.default_rng(0)
    # four shoppers want SKU a; the last two arrive after the shelf is empty
    alloc = allocate(np.zeros(4, dtype=np.int64), np.full(4, a), np.array([30, 10, 20, 40]), on_hand, cat, 1.0, rng)
    assert list(alloc.unmet) == [True, False, False, True]
    assert alloc.substituted.sum() == 1 and (alloc.sold_sku == a + 1).sum() == 1
    assert (alloc.sold_sku == -1).sum() == 1
    assert on_hand[0, a] == 0 and on_hand[0, a + 1] == 0
