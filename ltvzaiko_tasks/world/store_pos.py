"""Store POS receipts (店舗 POS): one row per receipt line, JST timestamps, tax-inclusive prices."""
from __future__ import annotations

import numpy as np
import pandas as pd

CONSUMPTION_TAX_RATE = 0.10
POS_COLUMNS = ["store_code", "receipt_no", "line_no", "sold_at", "sku_code", "quantity", "unit_price_jpy",
               "discount_jpy", "line_amount_jpy", "tax_jpy", "member_card_id"]


def tax_inclusive(price_excl: np.ndarray | int) -> np.ndarray:
    """Shelf price including 10 % consumption tax, rounded down to the yen (税込価格)."""
    return np.floor(np.asarray(price_excl) * (1 + CONSUMPTION_TAX_RATE) + 1e-9).astype(np.int64)


def tax_included_in(amount_incl: np.ndarray) -> np.ndarray:
    """Consumption tax contained in a tax-inclusive amount, rounded down (内税)."""
    amount_incl = np.asarray(amount_incl, dtype=np.int64)
    return np.floor_divide(amount_incl * 10, 110)


def draw_store_day(day: pd.Timestamp, products: pd.DataFrame, stores: pd.DataFrame, base_rate: float,
                   rng: np.random.Generator) -> pd.DataFrame:
    """Receipt lines sold in every store on ``day``."""
    weekday_factor = 1.35 if day.day_of_week >= 5 else 1.0
    rates = (np.outer(stores["traffic"].to_numpy(), (products["popularity"] * products["size_share"] * 4).to_numpy())
             * base_rate * weekday_factor)
    units = rng.poisson(rates)  # stores × skus
    s_idx, p_idx = np.nonzero(units)
    if len(s_idx) == 0:
        return pd.DataFrame(columns=POS_COLUMNS)
    qty = units[s_idx, p_idx].astype(np.int64)
    # about 3 % of lines are returns of an earlier purchase
    is_return = rng.random(len(qty)) < 0.03
    qty = np.where(is_return, -1, qty)
    price = tax_inclusive(products["list_price_jpy"].to_numpy()[p_idx])
    discount = np.where((rng.random(len(qty)) < 0.1) & ~is_return, np.floor(price * qty * 0.1), 0).astype(np.int64)
    amount = price * qty - discount
    seconds = rng.integers(10 * 3600, 20 * 3600, len(qty))
    order = np.lexsort((seconds, s_idx))
    s_idx, p_idx, qty, price, discount, amount, seconds = (a[order] for a in
                                                           (s_idx, p_idx, qty, price, discount, amount, seconds))
    store_codes = stores["location_code"].to_numpy()[s_idx]
    receipt_seq = np.zeros(len(qty), dtype=np.int64)
    for s in np.unique(s_idx):
        m = s_idx == s
        receipt_seq[m] = np.arange(1, m.sum() + 1)
    members = np.where(rng.random(len(qty)) < 0.45,
                       np.char.add("M", rng.integers(1, 10**8, len(qty)).astype(str).astype("U9")), "")
    sold_at = (day + pd.to_timedelta(seconds, unit="s")).strftime("%Y-%m-%d %H:%M:%S")
    return pd.DataFrame({
        "store_code": store_codes,
        "receipt_no": [f"{sc}-{day:%Y%m%d}-{n:05d}" for sc, n in zip(store_codes, receipt_seq)],
        "line_no": 1,
        "sold_at": sold_at,
        "sku_code": products["sku_code"].to_numpy()[p_idx],
        "quantity": qty,
        "unit_price_jpy": price,
        "discount_jpy": discount,
        "line_amount_jpy": amount,
        "tax_jpy": np.sign(amount) * tax_included_in(np.abs(amount)),
        "member_card_id": members,
    }, columns=POS_COLUMNS)
