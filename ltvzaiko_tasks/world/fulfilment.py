"""Turning wishes into sales against the stock on hand: first come, first served; substitution; lost sales.

Items are served in time order within each location × SKU while stock lasts. A shopper whose SKU is out of
stock takes another colour/size of the same style with the substitution probability (if one is in stock);
otherwise the sale is lost — the censoring that makes observed sales understate demand.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .catalog import Catalog


@dataclass
class Allocation:
    sold_sku: np.ndarray     # SKU sold for each wished-for item, -1 when the sale was lost
    unmet: np.ndarray        # the first-choice SKU was not available
    substituted: np.ndarray  # unmet but served by another SKU of the style


def _serve(keys: np.ndarray, time_s: np.ndarray, stock: np.ndarray) -> np.ndarray:
    """Serve requests for ``keys`` (flat location × SKU) in time order from ``stock`` (flat, updated in place)."""
    n = len(keys)
    if n == 0:
        return np.zeros(0, dtype=bool)
    order = np.lexsort((np.arange(n), time_s, keys))
    ks = keys[order]
    new = np.r_[True, ks[1:] != ks[:-1]]
    first = np.flatnonzero(new)
    gid = np.cumsum(new) - 1
    rank = np.arange(n) - first[gid]
    avail = stock[ks[first]]
    ok_sorted = rank < avail[gid]
    stock[ks[first]] -= np.minimum(np.bincount(gid, minlength=len(first)), avail)
    ok = np.empty(n, dtype=bool)
    ok[order] = ok_sorted
    return ok


def allocate(item_loc: np.ndarray, item_sku: np.ndarray, item_time: np.ndarray, on_hand: np.ndarray,
             catalog: Catalog, substitution_rate: float, rng: np.random.Generator) -> Allocation:
    """Serve the wished-for items from ``on_hand`` ([location, SKU], decremented in place)."""
    n_sku = on_hand.shape[1]
    stock = on_hand.reshape(-1)
    n = len(item_sku)
    u_sub, u_pick = rng.random(n), rng.random(n)
    keys = item_loc * n_sku + item_sku
    served = _serve(keys, item_time, stock)
    sold = np.where(served, item_sku, -1)
    substituted = np.zeros(n, dtype=bool)
    cand = np.flatnonzero(~served & (u_sub < substitution_rate))
    if len(cand):
        style = catalog.sku_style[item_sku[cand]]
        first, size = catalog.first_sku[style], catalog.n_skus[style]
        kmax = int(size.max())
        offs = np.arange(kmax)[None, :]
        alt = first[:, None] + np.minimum(offs, size[:, None] - 1)
        ok = (offs < size[:, None]) & (alt != item_sku[cand, None]) & (stock[item_loc[cand, None] * n_sku + alt] > 0)
        w = catalog.sku_share[alt] * ok
        tot = w.sum(axis=1)
        has = tot > 0
        cand, alt, w, tot = cand[has], alt[has], w[has], tot[has]
        if len(cand):
            c = np.cumsum(w, axis=1) / tot[:, None]
            pick = np.minimum((c < u_pick[cand, None]).sum(axis=1), kmax - 1)
            sub_sku = alt[np.arange(len(cand)), pick]
            got = _serve(item_loc[cand] * n_sku + sub_sku, item_time[cand], stock)
            sold[cand[got]] = sub_sku[got]
            substituted[cand[got]] = True
    return Allocation(sold_sku=sold, unmet=~served, substituted=substituted)
