"""Marketplace order reports (モール受注), one folder per mall: ``mall_<key>/<date>/<key>_orders_<yyyymmdd>.csv``.

CSV in CP932 (Shift_JIS) with CRLF line ends and Japanese headers, as the malls' back offices export them.
Prices are tax-inclusive; buyer ids are the mall's own. Each mall has its own layout:

* ``mall_ichiba`` (楽市モール, M01, Rakuten-style): one row per order line, unit price and line subtotal,
  shipping on the first line of an order.
* ``mall_bazaar`` (バザールモール, M02, Amazon-style): one row per order line, ``商品価格`` is the line total,
  ISO-8601 timestamps with offset.
* ``mall_plaza`` (プラザモール, M03, Yahoo-style): one row per order line, minutes-only ``YYYY/MM/DD HH:MM``
  timestamps, points granted per line.

A return is a row with the return status, negative quantity and amounts, and the original order number.
"""
from __future__ import annotations

import numpy as np

from ..calendar import MALL
from ..files import csv_bytes
from .common import group_returns, timestamps, ymd

ICHIBA_COLUMNS = ("注文番号", "注文日時", "更新日時", "注文ステータス", "商品管理番号", "SKU管理番号", "商品名", "単価",
                  "個数", "値引額", "小計", "送料", "購入者ID")
BAZAAR_COLUMNS = ("注文番号", "購入日", "最終更新日", "注文ステータス", "出品者SKU", "商品名", "数量", "商品価格",
                  "プロモーション割引", "配送料", "購入者ID")
PLAZA_COLUMNS = ("注文ID", "注文日時", "更新日時", "ステータス", "商品コード", "商品名", "数量", "単価", "値引き",
                 "付与ポイント", "顧客ID")
COLUMNS = {"ichiba": ICHIBA_COLUMNS, "bazaar": BAZAAR_COLUMNS, "plaza": PLAZA_COLUMNS}
STATUS = {"ichiba": ("発送済", "返品"), "bazaar": ("出荷済み", "返品"), "plaza": ("注文確定", "返品")}
SHIPPING = {"ichiba": (3980, 490), "bazaar": (3500, 450), "plaza": (5000, 500)}
"""Free shipping from (tax-inclusive items total) and the fee below it."""
ENCODING = "cp932"


def source(mall_key: str) -> str:
    return f"mall_{mall_key}"


def filename(mall_key: str, d) -> str:
    return f"{mall_key}_orders_{ymd(d)}.csv"


def order_number(mall_key: str, d, seq: np.ndarray) -> list[str]:
    day = ymd(d)
    if mall_key == "ichiba":
        return [f"318765-{day}-{s:08d}" for s in seq.tolist()]
    if mall_key == "bazaar":
        return [f"503-{day[1:]}-{s:07d}" for s in seq.tolist()]
    return [f"ltvz-{day[2:]}{s:05d}" for s in seq.tolist()]


def render(world, r, loc: int) -> bytes:
    """The report of the mall stock point ``loc`` for the day."""
    key = str(world.network.mall_key[loc])
    o, ln, rt = r.orders, r.lines, r.returns
    pop, cat = world.population, world.catalog
    mo = np.flatnonzero((o.channel == MALL) & (o.loc == loc))
    sl = np.flatnonzero(np.isin(ln.order, mo))
    so = ln.order[sl]
    # shipping per order, charged on its first line
    items = np.bincount(so, weights=ln.amount[sl], minlength=len(o.loc))
    free_from, fee = SHIPPING[key]
    ship = np.where((ln.line_no[sl] == 1) & (items[so] < free_from), fee, 0).astype(np.int64)
    name = [f"{n} {c} {s}" for n, c, s in zip(cat.style_name[cat.sku_style[ln.sku[sl]]],
                                              cat.colour_name_ja[ln.sku[sl]], cat.size_code[ln.sku[sl]])]
    rm = np.flatnonzero((rt.channel == MALL) & (rt.loc == loc))
    order, gid, gtime = group_returns(rt.loc[rm], rt.orig_day[rm], rt.orig_seq[rm], rt.time_s[rm])
    rrows = rm[order]
    rq = rt.qty[rrows]
    r_amount = -rq * rt.unit_refund[rrows]
    r_name = [f"{n} {c} {s}" for n, c, s in zip(cat.style_name[cat.sku_style[rt.sku[rrows]]],
                                                cat.colour_name_ja[rt.sku[rrows]], cat.size_code[rt.sku[rrows]])]
    orig_dates = [world.date_of(int(d)) for d in rt.orig_day[rrows].tolist()]
    orig_no = [order_number(key, d, np.array([s]))[0] for d, s in zip(orig_dates, rt.orig_seq[rrows].tolist())]
    fmt = {"ichiba": "iso_space", "bazaar": "iso_offset", "plaza": "slash_minutes"}[key]
    orig_at = [timestamps(d, np.array([t]), fmt)[0] for d, t in zip(orig_dates, rt.orig_time_s[rrows].tolist())]
    buyer = pop.mall_buyer_id(np.concatenate([o.customer[so], rt.customer[rrows]]), key)
    n_sale = len(sl)
    nos = order_number(key, r.date, o.seq[so]) + orig_no
    status = [STATUS[key][0]] * n_sale + [STATUS[key][1]] * len(rrows)
    sku = np.concatenate([ln.sku[sl], rt.sku[rrows]])
    qty = np.concatenate([ln.qty[sl], -rq])
    unit = np.concatenate([ln.unit_price[sl], rt.unit_refund[rrows]])
    disc = np.concatenate([ln.discount[sl], np.zeros(len(rrows), dtype=np.int64)])
    subtotal = np.concatenate([ln.amount[sl], r_amount])
    shipping = np.concatenate([ship, np.zeros(len(rrows), dtype=np.int64)])
    names = name + r_name
    t_sale = o.time_s[so]
    t_upd = np.concatenate([t_sale, gtime[gid]])
    style_code = cat.style_code[cat.sku_style[sku]]
    if key == "ichiba":
        cols = (nos, timestamps(r.date, t_sale) + orig_at, timestamps(r.date, t_upd), status, style_code,
                cat.sku_code[sku], names, unit, qty, disc, subtotal, shipping, buyer)
    elif key == "bazaar":
        cols = (nos, timestamps(r.date, t_sale, "iso_offset") + orig_at,
                timestamps(r.date, t_upd, "iso_offset"), status, cat.sku_code[sku], names, qty, unit * qty, disc,
                shipping, buyer)
    else:
        points = np.floor(np.maximum(subtotal, 0) / 100 * np.concatenate([o.points[so], np.ones(len(rrows))]))
        cols = (nos, timestamps(r.date, t_sale, "slash_minutes") + orig_at,
                timestamps(r.date, t_upd, "slash_minutes"), status, cat.sku_code[sku], names, qty, unit, disc,
                points.astype(np.int64), buyer)
    header = COLUMNS[key]
    frame = {f"c{i}": c for i, c in enumerate(cols)}
    # rows in update-time order, lines of an order together
    order_rows = np.lexsort((np.arange(len(nos)), t_upd))
    frame = {k: np.asarray(v, dtype=object)[order_rows] for k, v in frame.items()}
    return csv_bytes(frame, header=header, encoding=ENCODING, line_terminator="\r\n")
