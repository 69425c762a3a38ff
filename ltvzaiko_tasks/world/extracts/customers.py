"""Customer extracts (CRM), deltas per business date.

* ``customers/<date>/customers_<yyyymmdd>.csv`` — customers registered (``new``) or changed (``update``: got a
  member card or an EC account) that day; the first date carries every customer registered before it.
  PII columns (name, e-mail, phone) must never reach a mart.
* ``customer_links/<date>/mall_buyer_links_<yyyymmdd>.csv`` — mall buyer ids linked to a customer that day
  (ID連携), so those mall orders can be attributed.
"""
from __future__ import annotations

import numpy as np

from ..calendar import CHANNELS
from ..pii import personal_data
from .common import ymd

CUSTOMERS_SOURCE = "customers"
CUSTOMERS_COLUMNS = ("customer_key", "change_type", "member_card_id", "ec_customer_id", "acquisition_channel",
                     "first_seen_on", "home_store_code", "full_name", "full_name_kana", "email", "phone", "gender",
                     "birth_year", "prefecture_code", "updated_on")
LINKS_SOURCE = "customer_links"
LINKS_COLUMNS = ("customer_key", "mall_location_code", "mall_buyer_id", "linked_on")


def customers_file(d) -> str:
    return f"customers_{ymd(d)}.csv"


def links_file(d) -> str:
    return f"mall_buyer_links_{ymd(d)}.csv"


def customer_rows(world, state, idx: np.ndarray, change: str, day: int) -> dict:
    """Rows of the customers master for population indices ``idx`` as of ``day``."""
    pop, net = world.population, world.network
    cs = state.customers
    idx = np.asarray(idx, dtype=np.int64)
    pii = personal_data(idx, world.seed)
    card = np.full(len(idx), "", dtype=object)
    ec = np.full(len(idx), "", dtype=object)
    hc, he = cs.has_card[idx], cs.has_ec[idx]
    card[hc] = pop.member_card_id(idx[hc])
    ec[he] = pop.ec_customer_id(idx[he])
    acq = cs.registered_channel[idx]  # where the retailer first registered them
    first_seen = [world.date_of(int(d)).isoformat() for d in cs.registered_day[idx].tolist()]
    return {
        "customer_key": pop.customer_key(idx), "change_type": np.full(len(idx), change, dtype=object),
        "member_card_id": card, "ec_customer_id": ec, "acquisition_channel": np.array(CHANNELS, dtype=object)[acq],
        "first_seen_on": first_seen, "home_store_code": np.where(hc, net.code[pop.home_store[idx]], ""),
        **{k: pii[k] for k in ("full_name", "full_name_kana", "email", "phone", "gender", "birth_year")},
        "prefecture_code": net.prefecture[pop.home_store[idx]],
        "updated_on": np.full(len(idx), world.date_of(day).isoformat(), dtype=object),
    }


def link_rows(world, customer: np.ndarray, mall_loc: np.ndarray, linked_on: list[str]) -> dict:
    pop, net = world.population, world.network
    ids = np.empty(len(customer), dtype=object)
    for key in np.unique(net.mall_key[mall_loc]).tolist():
        m = net.mall_key[mall_loc] == key
        ids[m] = pop.mall_buyer_id(customer[m], key)
    return {"customer_key": pop.customer_key(customer), "mall_location_code": net.code[mall_loc],
            "mall_buyer_id": ids, "linked_on": linked_on}
