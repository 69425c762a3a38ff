"""Stock and supply extracts (在庫・発注・入荷), per business date.

* ``inventory/<date>/inventory_<yyyymmdd>.csv`` — end-of-day on hand per location × SKU: every SKU a
  location sells while it is on sale (zeros included, so stock-outs are visible), and any other with stock;
* ``purchase_orders/<date>/open_purchase_orders_<yyyymmdd>.csv`` — open PO lines at end of day;
* ``goods_receipts/<date>/goods_receipts_<yyyymmdd>.csv`` — PO lines received that day (short deliveries
  receive less than ordered; the rest is cancelled).
"""
from __future__ import annotations

import numpy as np

from .common import ymd

INVENTORY_SOURCE = "inventory"
INVENTORY_COLUMNS = ("location_code", "sku_code", "on_hand_qty")
PO_SOURCE = "purchase_orders"
PO_COLUMNS = ("po_number", "po_line_no", "supplier_code", "location_code", "sku_code", "ordered_on",
              "expected_arrival_on", "ordered_qty")
RECEIPTS_SOURCE = "goods_receipts"
RECEIPTS_COLUMNS = ("po_number", "po_line_no", "supplier_code", "location_code", "sku_code", "ordered_on",
                    "ordered_qty", "received_qty", "received_on")


def inventory_file(d) -> str:
    return f"inventory_{ymd(d)}.csv"


def po_file(d) -> str:
    return f"open_purchase_orders_{ymd(d)}.csv"


def receipts_file(d) -> str:
    return f"goods_receipts_{ymd(d)}.csv"


def listed_pairs(world, on_hand: np.ndarray, day: int) -> tuple[np.ndarray, np.ndarray]:
    """Location × SKU rows of the inventory snapshot."""
    cat, net = world.catalog, world.network
    on_sale = cat.on_sale(day)[cat.sku_style]
    listed = (net.carried[:, cat.sku_style] & on_sale[None, :]) | (on_hand != 0)
    return np.nonzero(listed)


def inventory(world, on_hand: np.ndarray, day: int) -> dict:
    loc, sku = listed_pairs(world, on_hand, day)
    return {"location_code": world.network.code[loc], "sku_code": world.catalog.sku_code[sku],
            "on_hand_qty": on_hand[loc, sku]}


def _dates(world, days: np.ndarray) -> np.ndarray:
    """ISO dates of day indices (each distinct day formatted once)."""
    uniq, inv = np.unique(np.asarray(days, dtype=np.int64), return_inverse=True)
    return np.array([world.date_of(int(d)).isoformat() for d in uniq.tolist()], dtype=object)[inv]


def po_lines(world, lines, received_on: str | None = None) -> dict:
    order = np.lexsort((lines.line, lines.po))
    ln = lines.take(order)
    cols = {"po_number": [f"PO{p:08d}" for p in ln.po.tolist()], "po_line_no": ln.line,
            "supplier_code": world.suppliers.code[ln.supplier], "location_code": world.network.code[ln.loc],
            "sku_code": world.catalog.sku_code[ln.sku], "ordered_on": _dates(world, ln.ordered_day)}
    if received_on is None:
        cols.update({"expected_arrival_on": _dates(world, ln.expected_day), "ordered_qty": ln.qty})
    else:
        cols.update({"ordered_qty": ln.qty, "received_qty": ln.receive_qty,
                     "received_on": np.full(len(ln.po), received_on, dtype=object)})
    return cols
