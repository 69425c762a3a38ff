"""The world's buyer (バイヤー): a demand plan made on day 0 from what the retailer could know.

The plan is the expected demand of the customers alive on day 0, with the calendar but without campaigns,
grown by a planned growth rate — deliberately not the truth (no acquisitions, no campaigns, no stock-outs).
It sizes the initial stock, the seasonal buys and the conventional policy's first forecast.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .customers import CustomerState
from .demand import DemandProcess, ItemBase

SAMPLE_STEP = 5
"""Plan on every fifth day (co-prime with the week, so weekdays are sampled evenly)."""
STAPLE_WINDOW = 56


@dataclass(frozen=True)
class BuyPlan:
    staple_rate: np.ndarray        # [location, style] planned units per day of a staple in its first 8 weeks
    season_units: np.ndarray       # [location, style] planned units of a seasonal style over its whole season
    season_units_from0: np.ndarray  # the part of it from day 0 on

    def sku_rate(self, catalog) -> np.ndarray:
        """[location, SKU] planned daily units (staples: first 8 weeks; seasonal: season average)."""
        season_len = np.maximum(catalog.end_day - catalog.launch_day, 1)
        style_rate = np.where(catalog.seasonal[None, :], self.season_units / season_len[None, :], self.staple_rate)
        return style_rate[:, catalog.sku_style] * catalog.sku_share[None, :]


def build_plan(demand: DemandProcess, state0: CustomerState, horizon: int, growth_per_year: float) -> BuyPlan:
    cat = demand.catalog
    base = demand.item_base(0, state0)
    base = ItemBase(day=0, old=base.old, newborn=np.zeros(0, dtype=np.int64))
    L, S = demand.network.n, cat.n_styles
    relevant = cat.end_day > 0
    first = int(min(0, cat.launch_day[relevant & cat.seasonal].min(initial=0)))
    first = max(first, demand.calendar.first_day)
    last = min(horizon + 200, demand.calendar.first_day + len(demand.calendar.dates) - 1)
    season_units = np.zeros((L, S))
    season_from0 = np.zeros((L, S))
    staple_sum = np.zeros((L, S))
    staple_n = np.zeros(S)
    staple_from = np.maximum(cat.launch_day, 0)
    for d in range(first, last + 1, SAMPLE_STEP):
        ctx = demand.context(d, campaigns=False)
        units = demand.expected_style_units(ctx, base) * (1 + growth_per_year) ** (d / 365)
        season_units += units * cat.seasonal * SAMPLE_STEP
        if d >= 0:
            season_from0 += units * cat.seasonal * SAMPLE_STEP
        win = ~cat.seasonal & (staple_from <= d) & (d < staple_from + STAPLE_WINDOW)
        staple_sum += units * win
        staple_n += win
    staple_rate = staple_sum / np.maximum(staple_n, 1)
    return BuyPlan(staple_rate=staple_rate, season_units=season_units, season_units_from0=season_from0)
