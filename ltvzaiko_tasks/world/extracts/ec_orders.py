"""Own EC orders (自社EC 受注): ``ec_orders/<date>/ec_orders_<yyyymmdd>.jsonl``.

JSON Lines, UTF-8: one order (``record_type`` "order") or one return (``record_type`` "return") per line,
lines nested; ISO-8601 timestamps with the +09:00 offset; the EC customer id always present; coupon codes.
"""
from __future__ import annotations

import json

import numpy as np

from ..calendar import EC
from ..rng import stream
from ..tax import tax_included_in
from .common import group_rank, group_returns, timestamps, ymd

SOURCE = "ec_orders"
ORDER_KEYS = ("record_type", "order_id", "ordered_at", "customer_id", "fulfilment_location", "device",
              "payment_method", "coupon_code", "points_multiplier", "points_earned", "items_total_jpy",
              "discount_total_jpy", "shipping_fee_jpy", "order_total_jpy", "tax_jpy", "lines")
RETURN_KEYS = ("record_type", "return_id", "order_id", "returned_at", "customer_id", "fulfilment_location",
               "refund_total_jpy", "lines")
LINE_KEYS = ("line_no", "sku_code", "quantity", "unit_price_jpy", "discount_jpy", "line_amount_jpy", "tax_jpy")
FREE_SHIPPING_FROM_JPY = 5000
SHIPPING_FEE_JPY = 550
PAYMENTS = ("credit_card", "qr_pay", "convenience_store", "cash_on_delivery", "carrier_billing")
PAYMENT_SHARES = (0.58, 0.18, 0.1, 0.06, 0.08)


def filename(d) -> str:
    return f"ec_orders_{ymd(d)}.jsonl"


def order_id(day_str: str, seq: int) -> str:
    return f"EC{day_str}{seq:06d}"


def render(world, r) -> bytes:
    o, ln, rt = r.orders, r.lines, r.returns
    pop, net, cat = world.population, world.network, world.catalog
    rng = stream(world.seed, "formatting", r.day, EC)
    eo = np.flatnonzero(o.channel == EC)
    device = rng.choice(["app", "web"], size=len(eo), p=[0.55, 0.45])
    payment = rng.choice(PAYMENTS, size=len(eo), p=PAYMENT_SHARES)
    day_str = ymd(r.date)
    loc_code = net.code[world.network.ec]
    out: list[str] = []
    # lines grouped by order (lines are sorted by order already)
    sel = np.isin(ln.order, eo)
    l_idx = np.flatnonzero(sel)
    bounds = np.searchsorted(ln.order[l_idx], eo)
    bounds_end = np.searchsorted(ln.order[l_idx], eo, side="right")
    cust_ids = pop.ec_customer_id(o.customer[eo]) if len(eo) else []
    stamps = timestamps(r.date, o.time_s[eo], "iso_offset")
    campaigns = world.campaigns.campaigns
    records: list[tuple[int, str]] = []
    for k, oi in enumerate(eo.tolist()):
        li = l_idx[bounds[k]:bounds_end[k]]
        lines = [dict(zip(LINE_KEYS, (int(a), str(b), int(c), int(d), int(e), int(f), int(g)))) for a, b, c, d, e, f, g
                 in zip(ln.line_no[li], cat.sku_code[ln.sku[li]], ln.qty[li], ln.unit_price[li], ln.discount[li],
                        ln.amount[li], ln.tax[li])]
        items = int(ln.amount[li].sum())
        shipping = 0 if items >= FREE_SHIPPING_FROM_JPY else SHIPPING_FEE_JPY
        coupon = campaigns[o.coupon[oi]].coupon_code if o.coupon[oi] >= 0 else None
        mult = int(o.points[oi])
        rec = dict(zip(ORDER_KEYS, (
            "order", order_id(day_str, int(o.seq[oi])), stamps[k], cust_ids[k], loc_code, str(device[k]),
            str(payment[k]), coupon, mult, int(items // 100 * mult), items, int(ln.discount[li].sum()), shipping,
            items + shipping, int(ln.tax[li].sum() + tax_included_in(shipping)), lines)))
        records.append((int(o.time_s[oi]), json.dumps(rec, ensure_ascii=False, separators=(",", ":"))))
    # returns: one record per original order returned today
    rm = np.flatnonzero(rt.channel == EC)
    order, gid, gtime = group_returns(rt.loc[rm], rt.orig_day[rm], rt.orig_seq[rm], rt.time_s[rm])
    rows = rm[order]
    rank = group_rank(gid)
    for g in range(len(gtime)):
        m = rows[gid == g]
        q = rt.qty[m]
        amounts = -q * rt.unit_refund[m]
        lines = [dict(zip(LINE_KEYS, (int(a), str(b), int(c), int(d), 0, int(f), int(t)))) for a, b, c, d, f, t
                 in zip(rank[gid == g], cat.sku_code[rt.sku[m]], -q, rt.unit_refund[m], amounts,
                        tax_included_in(amounts))]
        orig = world.date_of(int(rt.orig_day[m[0]]))
        rec = dict(zip(RETURN_KEYS, (
            "return", f"RT{day_str}{g + 1:06d}", order_id(ymd(orig), int(rt.orig_seq[m[0]])),
            timestamps(r.date, gtime[g:g + 1], "iso_offset")[0], pop.ec_customer_id(rt.customer[m[:1]])[0],
            loc_code, int(amounts.sum()), lines)))
        records.append((int(gtime[g]), json.dumps(rec, ensure_ascii=False, separators=(",", ":"))))
    records.sort(key=lambda x: x[0])
    out = [rec for _, rec in records]
    return ("\n".join(out) + ("\n" if out else "")).encode("utf-8")
