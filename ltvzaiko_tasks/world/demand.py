"""The demand process: who shops where on a day, and which SKUs they want.

This is the reusable core of the world. For a day it builds a :class:`DayContext` (prices, markdowns,
campaign effects, the choice weights of every style at every location), from which it can

* compute the **true expected demand** (mean units per location × style or × SKU) given the customers'
  state — the oracle's and the ground truth's view, no randomness; and
* **draw** the day's shopping trips and the SKU each wished-for item is (:class:`DemandDraw`), independent of
  stock. Whether the wish becomes a sale is decided by :func:`.fulfilment.allocate` against the stock state.

A trip buys ``1 + Poisson(m)`` items; each item's style is drawn from the location's choice weights for the
shopper's taste tier, then its SKU from the style's colour × size shares (the size curve).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np

from .calendar import EC, MALL, STORE, Calendar
from .campaigns import CampaignEffects, CampaignSchedule
from .catalog import Catalog
from .customers import CustomerState, Population
from .network import Network
from .params import WorldParams
from .rng import stream
from .tax import tax_inclusive

N_TIERS = 3
HOUR_PROFILES = {
    STORE: np.array([0] * 10 + [0.6, 0.8, 1.0, 1.1, 1.2, 1.2, 1.1, 1.0, 0.9, 0.6] + [0] * 4, dtype=float),
    EC: np.array([0.6, 0.35, 0.2, 0.15, 0.12, 0.15, 0.3, 0.5, 0.7, 0.8, 0.9, 1.0, 1.2, 1.0, 0.9, 0.9, 0.9, 0.9,
                  1.0, 1.1, 1.3, 1.5, 1.4, 1.0]),
    MALL: np.array([0.7, 0.4, 0.2, 0.15, 0.12, 0.15, 0.3, 0.45, 0.6, 0.7, 0.8, 0.9, 1.1, 0.9, 0.8, 0.8, 0.8, 0.9,
                    1.0, 1.1, 1.5, 1.7, 1.6, 1.1]),
}
"""Share of trips by hour of day (stores open 10:00-20:00)."""


@dataclass
class DayContext:
    """Everything about a day that does not depend on chance or on stock."""
    day: int
    date: date
    traffic: np.ndarray          # [location] trip-rate multiplier: calendar × campaigns
    style_weight: np.ndarray     # [location, style] choice weight before taste tiers
    effects: CampaignEffects
    price_excl: np.ndarray       # [style] selling price, tax-exclusive
    shelf_price: np.ndarray      # [style] selling price, tax-inclusive (税込)
    markdown: np.ndarray         # [style] markdown rate
    exclude: int | None = None   # campaign left out (counterfactual contexts)


@dataclass
class ItemBase:
    """Expected items per location × tier from customers acquired before the day, before traffic factors."""
    day: int
    old: np.ndarray              # [location, tier], linear in each location's traffic
    newborn: np.ndarray          # indices of customers acquired on the day (exactly one trip)


@dataclass
class Trips:
    customer: np.ndarray         # population index, -1 for an anonymous walk-in
    loc: np.ndarray
    channel: np.ndarray
    tier: np.ndarray
    time_s: np.ndarray           # seconds after midnight JST
    birth: np.ndarray            # the customer's acquisition trip
    u_card: np.ndarray           # uniform: shows the member card if below the customer's capture rate
    u_coupon: np.ndarray         # uniform: redeems an EC coupon if below the campaign's redemption rate

    def __len__(self) -> int:
        return len(self.loc)


@dataclass
class DemandDraw:
    """The day's trips and wished-for items (first choices), before any stock is consulted."""
    day: int
    trips: Trips
    item_trip: np.ndarray        # trip of each wished-for item
    item_sku: np.ndarray         # the SKU wanted
    n_born: int                  # customers acquired up to and including the day
    u_death: np.ndarray          # [n_born] uniform for the drop-out decision


class DemandProcess:
    """Demand of the world's customers and walk-in shoppers, day by day."""

    def __init__(self, catalog: Catalog, network: Network, population: Population, calendar: Calendar,
                 campaigns: CampaignSchedule, params: WorldParams, anon_trips_per_store_day: float, seed: int):
        self.catalog, self.network, self.pop = catalog, network, population
        self.calendar, self.campaigns, self.params, self.seed = calendar, campaigns, params, seed
        aff = np.asarray(params.customers.tier_price_affinity)
        self.tier_affinity = np.exp(aff[:, None] * catalog.premium[None, :])           # [tier, style]
        self.static_weight = (network.carried * catalog.popularity[None, :]
                              * network.category_affinity[:, catalog.category])        # [loc, style]
        self.loc_channel = network.channel.astype(np.int64)
        self.ec = network.ec
        self.anon_rate = anon_trips_per_store_day * network.traffic                     # 0 off stores
        self.anon_tiers = np.asarray(params.anonymous.tier_shares)
        self.hour_cdf = {ch: np.cumsum(p) / p.sum() for ch, p in HOUR_PROFILES.items()}
        self.items_per_trip = 1 + population.basket_m                                  # expected items

    # ------------------------------------------------------------------------------------ context
    def context(self, day: int, exclude: int | None = None, campaigns: bool = True) -> DayContext:
        """Prices, campaign effects and choice weights of ``day`` (optionally without campaign ``exclude``
        or without any campaign)."""
        cat, net = self.catalog, self.network
        d = self.calendar.date_of(day)
        if campaigns:
            eff = self.campaigns.effects(day, net.n, cat.n_styles, exclude)
        else:
            eff = CampaignEffects(np.ones(net.n), np.ones((net.n, cat.n_styles)),
                                  np.full((net.n, cat.n_styles), -1, dtype=np.int32), np.ones(net.n))
        traffic = self.calendar.factor(day)[self.loc_channel] * eff.traffic
        md = cat.markdown_rate(day)
        price_mult = (1 - md) ** -self.params.demand.markdown_elasticity
        curve = cat.demand_curve(day, d.timetuple().tm_yday)
        weight = self.static_weight * (curve * price_mult)[None, :] * eff.item
        price = cat.selling_price(day)
        shelf = tax_inclusive(price)
        return DayContext(day=day, date=d, traffic=traffic, style_weight=weight, effects=eff, price_excl=price,
                          shelf_price=shelf, markdown=md, exclude=exclude)

    def choice_probabilities(self, ctx: DayContext) -> np.ndarray:
        """[location, tier, style] probability that a wished-for item at the location is of the style."""
        w = ctx.style_weight[:, None, :] * self.tier_affinity[None, :, :]
        tot = w.sum(axis=2, keepdims=True)
        return np.divide(w, tot, out=np.zeros_like(w), where=tot > 0)

    # ------------------------------------------------------------------------------- expectations
    def item_base(self, day: int, state: CustomerState) -> ItemBase:
        pop = self.pop
        n0 = pop.n_born(day - 1)
        L = self.network.n
        lam_items = pop.lam[:n0] * self.items_per_trip[:n0] * state.alive[:n0]
        tier = pop.tier[:n0].astype(np.int64)
        old = np.zeros(L * N_TIERS)
        for ch, loc in ((STORE, pop.home_store[:n0]), (EC, np.full(n0, self.ec)), (MALL, pop.mall_loc[:n0])):
            old += np.bincount(loc * N_TIERS + tier, weights=lam_items * pop.pref[:n0, ch], minlength=L * N_TIERS)
        return ItemBase(day=day, old=old.reshape(L, N_TIERS), newborn=np.arange(n0, pop.n_born(day)))

    def expected_items(self, ctx: DayContext, base: ItemBase) -> np.ndarray:
        """[location, tier] expected wished-for items on the day."""
        pop, L = self.pop, self.network.n
        e = base.old * ctx.traffic[:, None]
        nb = base.newborn
        if len(nb):
            tr = ctx.traffic
            w = pop.pref[nb] * np.stack([tr[pop.home_store[nb]], np.full(len(nb), tr[self.ec]),
                                         tr[pop.mall_loc[nb]]], axis=1)
            share = np.divide(w, w.sum(axis=1, keepdims=True), out=np.zeros_like(w), where=w.sum(1, keepdims=True) > 0)
            tier = pop.tier[nb].astype(np.int64)
            flat = np.zeros(L * N_TIERS)
            for ch, loc in ((STORE, pop.home_store[nb]), (EC, np.full(len(nb), self.ec)), (MALL, pop.mall_loc[nb])):
                flat += np.bincount(loc * N_TIERS + tier, weights=share[:, ch] * self.items_per_trip[nb],
                                    minlength=L * N_TIERS)
            e = e + flat.reshape(L, N_TIERS)
        anon_items = self.anon_rate * ctx.traffic * (1 + self.params.anonymous.basket_mean_extra)
        return e + anon_items[:, None] * self.anon_tiers[None, :]

    def expected_style_units(self, ctx: DayContext, base: ItemBase) -> np.ndarray:
        """[location, style] true expected demand (units wished for, met or not)."""
        return np.einsum("lt,lts->ls", self.expected_items(ctx, base), self.choice_probabilities(ctx))

    def expected_units(self, ctx: DayContext, base: ItemBase) -> np.ndarray:
        """[location, SKU] true expected demand."""
        cat = self.catalog
        return self.expected_style_units(ctx, base)[:, cat.sku_style] * cat.sku_share[None, :]

    # --------------------------------------------------------------------------------------- draw
    def draw(self, ctx: DayContext, state: CustomerState) -> DemandDraw:
        """The day's trips and first-choice items. Same seed and day → the same draws for the same state."""
        pop, net, cat = self.pop, self.network, self.catalog
        day = ctx.day
        rng = stream(self.seed, "demand", day)
        n0, n = pop.n_born(day - 1), pop.n_born(day)
        tr = ctx.traffic
        w = pop.pref[:n] * np.stack([tr[pop.home_store[:n]], np.full(n, tr[self.ec]), tr[pop.mall_loc[:n]]], axis=1)
        wsum = w.sum(axis=1)
        k = rng.poisson(pop.lam[:n] * wsum)
        u = rng.random((3, n))                      # channel, drop-out, spare
        anon_n = rng.poisson(self.anon_rate * tr)   # walk-ins per location
        k[n0:n] = 1                                 # the acquisition trip
        k[~state.alive[:n] | (wsum <= 0)] = 0
        who = np.flatnonzero(k)
        cw = np.cumsum(w[who], axis=1) / wsum[who, None]
        ch = ((u[0, who] >= cw[:, 0]).astype(np.int8) + (u[0, who] >= cw[:, 1])).astype(np.int8)
        loc = np.where(ch == STORE, pop.home_store[who], np.where(ch == EC, self.ec, pop.mall_loc[who]))
        reps = k[who]
        a_loc = np.repeat(np.arange(net.n), anon_n)
        n_member_trips, n_anon = int(reps.sum()), len(a_loc)
        customer = np.concatenate([np.repeat(who, reps), np.full(n_anon, -1)]).astype(np.int64)
        t_loc = np.concatenate([np.repeat(loc, reps), a_loc]).astype(np.int64)
        t_ch = np.concatenate([np.repeat(ch, reps), np.full(n_anon, STORE, dtype=np.int8)])
        a_tier = rng.choice(N_TIERS, size=n_anon, p=self.anon_tiers)
        t_tier = np.concatenate([pop.tier[np.repeat(who, reps)], a_tier]).astype(np.int8)
        n_trips = n_member_trips + n_anon
        u_hour = rng.random(n_trips)
        hour = np.zeros(n_trips, dtype=np.int64)
        for c, cdf in self.hour_cdf.items():
            m = t_ch == c
            hour[m] = np.minimum(np.searchsorted(cdf, u_hour[m], side="right"), 23)
        time_s = hour * 3600 + rng.integers(0, 3600, n_trips)
        birth = np.zeros(n_trips, dtype=bool)
        birth[:n_member_trips] = customer[:n_member_trips] >= n0
        trips = Trips(customer=customer, loc=t_loc, channel=t_ch, tier=t_tier, time_s=time_s, birth=birth,
                      u_card=rng.random(n_trips), u_coupon=rng.random(n_trips))
        # items: 1 + Poisson(m) per trip, style by the location's choice weights, SKU by colour × size share
        m = np.where(customer >= 0, pop.basket_m[np.maximum(customer, 0)], self.params.anonymous.basket_mean_extra)
        n_items = 1 + rng.poisson(m)
        item_trip = np.repeat(np.arange(n_trips), n_items)
        probs = self.choice_probabilities(ctx)                       # [L, T, S]
        S = cat.n_styles
        cum = np.cumsum(probs, axis=2).reshape(-1, S)
        has = cum[:, -1] > 0
        cum[has] /= cum[has, -1:]
        keys = (cum + np.arange(cum.shape[0])[:, None]).ravel()
        group = t_loc[item_trip] * N_TIERS + t_tier[item_trip]
        u1, u2 = rng.random(len(item_trip)), rng.random(len(item_trip))
        pos = np.searchsorted(keys, group + u1, side="right")
        style = np.clip(pos - group * S, 0, S - 1)
        sku = np.searchsorted(cat.sku_search_key, style + u2, side="right")
        sku = np.clip(sku, cat.first_sku[style], cat.first_sku[style] + cat.n_skus[style] - 1)
        keep = has[group]
        return DemandDraw(day=day, trips=trips, item_trip=item_trip[keep], item_sku=sku[keep], n_born=n,
                          u_death=u[1])
