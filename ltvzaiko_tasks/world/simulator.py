"""The world, day by day: arrivals, returns, demand, sales against stock, customers, orders.

``World.build(config)`` makes the static world (calendar, suppliers, catalogue, network, campaigns,
customers, the buyer's plan); ``world.initial_state()`` the stock, orders in transit and customers on day 0;
``world.step(state, policy)`` simulates one day and returns a :class:`DayResult`. The landing-zone generator
and the policy backtest both run the world through ``step``.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np

from .calendar import EC, MALL, STORE, Calendar, build_calendar
from .campaigns import CampaignSchedule, CampaignSpec, build_schedule
from .catalog import CATEGORIES, Catalog, build_catalog
from .customers import CustomerState, Population, build_population, initial_customer_state
from .demand import DayContext, DemandDraw, DemandProcess
from .fulfilment import allocate
from .network import Network, build_network
from .ordering import (REVIEW_PERIOD_DAYS, OrderingPolicy, PolicyView, display_minimum, order_up_to,
                       seasonal_buy, seasonal_initial_order_day)
from .params import WorldParams
from .planning import BuyPlan, build_plan
from .returns import ReturnLines, ReturnQueue
from .rng import stream
from .scales import Scale
from .supply import POLines, Supply
from .tax import tax_included_in
from .suppliers import Suppliers, build_suppliers

CALENDAR_MARGIN = 400
RETURN_DELAY = {STORE: (1, 14), EC: (3, 21), MALL: (3, 21)}


@dataclass(frozen=True)
class WorldConfig:
    scale: Scale
    seed: int
    start: date
    days: int
    params: WorldParams = field(default_factory=WorldParams)
    extra_campaigns: tuple[CampaignSpec, ...] = ()

    @property
    def horizon(self) -> int:
        return max(self.days, self.scale.horizon_days)


@dataclass
class WorldState:
    on_hand: np.ndarray            # [location, SKU] units on hand
    supply: Supply
    customers: CustomerState
    returns: ReturnQueue
    day: int = 0                   # next day to simulate


@dataclass
class Orders:
    """Purchasing trips of the day (receipts, EC orders, mall orders), one row each."""
    loc: np.ndarray
    channel: np.ndarray
    customer: np.ndarray       # population index, -1 anonymous
    time_s: np.ndarray
    seq: np.ndarray            # 1.. in time order within the location
    shows_card: np.ndarray     # store purchase on the member card
    coupon: np.ndarray         # campaign index of the redeemed coupon, -1
    points: np.ndarray         # points multiplier in force

    def __len__(self) -> int:
        return len(self.loc)


@dataclass
class SaleLines:
    order: np.ndarray          # row in Orders
    line_no: np.ndarray
    sku: np.ndarray
    qty: np.ndarray
    unit_price: np.ndarray     # tax-inclusive shelf price (税込単価)
    discount: np.ndarray       # tax-inclusive discount on the line
    amount: np.ndarray         # qty × unit price − discount
    tax: np.ndarray            # consumption tax contained in amount
    campaign: np.ndarray       # campaign index of the discount, -1


@dataclass
class DemandTruth:
    """Per location × SKU with any demand or sale on the day."""
    loc: np.ndarray
    sku: np.ndarray
    demand: np.ndarray         # first-choice units wished for (met or not)
    sold: np.ndarray           # units sold of this SKU (first choices and substitutes)
    unmet: np.ndarray          # first-choice units the SKU could not serve
    substituted: np.ndarray    # of which served by another SKU of the style
    on_hand_open: np.ndarray   # stock when the shop opened


@dataclass
class LostSales:
    """Wished-for items that could not be sold (neither the SKU nor a substitute), one row per unit."""
    loc: np.ndarray
    sku: np.ndarray
    customer: np.ndarray       # population index, -1 for a walk-in shopper


@dataclass
class CustomerEvents:
    new: np.ndarray            # registered today (new row in the customers master)
    updated: np.ndarray        # already registered, got a card or an EC account today
    link_customer: np.ndarray  # mall account linked today
    link_mall: np.ndarray      # location index of the mall
    died: np.ndarray           # dropped out today (truth)


@dataclass
class DayResult:
    day: int
    date: date
    ctx: DayContext
    received: POLines
    returns: ReturnLines
    orders: Orders
    lines: SaleLines
    placed: POLines
    customers: CustomerEvents
    demand: DemandTruth | None
    lost_units: int
    lost: LostSales
    expected_style_units: np.ndarray | None = None     # [location, style] true mean demand (truth runs)
    counterfactual_style_units: dict[int, np.ndarray] | None = None  # without campaign c


def acquisition_weights(calendar: Calendar, campaigns: CampaignSchedule, network: Network,
                        channel_shares: tuple[float, float, float], horizon: int) -> np.ndarray:
    """Relative number of new customers on each day: the day's traffic in each channel (calendar × campaigns,
    averaged over the channel's locations), mixed by the customers' main-channel shares."""
    shares = np.asarray(channel_shares)
    out = np.empty(horizon)
    for d in range(horizon):
        traffic = campaigns.traffic(d, network.n) * calendar.factor(d)[network.channel]
        by_channel = np.array([traffic[network.channel == c].mean() for c in (STORE, EC, MALL)])
        out[d] = shares @ by_channel
    return np.maximum(out, 0.05)


class World:
    """The static world plus the code path that moves it forward one day."""

    def __init__(self, config: WorldConfig, calendar: Calendar, suppliers: Suppliers, catalog: Catalog,
                 network: Network, campaigns: CampaignSchedule, population: Population, demand: DemandProcess,
                 plan: BuyPlan):
        self.config, self.calendar, self.suppliers, self.catalog = config, calendar, suppliers, catalog
        self.network, self.campaigns, self.population, self.demand, self.plan = (network, campaigns, population,
                                                                                 demand, plan)
        self.params = config.params
        self.seed = config.seed
        cat = catalog
        self.return_prob = (np.asarray(self.params.demand.return_rate)[:, None]
                            * np.array([c.return_multiplier for c in CATEGORIES])[None, :])  # [channel, category]

    # ----------------------------------------------------------------------------------- building
    @classmethod
    def build(cls, config: WorldConfig) -> "World":
        sc, seed, start, H = config.scale, config.seed, config.start, config.horizon
        calendar = build_calendar(start, -CALENDAR_MARGIN, H + 2 * CALENDAR_MARGIN)
        suppliers = build_suppliers(sc.n_styles, stream(seed, "suppliers"))
        catalog = build_catalog(sc.n_styles, start, H, sc.horizon_days, seed, suppliers)
        network = build_network(sc.n_stores, catalog.popularity, start, stream(seed, "network"))
        campaigns = build_schedule(catalog, network, start, H, seed, config.params.campaigns_enabled,
                                   config.extra_campaigns)
        acq = acquisition_weights(calendar, campaigns, network, config.params.customers.primary_channel_shares, H)
        population = build_population(sc.n_customers, H, sc.horizon_days, acq,
                                      network.traffic, network.stores, network.malls, config.params.customers,
                                      stream(seed, "customers"), seed)
        demand = DemandProcess(catalog, network, population, calendar, campaigns, config.params,
                               sc.anon_trips_per_store_day, seed)
        state0 = initial_customer_state(population, network.malls)
        plan = build_plan(demand, state0, H, config.params.customers.growth_plan_per_year)
        return cls(config, calendar, suppliers, catalog, network, campaigns, population, demand, plan)

    def date_of(self, day: int) -> date:
        return self.config.start + timedelta(days=day)

    def expected_demand(self, state: WorldState, day: int | None = None) -> np.ndarray:
        """[location, SKU] true mean demand of ``day`` (default: the state's next day) — the oracle's view.

        Conditional on the customers alive in ``state``; no randomness is consumed."""
        day = state.day if day is None else day
        ctx = self.demand.context(day)
        return self.demand.expected_units(ctx, self.demand.item_base(day, state.customers))

    # ------------------------------------------------------------------------------ initial state
    def initial_state(self) -> WorldState:
        """Day 0 morning: shelves stocked from the plan, seasonal buys and new staples in transit."""
        cat, net, sp = self.catalog, self.network, self.params.supply
        rng = stream(self.seed, "initial_state")
        supply = Supply(cat, self.suppliers, sp, self.config.start, net.n)
        style = cat.sku_style
        carried = net.carried[:, style]
        lead = self.suppliers.declared_mean[cat.supplier[style]].astype(float)
        rate = self.plan.sku_rate(cat)
        on_hand = np.zeros((net.n, cat.n_skus_total), dtype=np.int64)
        # staples in steady state: the shelf holds safety stock plus part of a review cycle, and a review's
        # worth of demand was ordered every week of the past lead time (some of it still in transit)
        staple_live = carried & (~cat.seasonal[style] & cat.on_sale(0)[style])[None, :]
        minimum = display_minimum(self)
        target = order_up_to(rate, lead + REVIEW_PERIOD_DAYS, sp.safety_z, minimum)
        cycle = rate * REVIEW_PERIOD_DAYS
        shelf = np.maximum(np.round(target - rate * lead - cycle * rng.random(on_hand.shape)), minimum)
        on_hand += np.where(staple_live, shelf, 0).astype(np.int64)
        case = cat.case_pack[style][None, :]
        for weeks_ago in range(1, int(np.ceil(lead.max() * 1.5 / REVIEW_PERIOD_DAYS)) + 2):
            cases = cycle / case
            n_cases = np.floor(cases) + (rng.random(on_hand.shape) < cases - np.floor(cases))
            qty = np.where(staple_live & (weeks_ago * REVIEW_PERIOD_DAYS < lead * 1.5)[None, :], n_cases * case, 0)
            loc, sku = np.nonzero(qty)
            supply.place(-weeks_ago * REVIEW_PERIOD_DAYS, loc, sku, qty[loc, sku].astype(np.int64), rng)
        supply.forget_arrived_before(0)
        # seasonal styles already on sale: what the buyer bought minus what the plan says has sold
        live_seasonal = np.flatnonzero(cat.seasonal & cat.on_sale(0))
        if len(live_seasonal):
            bought = seasonal_buy(self, live_seasonal, sp.seasonal_buy_ratio, sp.buyer_error_sigma)
            total = seasonal_buy(self, live_seasonal, 1.0, 0.0)
            left = seasonal_buy(self, live_seasonal, 1.0, 0.0, remaining=True)
            on_hand += np.maximum(np.round((bought - (total - left)) * rng.uniform(0.8, 1.1, on_hand.shape)), 0
                                  ).astype(np.int64)
        # in transit: seasonal initial buys ordered before day 0, new staples' launch stock
        order_day = seasonal_initial_order_day(self)
        pending = np.flatnonzero(cat.seasonal & (order_day < 0) & (cat.launch_day > 0))
        for od in np.unique(order_day[pending]).tolist():
            styles = pending[order_day[pending] == od]
            qty = np.ceil(seasonal_buy(self, styles, sp.seasonal_buy_ratio, sp.buyer_error_sigma))
            loc, sku = np.nonzero(qty)
            arrive = np.maximum(1, cat.launch_day[style[sku]] - 3 + np.round(rng.normal(0, 4, len(sku))))
            supply.place(od, loc, sku, qty[loc, sku].astype(np.int64), rng, arrival_day=arrive)
        new_staple = ~cat.seasonal[style] & (cat.launch_day[style] > 0) & (cat.launch_day[style] - lead - 7 < 0)
        launch_stock = order_up_to(rate, lead + REVIEW_PERIOD_DAYS, sp.safety_z, minimum)
        qty = np.where(carried & new_staple[None, :], launch_stock, 0)
        loc, sku = np.nonzero(qty)
        if len(sku):
            od = -7
            arrive = np.maximum(1, cat.launch_day[style[sku]] - 2)
            supply.place(od, loc, sku, qty[loc, sku].astype(np.int64), rng, arrival_day=arrive)
        return WorldState(on_hand=on_hand, supply=supply,
                          customers=initial_customer_state(self.population, net.malls), returns=ReturnQueue())

    # --------------------------------------------------------------------------------- one day
    def step(self, state: WorldState, policy: OrderingPolicy, truth: bool = False) -> DayResult:
        """Simulate ``state.day`` and advance the state to the next morning."""
        day = state.day
        cat, dem = self.catalog, self.demand
        ctx = dem.context(day)
        received = state.supply.receive(day)
        np.add.at(state.on_hand, (received.loc, received.sku), received.receive_qty)
        returned = state.returns.pop(day)
        np.add.at(state.on_hand, (returned.loc, returned.sku), returned.qty)
        expected = counterfactual = None
        if truth:
            base = dem.item_base(day, state.customers)
            expected = dem.expected_style_units(ctx, base)
            counterfactual = {c.index: dem.expected_style_units(dem.context(day, exclude=c.index), base)
                              for c in self.campaigns.relevant(day)}
        draw = dem.draw(ctx, state.customers)
        trips = draw.trips
        item_loc = trips.loc[draw.item_trip]
        rng = stream(self.seed, "fulfilment", day)
        stock_open = state.on_hand.copy() if truth else None
        alloc = allocate(item_loc, draw.item_sku, trips.time_s[draw.item_trip], state.on_hand, cat,
                         self.params.demand.substitution_rate, rng)
        lost = alloc.sold_sku < 0
        orders, lines, events = self._record_sales(ctx, draw, alloc.sold_sku, lost, state.customers)
        self._schedule_returns(day, orders, lines, state.returns, rng)
        demand_truth = self._demand_truth(item_loc, draw.item_sku, alloc, stock_open, state.on_hand) if truth else None
        sold = np.zeros_like(state.on_hand)
        np.add.at(sold, (orders.loc[lines.order], lines.sku), lines.qty)
        view = PolicyView(day=day, date=ctx.date, on_hand=state.on_hand, on_order=state.supply.on_order, sold=sold)
        order_lines = policy.decide(self, view)
        placed = state.supply.place(day, order_lines.loc, order_lines.sku, order_lines.qty,
                                    stream(self.seed, "supply", day))
        state.day = day + 1
        return DayResult(day=day, date=ctx.date, ctx=ctx, received=received, returns=returned, orders=orders,
                         lines=lines, placed=placed, customers=events, demand=demand_truth,
                         lost_units=int(lost.sum()),
                         lost=LostSales(loc=item_loc[lost], sku=draw.item_sku[lost],
                                        customer=trips.customer[draw.item_trip[lost]]),
                         expected_style_units=expected,
                         counterfactual_style_units=counterfactual)

    # ---------------------------------------------------------------------------- day internals
    def _record_sales(self, ctx: DayContext, draw: DemandDraw, sold_sku: np.ndarray, lost: np.ndarray,
                      cs: CustomerState) -> tuple[Orders, SaleLines, CustomerEvents]:
        """Receipts/orders and their lines, card capture, coupons, and the customers' reactions."""
        cat, pop, day = self.catalog, self.population, ctx.day
        trips = draw.trips
        n_trips = len(trips)
        ok = sold_sku >= 0
        bought_trip = np.bincount(draw.item_trip[ok], minlength=n_trips) > 0
        lost_trip = np.bincount(draw.item_trip[lost], minlength=n_trips) > 0
        cust = trips.customer
        member = cust >= 0
        ci = np.maximum(cust, 0)
        # membership: a member's first store purchase issues the card, a first EC order opens the account
        store_buy = member & bought_trip & (trips.channel == STORE)
        ec_buy = member & bought_trip & (trips.channel == EC)
        had_card = cs.has_card[ci] & member
        new_card = store_buy & pop.is_member[ci] & ~had_card
        shows_card = store_buy & ((had_card & (trips.u_card < pop.capture[ci])) | new_card)
        # orders: purchasing trips in time order within each location
        o_idx = np.flatnonzero(bought_trip)
        o_idx = o_idx[np.lexsort((o_idx, trips.time_s[o_idx], trips.loc[o_idx]))]
        o_loc = trips.loc[o_idx]
        starts = np.r_[True, o_loc[1:] != o_loc[:-1]]
        first = np.flatnonzero(starts)
        seq = np.arange(len(o_idx)) - first[np.cumsum(starts) - 1] + 1
        trip_to_order = np.full(n_trips, -1, dtype=np.int64)
        trip_to_order[o_idx] = np.arange(len(o_idx))
        # lines: one per order × SKU
        it, sk = draw.item_trip[ok], sold_sku[ok]
        order_of_item = trip_to_order[it]
        key = order_of_item * cat.n_skus_total + sk
        ukey, qty = np.unique(key, return_counts=True)
        l_order, l_sku = ukey // cat.n_skus_total, ukey % cat.n_skus_total
        lstart = np.r_[True, l_order[1:] != l_order[:-1]] if len(l_order) else np.zeros(0, bool)
        lfirst = np.flatnonzero(lstart)
        line_no = np.arange(len(l_order)) - lfirst[np.cumsum(lstart) - 1] + 1 if len(l_order) else l_order
        l_style = cat.sku_style[l_sku]
        l_trip = o_idx[l_order]
        l_loc = trips.loc[l_trip]
        unit = ctx.shelf_price[l_style]
        # offers: percent-off / mall sale (members only needs the card in store), EC coupons by redemption
        offer = ctx.effects.offer[l_loc, l_style]
        rate = np.zeros(len(l_sku))
        coupon_trip = np.full(n_trips, -1, dtype=np.int64)
        for c_idx in np.unique(offer[offer >= 0]).tolist():
            c = self.campaigns.campaigns[c_idx]
            m = offer == c_idx
            if c.spec.mechanism == "coupon":
                eligible = trips.u_coupon[l_trip] < c.spec.redemption
                coupon_trip[l_trip[m & eligible]] = c_idx
            elif c.spec.member_only:
                eligible = (trips.channel[l_trip] != STORE) | shows_card[l_trip]
            else:
                eligible = np.ones(len(l_sku), dtype=bool)
            rate = np.where(m & eligible, c.spec.discount, rate)
        applied = np.where(rate > 0, offer, -1)
        discount = np.floor(unit * qty * rate + 1e-9).astype(np.int64)
        amount = unit * qty - discount
        orders = Orders(loc=o_loc, channel=trips.channel[o_idx], customer=cust[o_idx], time_s=trips.time_s[o_idx],
                        seq=seq, shows_card=shows_card[o_idx], coupon=coupon_trip[o_idx],
                        points=ctx.effects.points[o_loc])
        lines = SaleLines(order=l_order, line_no=line_no, sku=l_sku, qty=qty.astype(np.int64), unit_price=unit,
                          discount=discount, amount=amount, tax=tax_included_in(amount), campaign=applied)
        events = self._update_customers(day, draw, trips, bought_trip, lost_trip, new_card, ec_buy, cs)
        return orders, lines, events

    def _update_customers(self, day: int, draw: DemandDraw, trips, bought_trip, lost_trip, new_card, ec_buy,
                          cs: CustomerState) -> CustomerEvents:
        pop, boost = self.population, self.params.customers.stockout_dropout_boost
        member = trips.customer >= 0
        c = trips.customer[member]
        n = draw.n_born
        buys = np.bincount(c, weights=bought_trip[member], minlength=n).astype(np.int64)
        reps = np.bincount(c, weights=(bought_trip & ~trips.birth)[member], minlength=n)
        frustrated = np.bincount(c, weights=lost_trip[member], minlength=n) > 0
        visits = np.bincount(c, minlength=n) > 0
        p = pop.p[:n]
        p_buy = np.minimum(1.0, p * (1 + boost * frustrated))
        p_die = np.where(reps > 0, 1 - (1 - p_buy) ** reps, np.where(visits & frustrated, p * boost, 0.0))
        died = np.flatnonzero(cs.alive[:n] & (draw.u_death < p_die))
        cs.alive[died] = False
        cs.death_day[died] = day
        cs.purchases[:n] += buys
        cs.last_purchase_day[:n] = np.where(buys > 0, day, cs.last_purchase_day[:n])
        was_registered = cs.registered
        carded = np.unique(trips.customer[new_card])
        cs.has_card[carded] = True
        ec_new = np.unique(trips.customer[ec_buy & ~cs.has_ec[np.maximum(trips.customer, 0)]])
        cs.has_ec[ec_new] = True
        changed = np.union1d(carded, ec_new)
        new = changed[~was_registered[changed]]
        updated = changed[was_registered[changed]]
        cs.registered_day[new] = day
        cs.registered_channel[new] = np.where(np.isin(new, carded), STORE, EC)
        mall_buy = member & bought_trip & (trips.channel == MALL)
        mc = trips.customer[mall_buy]
        slot = np.searchsorted(self.network.malls, trips.loc[mall_buy])
        can = cs.registered[mc] & pop.consent[mc] & ~cs.linked[mc, slot]
        pairs = np.unique(mc[can] * 4 + slot[can])
        lc, ls = pairs // 4, pairs % 4
        cs.linked[lc, ls] = True
        return CustomerEvents(new=new, updated=updated, link_customer=lc, link_mall=self.network.malls[ls],
                              died=died)

    def _schedule_returns(self, day: int, orders: Orders, lines: SaleLines, queue: ReturnQueue,
                          rng: np.random.Generator) -> None:
        cat = self.catalog
        n = len(lines.sku)
        u, u_delay, u_time = rng.random(n), rng.random(n), rng.random(n)
        ch = orders.channel[lines.order]
        prob = self.return_prob[ch, cat.category[cat.sku_style[lines.sku]]]
        back = u < prob
        lo = np.array([RETURN_DELAY[c][0] for c in (STORE, EC, MALL)])[ch]
        hi = np.array([RETURN_DELAY[c][1] for c in (STORE, EC, MALL)])[ch]
        delay = lo + np.floor(u_delay * (hi - lo + 1)).astype(np.int64)
        due = day + delay
        closed = (ch == STORE) & (self.calendar.factors[STORE, due - self.calendar.first_day] == 0)
        due = due + closed  # a store shut that day takes the return the day after
        time_s = np.where(ch == STORE, 10 * 3600 + np.floor(u_time * 10 * 3600), np.floor(u_time * 86400))
        o = lines.order
        queue.schedule(ReturnLines(
            due_day=due[back], loc=orders.loc[o][back], sku=lines.sku[back], qty=lines.qty[back],
            unit_refund=(lines.amount // lines.qty)[back], channel=ch[back], customer=orders.customer[o][back],
            shows_card=orders.shows_card[o][back], orig_day=np.full(int(back.sum()), day, dtype=np.int64),
            orig_seq=orders.seq[o][back], orig_time_s=orders.time_s[o][back], time_s=time_s[back].astype(np.int64)))

    def _demand_truth(self, item_loc, item_sku, alloc, stock_open, on_hand_after) -> DemandTruth:
        K = self.catalog.n_skus_total
        want = item_loc * K + item_sku
        sold_ok = alloc.sold_sku >= 0
        sold_key = item_loc[sold_ok] * K + alloc.sold_sku[sold_ok]
        keys = np.union1d(want, sold_key)
        pos = lambda k: np.searchsorted(keys, k)  # noqa: E731
        demand = np.bincount(pos(want), minlength=len(keys))
        sold = np.bincount(pos(sold_key), minlength=len(keys))
        unmet = np.bincount(pos(want[alloc.unmet]), minlength=len(keys))
        subst = np.bincount(pos(want[alloc.substituted]), minlength=len(keys))
        return DemandTruth(loc=keys // K, sku=keys % K, demand=demand, sold=sold, unmet=unmet, substituted=subst,
                           on_hand_open=stock_open.reshape(-1)[keys])
