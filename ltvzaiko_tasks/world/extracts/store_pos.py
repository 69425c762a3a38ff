"""Store POS receipt lines (店舗 POS 明細): ``store_pos/<date>/pos_lines_<yyyymmdd>.csv``.

CSV, UTF-8, one row per receipt line; a return is its own receipt with negative quantities; the member card
id only when the shopper showed the card. The columns are the ingest contract of ``STORE_POS``.
"""
from __future__ import annotations

import numpy as np

from ...ingest.sources import STORE_POS
from ..calendar import STORE
from ..tax import tax_included_in
from .common import group_rank, group_returns, timestamps, ymd

SOURCE = getattr(STORE_POS, "folder", STORE_POS.name)
COLUMNS = STORE_POS.columns


def filename(d) -> str:
    return f"pos_lines_{ymd(d)}.csv"


def render(world, r) -> dict[str, list | np.ndarray]:
    o, ln, rt = r.orders, r.lines, r.returns
    pop, net, cat = world.population, world.network, world.catalog
    # sale receipts
    so = np.flatnonzero(o.channel == STORE)
    lm = np.isin(ln.order, so)
    # return receipts: one per original receipt returned today
    rm = np.flatnonzero(rt.channel == STORE)
    r_order, r_gid, r_gtime = group_returns(rt.loc[rm], rt.orig_day[rm], rt.orig_seq[rm], rt.time_s[rm])
    r_rows = rm[r_order]
    g_first = np.r_[0, np.flatnonzero(np.diff(r_gid)) + 1] if len(r_gid) else np.zeros(0, dtype=np.int64)
    # number receipts per store in time order (sales and returns together)
    rec_loc = np.concatenate([o.loc[so], rt.loc[r_rows[g_first]]])
    rec_time = np.concatenate([o.time_s[so], r_gtime])
    rec_kind = np.concatenate([np.zeros(len(so), dtype=np.int64), np.ones(len(g_first), dtype=np.int64)])
    rec_ref = np.concatenate([so, np.arange(len(g_first))])
    rorder = np.lexsort((rec_ref, rec_kind, rec_time, rec_loc))
    rec_no = np.empty(len(rorder), dtype=np.int64)
    rec_no[rorder] = group_rank(rec_loc[rorder])
    sale_no = np.full(len(o.loc), -1, dtype=np.int64)
    sale_no[so] = rec_no[: len(so)]
    ret_no = rec_no[len(so):]
    # sale lines
    sl = np.flatnonzero(lm)
    sl_order = ln.order[sl]
    cust = o.customer[sl_order]
    card = np.where(o.shows_card[sl_order], 1, 0)
    # return lines
    q = rt.qty[r_rows]
    refund = -q * rt.unit_refund[r_rows]
    loc = np.concatenate([o.loc[sl_order], rt.loc[r_rows]])
    no = np.concatenate([sale_no[sl_order], ret_no[r_gid]])
    line_no = np.concatenate([ln.line_no[sl], group_rank(r_gid)])
    time_s = np.concatenate([o.time_s[sl_order], r_gtime[r_gid]])
    sku = np.concatenate([ln.sku[sl], rt.sku[r_rows]])
    qty = np.concatenate([ln.qty[sl], -q])
    unit = np.concatenate([ln.unit_price[sl], rt.unit_refund[r_rows]])
    disc = np.concatenate([ln.discount[sl], np.zeros(len(r_rows), dtype=np.int64)])
    amount = np.concatenate([ln.amount[sl], refund])
    card_cust = np.concatenate([np.where(card == 1, cust, -1),
                                np.where(rt.shows_card[r_rows] & (rt.customer[r_rows] >= 0), rt.customer[r_rows], -1)])
    order = np.lexsort((line_no, no, loc))
    loc, no, line_no, time_s, sku, qty, unit, disc, amount, card_cust = (
        a[order] for a in (loc, no, line_no, time_s, sku, qty, unit, disc, amount, card_cust))
    store_code = net.code[loc]
    day = ymd(r.date)
    cards = np.full(len(card_cust), "", dtype=object)
    has = card_cust >= 0
    cards[has] = pop.member_card_id(card_cust[has])
    return {
        "store_code": store_code,
        "receipt_no": [f"{s}-{day}-{n:05d}" for s, n in zip(store_code.tolist(), no.tolist())],
        "line_no": line_no,
        "sold_at": timestamps(r.date, time_s),
        "sku_code": cat.sku_code[sku],
        "quantity": qty,
        "unit_price_jpy": unit,
        "discount_jpy": disc,
        "line_amount_jpy": amount,
        "tax_jpy": tax_included_in(amount),
        "member_card_id": cards,
    }
