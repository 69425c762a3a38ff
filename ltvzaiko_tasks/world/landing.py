"""Writes one simulated day into the landing zone: ``<out>/<source>/<business_date>/<file>`` (SPEC §4)."""
from __future__ import annotations

from pathlib import Path

import numpy as np

from .extracts import campaigns as campaign_extract
from .extracts import customers as customer_extract
from .extracts import ec_orders, malls, masters, stock, store_pos
from .files import csv_bytes, write_bytes, write_csv_chunks
from .simulator import DayResult, World, WorldState


CUSTOMER_CHUNK = 50_000
"""Customers written per chunk (the first date of a large world registers a million at once)."""


class LandingWriter:
    """Renders every source for a day and writes each file atomically."""

    def __init__(self, world: World, out: Path):
        self.world, self.out = world, Path(out)
        self.files: list[Path] = []
        self._cache: dict[str, tuple[object, bytes]] = {}

    def _write(self, source: str, business_date: str, filename: str, data: bytes) -> None:
        self.files.append(write_bytes(self.out / source / business_date / filename, data))

    def _cached(self, name: str, key: object, render) -> bytes:
        hit = self._cache.get(name)
        if hit is None or hit[0] != key:
            hit = (key, render())
            self._cache[name] = hit
        return hit[1]

    def write_day(self, r: DayResult, state: WorldState) -> None:
        w, day, d = self.world, r.day, r.date
        ds = d.isoformat()
        cat = w.catalog
        # masters (full snapshots, re-rendered only when they change)
        n_setup = int((masters.listed_from_day(w) <= day).sum())
        self._write(masters.PRODUCTS_SOURCE, ds, masters.PRODUCTS_FILE,
                    self._cached("products", n_setup, lambda: csv_bytes(masters.products(w, day))))
        self._write(masters.LOCATIONS_SOURCE, ds, masters.LOCATIONS_FILE,
                    self._cached("locations", 0, lambda: csv_bytes(masters.locations(w))))
        status_key = tuple(int((x <= day).sum()) for x in (masters.listed_from_day(w), cat.launch_day, cat.end_day, cat.md1_day,
                                                            cat.md2_day, cat.end_announced_day))
        self._write(masters.STATUS_SOURCE, ds, masters.STATUS_FILE,
                    self._cached("status", status_key, lambda: csv_bytes(masters.product_status(w, day))))
        n_announced = len(w.campaigns.announced(day))
        self._write(campaign_extract.SOURCE, ds, campaign_extract.FILENAME,
                    self._cached("campaigns", n_announced,
                                 lambda: csv_bytes(campaign_extract.rows(w, day), header=campaign_extract.COLUMNS)))
        # sales
        self._write(store_pos.SOURCE, ds, store_pos.filename(d), csv_bytes(store_pos.render(w, r)))
        self._write(ec_orders.SOURCE, ds, ec_orders.filename(d), ec_orders.render(w, r))
        for loc in w.network.malls.tolist():
            key = str(w.network.mall_key[loc])
            self._write(malls.source(key), ds, malls.filename(key, d), malls.render(w, r, loc))
        # customers (deltas; the first day carries everyone registered before it)
        cs = state.customers
        new = r.customers.new
        if day == 0:
            new = np.union1d(np.flatnonzero(cs.registered_day < 0), new)
        chunks = [(part, "new") for part in np.array_split(new, max(1, -(-len(new) // CUSTOMER_CHUNK)))]
        # the first day's snapshot already shows today's state: a same-day update of someone in it is no delta
        updated = np.setdiff1d(r.customers.updated, new) if day == 0 else r.customers.updated
        chunks.append((updated, "update"))
        path = self.out / customer_extract.CUSTOMERS_SOURCE / ds / customer_extract.customers_file(d)
        self.files.append(write_csv_chunks(path, customer_extract.CUSTOMERS_COLUMNS,
                                           (customer_extract.customer_rows(w, state, idx, change, day)
                                            for idx, change in chunks)))
        lc, lm = r.customers.link_customer, r.customers.link_mall
        dates = [ds] * len(lc)
        if day == 0:
            pre_c, pre_slot = np.nonzero(cs.linked & (cs.registered_day < 0)[:, None])
            # links made today are in today's rows; the snapshot of earlier links must not repeat them
            pre_mall = w.network.malls[pre_slot]
            today = set(zip(np.asarray(lc).tolist(), np.asarray(lm).tolist()))
            keep = np.array([(c, m) not in today for c, m in zip(pre_c.tolist(), pre_mall.tolist())], dtype=bool)
            pre_c, pre_slot = pre_c[keep], pre_slot[keep]
            lc = np.concatenate([pre_c, lc])
            lm = np.concatenate([w.network.malls[pre_slot], lm])
            dates = [w.date_of(int(x)).isoformat() for x in cs.registered_day[pre_c].tolist()] + dates
        self._write(customer_extract.LINKS_SOURCE, ds, customer_extract.links_file(d),
                    csv_bytes(customer_extract.link_rows(w, lc, lm, dates), header=customer_extract.LINKS_COLUMNS))
        # stock and supply
        self._write(stock.INVENTORY_SOURCE, ds, stock.inventory_file(d),
                    csv_bytes(stock.inventory(w, state.on_hand, day), header=stock.INVENTORY_COLUMNS))
        self._write(stock.PO_SOURCE, ds, stock.po_file(d),
                    csv_bytes(stock.po_lines(w, state.supply.open), header=stock.PO_COLUMNS))
        self._write(stock.RECEIPTS_SOURCE, ds, stock.receipts_file(d),
                    csv_bytes(stock.po_lines(w, r.received, received_on=ds), header=stock.RECEIPTS_COLUMNS))
