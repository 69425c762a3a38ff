"""The ltvzaiko policy and the perfect-foresight oracle: one ordering rule, two sources of knowledge.

Both follow the pipeline's replenishment rules (``ltvzaiko_tasks.replenishment.recommend_orders``) on the same
review calendar as the world's buyer:

* **staples** (定番品): at each review of a location, order up to the demand over the protection interval
  (days until the location's next review + lead time) plus safety stock at the item's LTV-class service
  level (高 98 %, 中 95 %, 低 90 %), lead-time variability included; never below the shelf minimum;
* **discontinued staples** once the end is announced: a last newsvendor buy against the demand left in their
  selling life (no salvage), no orders after the last order date;
* **seasonal goods** (シーズン品): the pre-season buy on the buyer's order day covers the demand until a
  reorder placed ``learning_days`` after launch can arrive (the newsvendor quantile at the critical ratio
  cu/(cu + co), cu = margin × max(w, 1)^γ with w the LTV weight, co = cost − salvage); in season each
  review orders the newsvendor quantity for the demand until the next reorder can arrive, or — when no later
  reorder can arrive in time — for the rest of the season; no orders from the last order date on;
* everything rounded to case packs and MOQs, and cut to the open-to-buy budget by expected gross profit per
  yen (customer value included).

:class:`LtvzaikoPolicy` knows only :class:`~.knowledge.RetailerKnowledge` and its own records
(:class:`~.observations.RetailerHistory`): XGBoost forecasts of observed (censored) sales, real lead times
from its receipts, the seasonal profile and plan corrections of :mod:`.seasonal`, and item values from the
customer models (:mod:`.values`). Its ``decide`` ignores the ``world`` argument.

:class:`OraclePolicy` uses the same rule with the truth: the world's true expected demand (for the customers
alive that day), the suppliers' true lead times, the true item values. It is the ceiling of the comparison.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.special import ndtri

from ..replenishment import ReplenishmentPolicy, recommend_orders
from ..world.ordering import OrderLines, PolicyView, round_to_pack
from .budget import OpenToBuy
from .config import LtvzaikoPolicyConfig
from .forecasting import StapleForecast
from .knowledge import RetailerKnowledge
from .observations import RetailerHistory
from .seasonal import SeasonalModel
from .values import ItemValues, estimate_item_values, neutral_values

PRE_LAUNCH_DAYS = 7
"""A new staple is first ordered this many days (plus a review period) before lead time ahead of its launch."""


class _PlanningPolicy:
    """The ordering rule shared by the ltvzaiko policy and the oracle (subclasses provide the knowledge)."""

    name = "planning"

    def __init__(self, knowledge: RetailerKnowledge, config: LtvzaikoPolicyConfig, budget: OpenToBuy | None):
        self.k, self.cfg = knowledge, config
        self.budget = budget or OpenToBuy(knowledge.start, 0, None)
        self.repl = ReplenishmentPolicy(review_period_days=float(config.review_period_days),
                                        ltv_elasticity=config.ltv_elasticity,
                                        salvage_fraction_of_cost=config.salvage_fraction_of_cost,
                                        min_service_level=0.5, max_critical_ratio=0.99)
        self.z_lead = float(ndtri(config.lead_time_quantile))
        self.order_rows = 0
        self.budget_cuts = 0

    # ---------------------------------------------------------------- what a subclass must provide
    def _refresh(self, day: int, view: PolicyView) -> None: ...
    def _lead(self, day: int) -> tuple[np.ndarray, np.ndarray]: ...
    def _values(self) -> ItemValues: ...
    def _staple_demand(self, loc, style, t0, t1, clearance=False) -> tuple[np.ndarray, np.ndarray]: ...
    def _seasonal_demand(self, day, loc, sku, t0, t1) -> tuple[np.ndarray, np.ndarray]: ...

    # ----------------------------------------------------------------------------------- decide
    def decide(self, world, view: PolicyView) -> OrderLines:   # ``world`` is not used: see the subclasses
        day, k, cfg = view.day, self.k, self.cfg
        self._refresh(day, view)
        lt_mean, lt_sd = self._lead(day)
        values = self._values()
        parts = []
        # pre-season buys of seasonal styles: cover the demand until a reorder placed after the first weeks of
        # selling can arrive (capped by the season's newsvendor quantity)
        styles = np.flatnonzero(k.seasonal & (k.initial_order_day == day))
        if len(styles):
            loc, sku = np.nonzero(k.carried_sku & np.isin(k.sku_style, styles)[None, :])
            style = k.sku_style[sku]
            sup = k.supplier[style]
            lq = lt_mean[sup] + self.z_lead * lt_sd[sup]
            first = k.launch_day[style] + cfg.learning_days
            reorder = (first < k.last_order_day[style]) & (first + lq < k.end_day[style])
            t_prot = np.where(reorder, first + cfg.review_period_days + np.ceil(lq), k.end_day[style]).astype(np.int64)
            t0 = np.maximum(k.launch_day[style], day + 1)
            parts.append(self._seasonal_rows(view, loc, sku, t0, t_prot, ~reorder, t0, lt_mean[sup],
                                             np.full(len(sku), cfg.review_period_days), values))
        # reviews
        locs = k.review_locations(day)
        if len(locs):
            li, sku = np.nonzero(k.carried_sku[locs])
            loc = locs[li]
            style = k.sku_style[sku]
            sup = k.supplier[style]
            L, Lsd = lt_mean[sup], lt_sd[sup]
            lq = L + self.z_lead * Lsd
            rn = k.next_review(day, loc)
            staple = ~k.seasonal[style]
            announced = k.end_announced_day[style] <= day
            end_known, last_known = k.known_end(day)
            window = (day < last_known[style]) & (day + L < end_known[style])
            live = staple & ~announced & window & (k.launch_day[style] - L - cfg.review_period_days
                                                   - PRE_LAUNCH_DAYS <= day)
            runout = staple & announced & window
            seas = k.seasonal[style] & window & (day >= k.launch_day[style] + cfg.learning_days)
            t0 = np.maximum(day + 1, k.launch_day[style])
            # staples: demand over the protection interval, split over SKUs (thinning of the style's demand)
            if live.any():
                m = live
                t1 = (day + 1 + rn[m] + np.ceil(L[m])).astype(np.int64)
                sm, sv = self._staple_demand(loc[m], style[m], t0[m], t1)
                split = k.plan_split[sku[m]]
                mean = sm * split
                var = split * split * np.maximum(sv - sm, 0.0) + mean
                floor = k.display_min[loc[m], sku[m]].astype(float)
                parts.append(self._rows(view, loc[m], sku[m], mean, var, "staple", L[m], Lsd[m], rn[m], values,
                                        floor))
            if runout.any():
                m = runout
                arrive = (day + 1 + np.ceil(L[m])).astype(np.int64)
                m1, _ = self._staple_demand(loc[m], style[m], t0[m], arrive, clearance=True)
                sm, sv = self._staple_demand(loc[m], style[m], arrive, k.end_day[style[m]], clearance=True)
                split = k.plan_split[sku[m]]
                mean = sm * split
                var = split * split * np.maximum(sv - sm, 0.0) + mean
                price = self._effective_price(style[m], arrive, k.end_day[style[m]], lambda a, b: self._staple_demand(
                    loc[m], style[m], a, b, clearance=True)[0])
                parts.append(self._rows(view, loc[m], sku[m], mean, var, "seasonal", L[m], 0.0, rn[m], values,
                                        np.zeros(int(m.sum())), before_arrival=m1 * split, price=price))
            if seas.any():
                m = seas
                nxt = day + rn[m]
                last = ~((nxt < k.last_order_day[style[m]]) & (nxt + lq[m] < k.end_day[style[m]]))
                arrive = (day + 1 + np.ceil(L[m])).astype(np.int64)
                t_prot = (day + 1 + rn[m] + np.ceil(lq[m])).astype(np.int64)
                parts.append(self._seasonal_rows(view, loc[m], sku[m], t0[m], t_prot, last, arrive, L[m], rn[m],
                                                 values))
        parts = [p for p in parts if len(p)]
        if not parts:
            return OrderLines.empty()
        rows = pd.concat(parts, ignore_index=True)
        return self._order(rows)

    def _seasonal_rows(self, view, loc, sku, t0, t_prot, last, arrive, lead, review, values: ItemValues):
        """Rows of a seasonal buy. While a later reorder can still arrive, order up to the lower of
        (a) the demand until that reorder arrives, at the critical ratio cu/(cu + co) (or, with
        ``seasonal_protection="class_service_level"``, at the item's LTV-class service level) and (b) the
        newsvendor quantity for the rest of the season (no more than the season can sell at the critical
        ratio). For the last order: the newsvendor quantity
        for the demand after its arrival, against the stock expected to be left by then."""
        k, day = self.k, view.day
        style = k.sku_style[sku]
        end = k.end_day[style]
        demand = lambda a, b: self._seasonal_demand(day, loc, sku, a, b)  # noqa: E731
        mb, vb = demand(t0, end)
        price_b = self._effective_price(style, t0, end, lambda a, b: demand(a, b)[0])
        cost = k.unit_cost[style].astype(float)
        w = values.weight[style]
        cu = np.maximum(price_b - cost, 0.0) * np.power(np.maximum(w, 1.0), self.cfg.ltv_elasticity)
        co = cost * (1.0 - self.cfg.salvage_fraction_of_cost)
        cr = np.clip(cu / np.maximum(cu + co, 1e-9), self.repl.min_critical_ratio, self.repl.max_critical_ratio)
        s_season = mb + ndtri(cr) * np.sqrt(vb)
        ma, va = demand(t0, t_prot)
        if self.cfg.seasonal_protection == "class_service_level":
            sl = np.array([self.cfg.service_level_by_class.get(c, 0.95) for c in values.ltv_class[style]])
        else:
            sl = cr
        s_prot = ma + ndtri(sl) * np.sqrt(va)
        prot = ~last & (s_prot < s_season)
        season = ~last & ~prot
        parts = []
        if prot.any():
            m = prot
            parts.append(self._rows(view, loc[m], sku[m], ma[m], va[m], "staple", lead[m], 0.0, review[m], values,
                                    np.zeros(int(m.sum())), service=sl[m]))
        if season.any():
            m = season
            parts.append(self._rows(view, loc[m], sku[m], mb[m], vb[m], "seasonal", lead[m], 0.0, review[m], values,
                                    np.zeros(int(m.sum())), price=price_b[m]))
        if last.any():
            m = last
            m_after, v_after = self._seasonal_demand(day, loc[m], sku[m], arrive[m], end[m])
            before, _ = self._seasonal_demand(day, loc[m], sku[m], t0[m], arrive[m])
            price = self._effective_price(style[m], arrive[m], end[m],
                                          lambda a, b: self._seasonal_demand(day, loc[m], sku[m], a, b)[0])
            parts.append(self._rows(view, loc[m], sku[m], m_after, v_after, "seasonal", lead[m], 0.0, review[m],
                                    values, np.zeros(int(m.sum())), before_arrival=before, price=price))
        parts = [p for p in parts if len(p)]
        return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()

    def _effective_price(self, style, t0, t1, demand) -> np.ndarray:
        """Selling price (tax-exclusive) averaged over ``[t0, t1)`` by expected demand in each markdown phase:
        a unit bought for the last weeks of a season sells at 30-50 % off, so it earns less (newsvendor cu)."""
        k = self.k
        t0, t1 = np.asarray(t0, dtype=np.int64), np.asarray(t1, dtype=np.int64)
        md1, md2 = k.md1_day[style], k.md2_day[style]
        cuts = [(t0, np.minimum(t1, md1)), (np.maximum(t0, md1), np.minimum(t1, md2)), (np.maximum(t0, md2), t1)]
        weight = np.zeros((3, len(style)))
        for p, (a, b) in enumerate(cuts):
            ok = b > a
            if ok.any():
                weight[p] = np.where(ok, demand(a, np.maximum(a, b)), 0.0)
        price = k.list_price[style][None, :] * (1 - np.array([0.0, 0.3, 0.5]))[:, None]
        total = weight.sum(axis=0)
        current = k.list_price[style] * (1 - self.k.markdown_rate(int(t0.min()) if len(t0) else 0)[style])
        return np.where(total > 0, (weight * price).sum(axis=0) / np.where(total > 0, total, 1.0), current)

    def _rows(self, view, loc, sku, mean, var, item_type, lead, lead_sd, review, values: ItemValues, floor,
              before_arrival=None, price=None, service=None):
        """Rows for ``recommend_orders``. ``before_arrival`` (per row, NaN to skip): for a last order the
        demand is counted from the order's arrival on, against the stock expected to be left by then (sales
        lost before the arrival cannot be made up by this order)."""
        k = self.k
        style = k.sku_style[sku]
        on_hand = view.on_hand[loc, sku].astype(float)
        on_order = view.on_order[loc, sku].astype(float)
        if before_arrival is not None:
            use = ~np.isnan(before_arrival)
            left = np.maximum(on_hand + on_order - np.nan_to_num(before_arrival), 0.0)
            on_hand = np.where(use, left, on_hand)
            on_order = np.where(use, 0.0, on_order)
        keep = (mean > 1e-9) | (floor > on_hand + on_order)
        if not keep.any():
            return pd.DataFrame()
        day = view.day
        if price is None:
            price = k.list_price[style] * (1 - k.markdown_rate(day)[style])
        cls = values.ltv_class[style]
        if service is None:
            service = np.array([self.cfg.service_level_by_class.get(c, 0.95) for c in cls]) if item_type == "staple" \
                else np.full(len(sku), np.nan)
        n = len(sku)
        frame = pd.DataFrame({
            "loc": loc, "sku": sku, "on_hand": on_hand, "on_order": on_order,
            "demand_mean": np.maximum(mean, 0.0), "demand_sd": np.sqrt(np.maximum(var, 0.0)),
            "lead_time_mean_days": np.broadcast_to(lead, (n,)).astype(float),
            "lead_time_sd_days": np.broadcast_to(lead_sd, (n,)).astype(float),
            "unit_cost_jpy": k.unit_cost[style].astype(float), "price_jpy": price.astype(float),
            "case_pack": k.case_pack[style], "moq": k.moq[style], "item_type": item_type,
            "review_period_days": np.broadcast_to(review, (n,)).astype(float),
            "ltv_weight": values.weight[style], "service_level": service,
            "salvage_value_jpy": k.unit_cost[style] * self.cfg.salvage_fraction_of_cost,
            "floor": floor,
        })
        return frame[keep]

    def _order(self, rows: pd.DataFrame) -> OrderLines:
        k = self.k
        style = k.sku_style[rows["sku"].to_numpy()]
        position = rows["on_hand"].to_numpy() + rows["on_order"].to_numpy()
        pack, moq = k.case_pack[style][None, :], k.moq[style][None, :]
        floor_qty = round_to_pack((rows["floor"].to_numpy() - position)[None, :], pack, moq)[0]
        cost = rows["unit_cost_jpy"].to_numpy()
        floor_spend = float((floor_qty * cost).sum())
        remaining = self.budget.remaining(self._day)
        budget = None if remaining is None else max(remaining - floor_spend, 0.0)
        rec_in = rows.drop(columns=["loc", "sku", "floor"]).assign(on_order=rows["on_order"].to_numpy() + floor_qty)
        rec = recommend_orders(rec_in, self.repl, budget_jpy=budget)
        qty = floor_qty + rec["order_qty"].to_numpy()
        self.order_rows += len(rows)
        self.budget_cuts += int((rec["binding_constraint"] == "budget").sum())
        self.budget.spend(float((qty * cost).sum()))
        keep = qty > 0
        return OrderLines(loc=rows["loc"].to_numpy()[keep].astype(np.int64),
                          sku=rows["sku"].to_numpy()[keep].astype(np.int64), qty=qty[keep].astype(np.int64))


class LtvzaikoPolicy(_PlanningPolicy):
    """What the pipeline does, from the retailer's own knowledge and records only."""

    name = "ltvzaiko"

    def __init__(self, knowledge: RetailerKnowledge, history: RetailerHistory, config: LtvzaikoPolicyConfig,
                 budget: OpenToBuy | None = None, seed: int = 0):
        super().__init__(knowledge, config, budget)
        self.history = history
        self.forecast = StapleForecast(knowledge, config, seed)
        self.seasonal = SeasonalModel(knowledge, config.profile_bins, config.plan_error_cv, config.season_shape_cv)
        self.values: ItemValues = neutral_values(knowledge, "not_estimated")
        self._values_day: int | None = None
        self._profile_day: int | None = None
        self._lt: tuple[np.ndarray, np.ndarray] | None = None
        self._beliefs: dict[int, tuple[float, float]] = {}
        self._day = 0

    def _refresh(self, day: int, view: PolicyView) -> None:
        self._day = day
        cfg, h = self.cfg, self.history
        if self._values_day is None or day - self._values_day >= cfg.value_refresh_days:
            self.values = estimate_item_values(h, day, cfg.ltv_weight)
            self._values_day = day
        if self._profile_day is None or day - self._profile_day >= cfg.value_refresh_days:
            self.seasonal.fit_profile(h, day)
            self.seasonal.calibrate(h, day)
            self._profile_day = day
        self.forecast.update(h, day)
        self._lt = h.lead_times(day)
        self._beliefs = {}

    def _lead(self, day: int):
        return self._lt

    def _values(self) -> ItemValues:
        return self.values

    def _staple_demand(self, loc, style, t0, t1, clearance=False):
        if not clearance:
            return self.forecast.interval(loc, style, t0, t1)
        # a discontinued staple's last weeks: the forecast rate lifted by the markdown phases (lifts learnt
        # from seasonal markdowns in the history)
        rate, rvar = self.forecast.daily(loc, style)
        k, lift = self.k, self.seasonal.m
        t0, t1 = np.asarray(t0, dtype=np.int64), np.asarray(t1, dtype=np.int64)
        md1, md2 = k.md1_day[style], k.md2_day[style]
        span = lambda a, b: np.maximum(np.minimum(t1, b) - np.maximum(t0, a), 0)  # noqa: E731
        days = span(-10**9, md1) * lift[0] + span(md1, md2) * lift[1] + span(md2, 10**9) * lift[2]
        return rate * days, rvar * days

    def _seasonal_demand(self, day, loc, sku, t0, t1):
        style = self.k.sku_style[sku]
        todo = np.setdiff1d(np.unique(style), np.fromiter(self._beliefs, dtype=np.int64, count=len(self._beliefs)))
        if len(todo):
            m, v = self.seasonal.belief(self.history, day, todo)
            self._beliefs.update({int(s): (float(a), float(b)) for s, a, b in zip(todo, m, v)})
        phi = np.array([self._beliefs[int(s)] for s in style]).reshape(-1, 2)
        return self.seasonal.interval(loc, sku, t0, t1, phi[:, 0], phi[:, 1])


class OraclePolicy(_PlanningPolicy):
    """The same rule with perfect foresight of the world's true expected demand, lead times and item values."""

    name = "oracle"
    HORIZON_MARGIN = 240

    def __init__(self, world, state, knowledge: RetailerKnowledge, config: LtvzaikoPolicyConfig, truth,
                 first_day: int, days: int, budget: OpenToBuy | None = None):
        super().__init__(knowledge, config, budget)
        self.world, self.state, self.first_day = world, state, first_day
        dem = world.demand
        # expected demand of every future day for the customers alive now, each weighted by the chance of
        # still being a customer then (BG/NBD: drop-out hazard λ·p per day), plus those not acquired yet
        pop = world.population
        alive0 = state.customers.alive.astype(float)
        hazard = pop.lam * pop.p
        since = np.maximum(pop.birth_day, first_day)
        self._alive0, self._hazard, self._since = alive0, hazard, since
        n = days + self.HORIZON_MARGIN
        L, S = world.network.n, world.catalog.n_styles
        self.cum = np.zeros((n + 1, L, S))
        for i in range(n):
            d = first_day + i
            base = dem.item_base(d, self._survival(d))
            self.cum[i + 1] = self.cum[i] + dem.expected_style_units(dem.context(d), base)
        sp, sup = world.params.supply, world.suppliers
        late = sp.late_po_share
        self.lt = (sup.true_mean + late * 14.0, np.sqrt(sup.true_sd ** 2 + late * (1 - late) * 14.0 ** 2 + late * 17.0))
        w = np.array([config.ltv_weight[c] for c in truth.item_class])
        self.values = ItemValues(w, truth.item_class, "truth")
        self.ratio = np.ones(L)
        self._day = first_day

    def _refresh(self, day: int, view: PolicyView) -> None:
        self._day = day
        dem = self.world.demand
        ctx = dem.context(day + 1)
        now = dem.expected_items(ctx, dem.item_base(day + 1, self.state.customers)).sum(axis=1)
        then = dem.expected_items(ctx, dem.item_base(day + 1, self._survival(day + 1))).sum(axis=1)
        self.ratio = np.divide(now, then, out=np.ones_like(now), where=then > 0)

    def _survival(self, day: int) -> "_Alive":
        return _Alive(self._alive0 * np.exp(-self._hazard * np.maximum(day - self._since, 0)))

    def _lead(self, day: int):
        return self.lt

    def _values(self) -> ItemValues:
        return self.values

    def _sum(self, loc, style, t0, t1):
        n = self.cum.shape[0] - 1
        a = np.clip(np.asarray(t0, dtype=np.int64) - self.first_day, 0, n)
        b = np.clip(np.ceil(np.asarray(t1)).astype(np.int64) - self.first_day, 0, n)
        return np.maximum(self.cum[b, loc, style] - self.cum[np.minimum(a, b), loc, style], 0.0) * self.ratio[loc]

    def _staple_demand(self, loc, style, t0, t1, clearance=False):
        mean = self._sum(loc, style, t0, t1)
        return mean, mean

    def _seasonal_demand(self, day, loc, sku, t0, t1):
        k = self.k
        mean = self._sum(loc, k.sku_style[sku], t0, t1) * k.plan_split[sku]
        return mean, mean


class _Alive:
    """A customer state reduced to who is alive — here the probability of being alive (all
    ``DemandProcess.item_base`` reads is ``alive``, as a weight)."""

    def __init__(self, alive: np.ndarray):
        self.alive = alive
