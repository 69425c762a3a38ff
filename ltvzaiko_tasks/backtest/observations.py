"""The retailer's own records, day by day: what the warehouse would hold, and nothing the world hides.

:class:`RetailerHistory` keeps, per day, location and style, the units sold, the share of the style (by the
plan's colour × size split) that was out of stock at close, whether that makes the day censored (sales
understate demand), and whether the style was on sale there; the receipts of purchase orders (real lead
times as the retailer experiences them); and the sales lines of *identified* customers (member card shown
in store, EC account, linked mall account) for the customer-value models. Lost sales, unmet wishes,
walk-in identities and every true parameter stay out.

It is filled by :class:`RecordingPolicy` (from the policy's own :class:`~ltvzaiko_tasks.world.PolicyView`,
before any order is decided) and by :meth:`RetailerHistory.record_result` after each simulated day (sales
lines and receipts, i.e. the nightly extract).
"""
from __future__ import annotations

import numpy as np

from ..world.calendar import EC, MALL, STORE
from ..world.ordering import OrderLines, PolicyView
from .knowledge import RetailerKnowledge

CENSOR_SHARE = 0.3
"""A style's day at a location counts as censored when SKUs making up at least this share of the style's
planned demand were out of stock at close (their shoppers could not buy, so sales understate demand)."""


class RetailerHistory:
    def __init__(self, knowledge: RetailerKnowledge, n_days: int):
        k = knowledge
        L, S = k.n_locations, k.n_styles
        self.knowledge = k
        self.n_days = n_days
        self.sales = np.zeros((n_days, L, S), dtype=np.float32)
        self.censored = np.zeros((n_days, L, S), dtype=bool)
        self.out_share = np.zeros((n_days, L, S), dtype=np.float32)
        self.present = np.zeros((n_days, L, S), dtype=bool)
        self.recorded = np.zeros(n_days, dtype=bool)
        self._lt_parts: list[np.ndarray] = []      # rows: supplier, ordered_day, lead time (one per PO)
        self._line_parts: list[np.ndarray] = []    # rows: customer, day, style, net sales, gross profit, units
        self._malls = np.flatnonzero(k.channel == MALL)
        self.sku_to_style = np.zeros((k.n_skus, S))
        self.sku_to_style[np.arange(k.n_skus), k.sku_style] = 1.0

    # ----------------------------------------------------------------------------------- recording
    def record_view(self, view: PolicyView) -> None:
        """Units sold today and stock at close, per location × style (what the POS and stock systems show)."""
        k, d = self.knowledge, view.day
        if d >= self.n_days or self.recorded[d]:
            return
        sold_style = view.sold @ self.sku_to_style
        out = (view.on_hand <= 0) & k.carried_sku
        out_share = (out * k.plan_split[None, :]) @ self.sku_to_style
        present = k.carried & k.on_sale(d)[None, :]
        self.sales[d] = sold_style
        self.censored[d] = present & (out_share >= CENSOR_SHARE)
        self.out_share[d] = np.where(present, np.minimum(out_share, 1.0), 0.0)
        self.present[d] = present
        self.recorded[d] = True

    def record_result(self, result, state) -> None:
        """Receipts (lead times) and identified customers' sales lines of the day just simulated."""
        k = self.knowledge
        rec = result.received
        if len(rec):
            ok = rec.ordered_day >= 0      # orders placed before the first business day have no real lead time
            _, first = np.unique(rec.po[ok], return_index=True)
            if len(first):
                sup = rec.supplier[ok][first]
                od = rec.ordered_day[ok][first]
                self._lt_parts.append(np.column_stack([sup, od, result.day - od]).astype(np.int64))
        orders, lines = result.orders, result.lines
        if len(lines.sku):
            o = lines.order
            ch = orders.channel[o]
            cust = orders.customer[o]
            ident = (cust >= 0) & ((ch == EC) | ((ch == STORE) & orders.shows_card[o]))
            mall = (ch == MALL) & (cust >= 0)
            if mall.any():
                slot = np.searchsorted(self._malls, orders.loc[o][mall])
                linked = state.customers.linked[cust[mall], slot]
                ident[np.flatnonzero(mall)[linked]] = True
            if ident.any():
                sku = lines.sku[ident]
                style = k.sku_style[sku]
                qty = lines.qty[ident]
                net = (lines.amount - lines.tax)[ident].astype(float)
                gp = net - qty * k.unit_cost[style]
                self._line_parts.append(np.column_stack([cust[ident], np.full(len(sku), result.day), style, net, gp,
                                                         qty]).astype(float))

    # ------------------------------------------------------------------------------------- reading
    def identified_lines(self, up_to_day: int) -> np.ndarray:
        """Rows ``customer, day, style, net_sales_jpy, gross_profit_jpy, units`` with day <= up_to_day."""
        if not self._line_parts:
            return np.zeros((0, 6))
        self._line_parts = [np.concatenate(self._line_parts)]
        lines = self._line_parts[0]
        return lines[lines[:, 1] <= up_to_day]

    def lead_times(self, day: int, window: int = 365, min_pos: int = 3) -> tuple[np.ndarray, np.ndarray]:
        """Mean and standard deviation of the lead time each supplier really took (POs received in the last
        ``window`` days); the declared values where fewer than ``min_pos`` POs were received."""
        k = self.knowledge
        mean, sd = k.lead_declared_mean.copy(), k.lead_declared_sd.copy()
        if not self._lt_parts:
            return mean, sd
        self._lt_parts = [np.concatenate(self._lt_parts)]
        lt = self._lt_parts[0]
        recent = lt[lt[:, 1] + lt[:, 2] > day - window]
        for s in np.unique(recent[:, 0]).tolist():
            v = recent[recent[:, 0] == s, 2].astype(float)
            if len(v) >= min_pos:
                mean[s] = v.mean()
                sd[s] = max(v.std(ddof=1), 1.0)
        return mean, sd


class RecordingPolicy:
    """Wraps an ordering policy: records the day's view into the retailer's history, then lets it decide."""

    def __init__(self, inner, history: RetailerHistory):
        self.inner = inner
        self.history = history
        self.name = inner.name

    def decide(self, world, view: PolicyView) -> OrderLines:
        self.history.record_view(view)
        return self.inner.decide(world, view)
