"""Purchase orders (発注) and their deliveries.

An order placed on day d for a location arrives after the supplier's true lead time: a gamma draw around the
supplier's true mean (slower and more variable than the master declares), plus a disruption for a few POs and
the Chinese New Year shutdown for Chinese and Vietnamese suppliers. Some lines are delivered short; the rest
of such a line is cancelled. All lines of a PO arrive together.
"""
from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date, timedelta

import numpy as np

from .catalog import Catalog
from .params import SupplyParams
from .suppliers import ORIGINS, Suppliers


@dataclass
class POLines:
    po: np.ndarray            # PO serial (PO number = "PO" + 8 digits)
    line: np.ndarray          # line number within the PO
    supplier: np.ndarray
    loc: np.ndarray
    sku: np.ndarray
    ordered_day: np.ndarray
    expected_day: np.ndarray  # ordered_day + declared lead time (what the buyer expects)
    arrival_day: np.ndarray   # when it really arrives (truth)
    qty: np.ndarray           # ordered units
    receive_qty: np.ndarray   # units that will arrive (short shipments receive less)

    def __len__(self) -> int:
        return len(self.po)

    def take(self, idx) -> "POLines":
        return POLines(**{f.name: getattr(self, f.name)[idx] for f in fields(self)})

    @staticmethod
    def concat(parts: list["POLines"]) -> "POLines":
        return POLines(**{f.name: np.concatenate([getattr(p, f.name) for p in parts]) for f in fields(POLines)})

    @staticmethod
    def empty() -> "POLines":
        z = np.zeros(0, dtype=np.int64)
        return POLines(*(z for _ in fields(POLines)))


def chinese_new_year(year: int) -> date:
    """Approximate 春節 (mid Jan - mid Feb) from a fixed table; outside it, 10 February."""
    table = {2024: date(2024, 2, 10), 2025: date(2025, 1, 29), 2026: date(2026, 2, 17), 2027: date(2027, 2, 6),
             2028: date(2028, 1, 26), 2029: date(2029, 2, 13), 2030: date(2030, 2, 3)}
    return table.get(year, date(year, 2, 10))


class Supply:
    """Open purchase orders, what is on order per location × SKU, and deliveries."""

    def __init__(self, catalog: Catalog, suppliers: Suppliers, params: SupplyParams, start: date, n_locations: int):
        self.catalog, self.suppliers, self.params, self.start = catalog, suppliers, params, start
        self.open = POLines.empty()
        self.on_order = np.zeros((n_locations, catalog.n_skus_total), dtype=np.int64)
        self.next_po = 1

    def _lead_times(self, supplier: np.ndarray, ordered_day: int, rng: np.random.Generator) -> np.ndarray:
        s = self.suppliers
        mu, sd = s.true_mean[supplier], s.true_sd[supplier]
        shape = (mu / sd) ** 2
        lt = rng.gamma(shape, mu / shape)
        late = rng.random(len(supplier)) < self.params.late_po_share
        lt = lt + late * rng.uniform(7, 21, len(supplier))
        order_date = self.start + timedelta(days=ordered_day)
        for year in (order_date.year, order_date.year + 1):
            cny = (chinese_new_year(year) - self.start).days
            affected = np.isin(s.origin[supplier], [ORIGINS.index("CN"), ORIGINS.index("VN")])
            crosses = (ordered_day < cny + 7) & (ordered_day + lt > cny - 7)
            lt = lt + 10 * (affected & crosses)
        return np.maximum(1, np.round(lt)).astype(np.int64)

    def place(self, day: int, loc: np.ndarray, sku: np.ndarray, qty: np.ndarray, rng: np.random.Generator,
              arrival_day: np.ndarray | None = None) -> POLines:
        """Order ``qty`` of each (location, SKU); one PO per supplier × location. Returns the new lines.

        ``arrival_day`` forces arrival days (used for the orders in transit at the start)."""
        keep = qty > 0
        loc, sku, qty = loc[keep], sku[keep], qty[keep].astype(np.int64)
        if len(qty) == 0:
            return POLines.empty()
        supplier = self.catalog.supplier[self.catalog.sku_style[sku]].astype(np.int64)
        order = np.lexsort((sku, loc, supplier))
        loc, sku, qty, supplier = loc[order], sku[order], qty[order], supplier[order]
        new_po = np.r_[True, (supplier[1:] != supplier[:-1]) | (loc[1:] != loc[:-1])]
        po_idx = np.cumsum(new_po) - 1
        n_po = int(po_idx[-1]) + 1
        first = np.flatnonzero(new_po)
        line = np.arange(len(qty)) - first[po_idx] + 1
        lt = self._lead_times(supplier[first], day, rng)[po_idx]
        arrive = day + lt if arrival_day is None else np.asarray(arrival_day)[keep][order]
        short = rng.random(len(qty)) < self.params.short_ship_share
        recv = np.where(short, np.floor(qty * rng.uniform(0.6, 0.95, len(qty))), qty).astype(np.int64)
        lines = POLines(po=self.next_po + po_idx, line=line, supplier=supplier, loc=loc, sku=sku,
                        ordered_day=np.full(len(qty), day, dtype=np.int64),
                        expected_day=day + self.suppliers.declared_mean[supplier].astype(np.int64),
                        arrival_day=arrive.astype(np.int64), qty=qty, receive_qty=recv)
        self.next_po += n_po
        self.open = POLines.concat([self.open, lines])
        np.add.at(self.on_order, (loc, sku), qty)
        return lines

    def forget_arrived_before(self, day: int) -> None:
        """Drop lines that arrived before ``day`` (history of a warm start: their goods are already on hand)."""
        gone = self.open.arrival_day < day
        np.subtract.at(self.on_order, (self.open.loc[gone], self.open.sku[gone]), self.open.qty[gone])
        self.open = self.open.take(~gone)

    def receive(self, day: int) -> POLines:
        """Lines arriving on ``day`` (removed from the open orders)."""
        due = self.open.arrival_day <= day
        if not due.any():
            return POLines.empty()
        got = self.open.take(due)
        self.open = self.open.take(~due)
        np.subtract.at(self.on_order, (got.loc, got.sku), got.qty)
        return got
