"""Styles, SKUs, seasons, prices, locations and customers of a built world."""
from datetime import date

import numpy as np
import pytest

from ltvzaiko_tasks.world import World, WorldConfig, get_scale
from ltvzaiko_tasks.world.catalog import NEVER
from ltvzaiko_tasks.world.customers import expected_purchases


@pytest.fixture(scope="module")
def world():
    return World.build(WorldConfig(get_scale("small"), 21, date(2025, 4, 1), 30))


def test_skus_nest_in_styles(world):
    cat = world.catalog
    assert len(set(cat.sku_code)) == cat.n_skus_total
    for s in range(cat.n_styles):
        a, n = cat.first_sku[s], cat.n_skus[s]
        assert (cat.sku_style[a:a + n] == s).all()
        assert cat.sku_share[a:a + n].sum() == pytest.approx(1.0)
        assert all(code.startswith(cat.style_code[s] + "-") for code in cat.sku_code[a:a + n])
    assert 5 < cat.n_skus_total / cat.n_styles < 8


def test_seasons_lifecycles_and_markdowns(world):
    cat = world.catalog
    seasonal = cat.seasonal
    assert 0.3 < seasonal.mean() < 0.8
    assert set(cat.season_code[seasonal]) == {"SS", "AW"} and set(cat.season_code[~seasonal]) == {"ALL"}
    assert (cat.setup_day < cat.launch_day).all() and (cat.launch_day < cat.end_day).all()
    assert (cat.md1_day[seasonal] < cat.md2_day[seasonal]).all()
    assert (cat.md2_day[seasonal] < cat.end_day[seasonal]).all()
    ss = seasonal & (cat.season_code == "SS")
    assert {world.date_of(int(d)).month for d in cat.md1_day[ss]} == {6}
    discontinued = ~seasonal & (cat.end_day < NEVER)
    assert discontinued.any() and (~seasonal & (cat.launch_day > 0)).any()
    day = int(cat.md1_day[seasonal].min())
    price = cat.selling_price(day)
    marked = cat.markdown_rate(day) > 0
    assert (price[marked] % 100 == 90).all() and (price[marked] < cat.list_price[marked]).all()
    assert (cat.unit_cost < cat.list_price).all()


def test_network_and_assortment(world):
    net = world.network
    assert (net.channel == 0).sum() == 8 and (net.channel == 1).sum() == 1 and (net.channel == 2).sum() == 3
    breadth = net.carried.mean(axis=1)
    assert breadth[net.ec] == 1.0
    large = net.size_class == "L"
    small = net.size_class == "S"
    if large.any() and small.any():
        assert breadth[large].mean() > breadth[small].mean()


def test_customer_heterogeneity_follows_the_declared_distributions(world):
    pop, cp = world.population, world.params.customers
    assert len(pop) == pytest.approx(24_000, rel=0.01)
    assert (np.diff(pop.birth_day) >= 0).all()
    lam = pop.lam
    assert lam.mean() == pytest.approx(cp.r / cp.alpha_days, rel=0.05)
    assert lam.var() == pytest.approx(cp.r / cp.alpha_days ** 2, rel=0.15)   # Gamma(r, α)
    assert pop.p.mean() == pytest.approx(cp.a / (cp.a + cp.b), rel=0.05)    # Beta(a, b)
    assert np.allclose(pop.pref.sum(axis=1), 1)
    multi = (pop.pref > 0.2).sum(axis=1) >= 2
    assert 0.1 < multi.mean() < 0.6                                          # some shop in several channels
    assert np.bincount(pop.tier) / len(pop) == pytest.approx(cp.tier_shares, abs=0.01)
    assert expected_purchases(np.array([0.01]), np.array([0.2]), 365)[0] == pytest.approx(
        (1 - np.exp(-0.01 * 0.2 * 365)) / 0.2)
