"""Scoring a replayed period from the world's own results (and, for the customer side, from its truth).

Everything is computed from the :class:`~ltvzaiko_tasks.world.DayResult` of each simulated day and the
state at the end — sales lines, returns, lost units with their shopper, purchase orders placed, stock on
hand and on order — valued with the catalogue's unit costs. Only the evaluation uses the truth: the true
customer value behind a lost unit, and which items truly carry the most customer value (policies never see
either).

Definitions (all yen tax-exclusive, all inventory at unit cost):

* ``gross_profit_jpy`` — net sales minus cost of goods sold, returns netted (refund less its tax, cost back
  to stock), over the replayed days.
* ``lost_sales_units`` — wished-for units neither the SKU nor a sister SKU could serve; ``lost_sales_clv_jpy``
  — each lost unit weighted by its shopper's true customer value (walk-ins 0), see :class:`TruthValuation`.
* ``leftover_stock_value_jpy`` (dead stock) — stock on hand and on order at the end of the period of every
  style whose selling life ended inside the period (season ended, or a discontinued staple went off sale).
* ``avg_inventory_value_jpy`` — mean end-of-day stock on hand; ``turns`` — cost of goods sold per year over it.
* ``fill_rate`` — units sold / units wished for (sold + lost), overall; ``fill_rate_high_ltv`` on the items
  that truly carry the most customer value (the head of the true CLV-contribution Pareto curve).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..world.customers import expected_purchases
from ..world.demand import N_TIERS
from ..world.tax import tax_included_in

CLV_HORIZON_DAYS = 365
HIGH_LTV_SHARE = 0.5
MID_LTV_SHARE = 0.8
"""True item classes use the pipeline's rule (ItemLtvConfig): the items making up the first 50 % of all
customer value are high, up to 80 % mid, the rest low."""


@dataclass(frozen=True)
class TruthValuation:
    """True customer and item values at the start of the replayed period (evaluation only)."""
    clv: np.ndarray              # [customer] expected gross profit over the next 365 days while alive
    item_value: np.ndarray       # [style] true customer value the style's expected demand carries
    item_class: np.ndarray       # [style] "高" / "中" / "低" by the pipeline's Pareto rule on item_value
    tier_value_per_unit: np.ndarray

    @property
    def high_ltv(self) -> np.ndarray:
        return self.item_class == "高"

    @classmethod
    def build(cls, world, state, first_day: int, days: int, sample_every: int = 7) -> "TruthValuation":
        pop, dem, cat = world.population, world.demand, world.catalog
        ctx0 = dem.context(first_day, campaigns=False)
        probs0 = dem.choice_probabilities(ctx0).mean(axis=0)                     # [tier, style]
        margin = ctx0.price_excl - cat.unit_cost
        tier_margin = probs0 @ margin / np.maximum(probs0.sum(axis=1), 1e-12)    # gross profit per item, by tier
        items_per_trip = 1 + pop.basket_m
        clv = expected_purchases(pop.lam, pop.p, CLV_HORIZON_DAYS) * items_per_trip * tier_margin[pop.tier]
        # value behind a wished unit of each taste tier: its shopper's value (as for lost units), walk-ins 0
        n0 = pop.n_born(first_day)
        alive = state.customers.alive[:n0]
        rate = pop.lam[:n0] * items_per_trip[:n0] * alive
        tier = pop.tier[:n0].astype(np.int64)
        value_rate = np.bincount(tier, weights=rate * clv[:n0], minlength=N_TIERS)
        item_rate = np.bincount(tier, weights=rate, minlength=N_TIERS)
        anon = (dem.anon_rate.sum() * (1 + world.params.anonymous.basket_mean_extra)) * dem.anon_tiers
        tier_value = value_rate / np.maximum(item_rate + anon, 1e-12)
        # expected units of each style by tier over the period (customers as at its start)
        base = dem.item_base(first_day, state.customers)
        contribution = np.zeros(cat.n_styles)
        for d in range(first_day, first_day + days, sample_every):
            ctx = dem.context(d)
            units = dem.expected_items(ctx, base)[:, :, None] * dem.choice_probabilities(ctx)   # [L, T, S]
            contribution += np.einsum("lts,t->s", units, tier_value)
        return cls(clv=clv, item_value=contribution, item_class=pareto_classes(contribution),
                   tier_value_per_unit=tier_value)


def pareto_classes(value: np.ndarray, high: float = HIGH_LTV_SHARE, mid: float = MID_LTV_SHARE) -> np.ndarray:
    """高 for the items making up the first ``high`` share of the total (largest first), 中 up to ``mid``."""
    order = np.argsort(-value, kind="stable")
    total = value.sum()
    before = np.empty(len(value))
    before[order] = np.cumsum(value[order]) - value[order]
    share = before / total if total > 0 else np.ones(len(value))
    pos = value > 0
    return np.where(pos & (share < high), "高", np.where(pos & (share < mid), "中", "低")).astype(object)


class MetricsRecorder:
    """Accumulates one policy's results over the replayed days."""

    def __init__(self, world, truth: TruthValuation, first_day: int, days: int):
        cat = world.catalog
        self.world, self.truth = world, truth
        self.first_day, self.days = first_day, days
        self.sku_cost = cat.unit_cost[cat.sku_style].astype(float)
        S = cat.n_styles
        self.net_sales = 0.0
        self.cogs = 0.0
        self.returns_net = 0.0
        self.returns_cost = 0.0
        self.sold = np.zeros(S)
        self.lost = np.zeros(S)
        self.gp_style = np.zeros(S)
        self.lost_clv = 0.0
        self.lost_revenue = 0.0
        self.inventory = []
        self.purchases = 0.0
        self.purchases_by_day = np.zeros(days)

    def record(self, result, state) -> None:
        cat = self.world.catalog
        lines = result.lines
        style = cat.sku_style[lines.sku]
        net = (lines.amount - lines.tax).astype(float)
        cost = lines.qty * self.sku_cost[lines.sku]
        self.net_sales += net.sum()
        self.cogs += cost.sum()
        self.gp_style += np.bincount(style, weights=net - cost, minlength=cat.n_styles)
        self.sold += np.bincount(style, weights=lines.qty, minlength=cat.n_styles)
        ret = result.returns
        if len(ret):
            refund = ret.unit_refund * ret.qty
            refund_net = (refund - tax_included_in(refund)).astype(float)
            rcost = ret.qty * self.sku_cost[ret.sku]
            self.returns_net += refund_net.sum()
            self.returns_cost += rcost.sum()
            self.gp_style -= np.bincount(cat.sku_style[ret.sku], weights=refund_net - rcost, minlength=cat.n_styles)
        lost = result.lost
        lost_style = cat.sku_style[lost.sku]
        self.lost += np.bincount(lost_style, minlength=cat.n_styles)
        who = lost.customer[lost.customer >= 0]
        self.lost_clv += float(self.truth.clv[who].sum())
        self.lost_revenue += float(result.ctx.price_excl[lost_style].sum())
        self.inventory.append(float((state.on_hand * self.sku_cost[None, :]).sum()))
        placed = float((result.placed.qty * self.sku_cost[result.placed.sku]).sum())
        self.purchases += placed
        self.purchases_by_day[result.day - self.first_day] = placed

    def finish(self, state) -> dict:
        cat, truth = self.world.catalog, self.truth
        end = state.day                                   # first day not simulated
        ended = (cat.end_day > self.first_day) & (cat.end_day <= end)
        stock = (state.on_hand + state.supply.on_order) * self.sku_cost[None, :]
        stock_style = np.bincount(cat.sku_style, weights=stock.sum(axis=0), minlength=cat.n_styles)
        by_season = {}
        for label in sorted(set(cat.season_label[ended & cat.seasonal].tolist())):
            m = ended & (cat.season_label == label)
            by_season[label] = int(round(stock_style[m].sum()))
        discontinued = ended & ~cat.seasonal
        if discontinued.any():
            by_season["discontinued_staples"] = int(round(stock_style[discontinued].sum()))
        wished = self.sold + self.lost
        hi = truth.high_ltv
        seasonal = cat.seasonal
        avg_inv = float(np.mean(self.inventory)) if self.inventory else 0.0
        cogs_net = self.cogs - self.returns_cost
        gp = self.net_sales - self.cogs - (self.returns_net - self.returns_cost)
        alive = state.customers.alive
        n = self.world.population.n_born(end - 1)

        def rate(num, den):
            return round(float(num / den), 6) if den > 0 else None

        return {
            "gross_profit_jpy": int(round(gp)),
            "lost_sales_units": int(self.lost.sum()),
            "lost_sales_clv_jpy": int(round(self.lost_clv)),
            "leftover_stock_value_jpy": int(round(stock_style[ended].sum())),
            "avg_inventory_value_jpy": int(round(avg_inv)),
            "fill_rate": rate(self.sold.sum(), wished.sum()),
            "fill_rate_high_ltv": rate(self.sold[hi].sum(), wished[hi].sum()),
            "turns": round(float(cogs_net * 365.0 / self.days / avg_inv), 4) if avg_inv > 0 else None,
            "net_sales_jpy": int(round(self.net_sales - self.returns_net)),
            "units_sold": int(self.sold.sum()),
            "lost_sales_revenue_jpy": int(round(self.lost_revenue)),
            "gross_profit_staples_jpy": int(round(self.gp_style[~seasonal].sum())),
            "gross_profit_seasonal_jpy": int(round(self.gp_style[seasonal].sum())),
            "fill_rate_staples": rate(self.sold[~seasonal].sum(), wished[~seasonal].sum()),
            "fill_rate_seasonal": rate(self.sold[seasonal].sum(), wished[seasonal].sum()),
            "fill_rate_mid_ltv": rate(self.sold[truth.item_class == "中"].sum(),
                                      wished[truth.item_class == "中"].sum()),
            "fill_rate_low_ltv": rate(self.sold[truth.item_class == "低"].sum(),
                                      wished[truth.item_class == "低"].sum()),
            "leftover_by_season_jpy": by_season,
            "purchases_jpy": int(round(self.purchases)),
            "ending_inventory_value_jpy": int(round(float((state.on_hand * self.sku_cost[None, :]).sum()))),
            "ending_on_order_value_jpy": int(round(float((state.supply.on_order * self.sku_cost[None, :]).sum()))),
            "customers_alive_end": int(alive[:n].sum()),
            "customer_value_end_jpy": int(round(float(truth.clv[:n][alive[:n]].sum()))),
        }
