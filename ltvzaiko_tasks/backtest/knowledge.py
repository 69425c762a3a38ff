"""What the retailer knows before it sells anything: its masters and its buyer's plan — nothing else.

:meth:`RetailerKnowledge.from_world` is the **only** place where the ltvzaiko policy reads the simulated world.
It copies what a retailer's own systems hold:

* the product master: styles and SKUs, category, season, list price, unit cost, supplier, case pack and
  MOQ, launch / end / announced-end / last-order / markdown dates (the retailer sets them);
* the supplier master: *declared* lead times (the policy learns the real ones from its own receipts);
* the location master and assortment (which location carries which style) and the shelf minimum;
* the buyer's plan as the buyer made it: seasonal season totals per location × style *with the buyer's
  misjudgement* (the same numbers the world's conventional buyer buys from), split over SKUs by the plan's
  colour/size split, and the staples' planned daily rate (the conventional buyer's first forecast).

It never copies the world's demand process, popularity, premium scores, selling curves, campaign effects,
true lead times or customers. ``tests/backtest/test_leakage.py`` perturbs those and checks that nothing here
changes, and that the policy's ``decide`` never touches the world object.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np

from ..world.calendar import EC, MALL, STORE
from ..world.ordering import REVIEW_PERIOD_DAYS, display_minimum, seasonal_initial_order_day


@dataclass(frozen=True)
class RetailerKnowledge:
    start: date
    # locations
    n_locations: int
    location_code: np.ndarray
    channel: np.ndarray            # STORE / EC / MALL
    carried: np.ndarray            # [location, style]
    # styles
    style_code: np.ndarray
    category: np.ndarray
    seasonal: np.ndarray
    season_code: np.ndarray        # "ALL" / "SS" / "AW"
    season_label: np.ndarray
    list_price: np.ndarray         # tax-exclusive
    unit_cost: np.ndarray
    supplier: np.ndarray
    launch_day: np.ndarray
    end_day: np.ndarray
    end_announced_day: np.ndarray
    last_order_day: np.ndarray
    md1_day: np.ndarray
    md2_day: np.ndarray
    case_pack: np.ndarray
    moq: np.ndarray
    initial_order_day: np.ndarray  # seasonal styles: the buyer's pre-season order day
    # SKUs
    sku_style: np.ndarray
    plan_split: np.ndarray         # [SKU] the plan's share of its style (colour × size)
    display_min: np.ndarray        # [location, SKU] shelf minimum of staples
    # suppliers (declared)
    lead_declared_mean: np.ndarray
    lead_declared_sd: np.ndarray
    # the buyer's plan
    season_plan: np.ndarray        # [location, style] planned season units, buyer's error included
    staple_rate_plan: np.ndarray   # [location, SKU] planned daily units of staples

    @property
    def n_styles(self) -> int:
        return len(self.style_code)

    @property
    def n_skus(self) -> int:
        return len(self.sku_style)

    @property
    def carried_sku(self) -> np.ndarray:
        return self.carried[:, self.sku_style]

    def on_sale(self, day: int) -> np.ndarray:
        return (self.launch_day <= day) & (day < self.end_day)

    def known_end(self, day: int) -> tuple[np.ndarray, np.ndarray]:
        """End day and last order day of each style *as known on* ``day``: a staple's discontinuation is
        only known from its announcement (before it, it sells for ever); seasons are planned in advance."""
        known = self.end_announced_day <= day
        never = np.iinfo(np.int64).max // 4
        return np.where(known, self.end_day, never), np.where(known, self.last_order_day, never)

    def markdown_rate(self, day) -> np.ndarray:
        """Planned markdown of each style on ``day`` (master data: 30 % from md1, 50 % from md2)."""
        day = np.asarray(day)
        return np.where(day >= self.md2_day, 0.5, np.where(day >= self.md1_day, 0.3, 0.0))

    def review_locations(self, day: int) -> np.ndarray:
        """Locations reviewed on ``day``: the same calendar as the world's buyer (stores once a week,
        staggered; EC and malls twice a week)."""
        locs = np.arange(self.n_locations)
        store_review = (locs % REVIEW_PERIOD_DAYS) == (day % REVIEW_PERIOD_DAYS)
        other_review = (day % REVIEW_PERIOD_DAYS) in (0, 3)
        return locs[np.where(self.channel == STORE, store_review, other_review)]

    def next_review(self, day: int, loc: np.ndarray) -> np.ndarray:
        """Days until each location's next review after ``day``."""
        loc = np.asarray(loc)
        out = np.full(len(loc), 7, dtype=np.int64)
        other = self.channel[loc] != STORE
        dow = day % REVIEW_PERIOD_DAYS
        out[other] = 3 if dow == 0 else (4 if dow == 3 else 7)
        return out

    @classmethod
    def from_world(cls, world) -> "RetailerKnowledge":
        cat, net, sup, plan = world.catalog, world.network, world.suppliers, world.plan
        sigma = world.params.supply.buyer_error_sigma
        buyer_factor = np.where(cat.seasonal, cat.buy_error ** sigma, 1.0)   # the buyer's misjudgement
        season_plan = plan.season_units * buyer_factor[None, :] * net.carried
        return cls(
            start=world.config.start, n_locations=net.n, location_code=net.code.copy(),
            channel=net.channel.copy(), carried=net.carried.copy(),
            style_code=cat.style_code.copy(), category=cat.category.copy(), seasonal=cat.seasonal.copy(),
            season_code=cat.season_code.copy(), season_label=cat.season_label.copy(),
            list_price=cat.list_price.copy(), unit_cost=cat.unit_cost.copy(), supplier=cat.supplier.copy(),
            launch_day=cat.launch_day.copy(), end_day=cat.end_day.copy(),
            end_announced_day=cat.end_announced_day.copy(), last_order_day=cat.last_order_day.copy(),
            md1_day=cat.md1_day.copy(), md2_day=cat.md2_day.copy(), case_pack=cat.case_pack.copy(),
            moq=cat.moq.copy(), initial_order_day=seasonal_initial_order_day(world),
            sku_style=cat.sku_style.copy(), plan_split=cat.sku_share.copy(),
            display_min=display_minimum(world),
            lead_declared_mean=sup.declared_mean.astype(float), lead_declared_sd=sup.declared_sd.astype(float),
            season_plan=season_plan, staple_rate_plan=plan.sku_rate(cat) * (~cat.seasonal[cat.sku_style])[None, :],
        )


__all__ = ["RetailerKnowledge", "STORE", "EC", "MALL"]
