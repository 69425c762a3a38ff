"""Ordering policies: who decides what to buy each day.

The world runs with :class:`ConventionalPolicy` — what many retailers do today: a moving-average forecast of
observed (censored) sales, a fixed safety factor, weekly reviews, seasonal goods bought once before the season
from the buyer's plan. The policy backtest plugs its own policies into the same :class:`OrderingPolicy`
interface and replays the world through :meth:`.simulator.World.step`.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Protocol

import numpy as np

from .calendar import STORE
from .params import SupplyParams

if TYPE_CHECKING:
    from .simulator import World

REVIEW_PERIOD_DAYS = 7
SEASONAL_INITIAL_ORDER_LEAD = 10
"""Seasonal styles are ordered this many days before (launch - declared lead time)."""


@dataclass(frozen=True)
class PolicyView:
    """What a policy may look at when it orders at the end of ``day``."""
    day: int
    date: date
    on_hand: np.ndarray     # [location, SKU] after today's sales
    on_order: np.ndarray    # [location, SKU] open purchase order units
    sold: np.ndarray        # [location, SKU] units sold today (censored by stock)


@dataclass
class OrderLines:
    loc: np.ndarray
    sku: np.ndarray
    qty: np.ndarray

    @staticmethod
    def empty() -> "OrderLines":
        z = np.zeros(0, dtype=np.int64)
        return OrderLines(z, z, z)


class OrderingPolicy(Protocol):
    name: str

    def decide(self, world: "World", view: PolicyView) -> OrderLines:
        """Units to order today per location × SKU (rounded to case pack / MOQ by the policy)."""
        ...


def round_to_pack(qty: np.ndarray, case_pack: np.ndarray, moq: np.ndarray) -> np.ndarray:
    """Round positive quantities up to whole case packs and at least the MOQ; zero stays zero."""
    q = np.ceil(np.maximum(qty, 0) / case_pack) * case_pack
    return np.where(qty > 0, np.maximum(q, moq), 0).astype(np.int64)


def order_up_to(rate: np.ndarray, cover_days: np.ndarray, z: float, minimum: np.ndarray) -> np.ndarray:
    """Order-up-to level (補充点) of a Poisson-like demand: rate·T + z·sqrt(rate·T), at least ``minimum``."""
    mu = rate * cover_days
    return np.maximum(np.ceil(mu + z * np.sqrt(mu)), minimum)


def display_minimum(world: "World") -> np.ndarray:
    """[location, SKU] units a location keeps on the shelf at least (two of a store's main sizes)."""
    cat, net = world.catalog, world.network
    main = (cat.sku_share >= 0.15).astype(np.int64)
    store = (net.channel == STORE)[:, None]
    return np.where(store, 1 + main[None, :], 1)


def seasonal_initial_order_day(world: "World") -> np.ndarray:
    cat = world.catalog
    lead = world.suppliers.declared_mean[cat.supplier]
    return np.where(cat.seasonal, cat.launch_day - lead - SEASONAL_INITIAL_ORDER_LEAD, -10**7)


def seasonal_buy(world: "World", styles: np.ndarray, ratio: float, sigma: float, remaining: bool = False) -> np.ndarray:
    """[location, SKU] units of the initial buy of ``styles`` (all locations carrying them)."""
    cat, net, plan = world.catalog, world.network, world.plan
    units = plan.season_units_from0 if remaining else plan.season_units
    err = cat.buy_error ** sigma
    style_qty = units * (err * ratio)[None, :] * net.carried
    mask = np.isin(cat.sku_style, styles)
    out = np.zeros((net.n, cat.n_skus_total))
    out[:, mask] = style_qty[:, cat.sku_style[mask]] * cat.sku_share[mask][None, :]
    return out


class ConventionalPolicy:
    """Moving-average forecast, fixed safety factor, weekly review; no customer value."""
    name = "conventional"

    def __init__(self, world: "World", params: SupplyParams | None = None):
        self.params = params or world.params.supply
        cat = world.catalog
        self.rate = world.plan.sku_rate(cat)
        self.lead = world.suppliers.declared_mean[cat.supplier[cat.sku_style]].astype(float)
        self.minimum = display_minimum(world)
        self.carried_sku = world.network.carried[:, cat.sku_style]
        self.initial_day = seasonal_initial_order_day(world)

    def _review_locations(self, world: "World", day: int) -> np.ndarray:
        net = world.network
        locs = np.arange(net.n)
        store_review = (locs % REVIEW_PERIOD_DAYS) == (day % REVIEW_PERIOD_DAYS)
        other_review = (day % REVIEW_PERIOD_DAYS) in (0, 3)
        return locs[np.where(net.channel == STORE, store_review, other_review)]

    def decide(self, world: "World", view: PolicyView) -> OrderLines:
        cat, p, day = world.catalog, self.params, view.day
        on_sale_sku = cat.on_sale(day)[cat.sku_style]
        upd = self.carried_sku & on_sale_sku[None, :]
        self.rate = np.where(upd, (1 - p.ewma_alpha) * self.rate + p.ewma_alpha * view.sold, self.rate)
        qty = np.zeros_like(self.rate)
        # seasonal initial buys
        styles = np.flatnonzero(self.initial_day == day)
        if len(styles):
            qty += seasonal_buy(world, styles, p.seasonal_buy_ratio, p.buyer_error_sigma)
        # weekly review of staples and in-season top-ups
        locs = self._review_locations(world, day)
        if len(locs):
            style = cat.sku_style
            staple_ok = (~cat.seasonal[style] & (cat.launch_day[style] - self.lead - 7 <= day)
                         & (day < cat.last_order_day[style]) & (day < cat.end_day[style]))
            seasonal_ok = (cat.seasonal[style] & (cat.launch_day[style] + 14 <= day)
                           & (day + self.lead < cat.md1_day[style] - 7))
            orderable = (staple_ok | seasonal_ok)[None, :] & self.carried_sku[locs]
            z = np.where(cat.seasonal[style], 0.5, p.safety_z)
            target = order_up_to(self.rate[locs], self.lead + REVIEW_PERIOD_DAYS, 0.0, 0.0)
            target = np.maximum(np.ceil(target + z * np.sqrt(self.rate[locs] * (self.lead + REVIEW_PERIOD_DAYS))),
                                np.where(staple_ok, self.minimum[locs], 0))
            position = view.on_hand[locs] + view.on_order[locs]
            qty[locs] += np.where(orderable, np.maximum(target - position, 0), 0)
        sku_case = cat.case_pack[cat.sku_style][None, :]
        sku_moq = cat.moq[cat.sku_style][None, :]
        rounded = round_to_pack(qty, sku_case, sku_moq)
        loc, sku = np.nonzero(rounded)
        return OrderLines(loc=loc, sku=sku, qty=rounded[loc, sku])
