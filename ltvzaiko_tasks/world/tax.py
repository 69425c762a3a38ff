"""Japanese consumption tax (消費税, 10 %): shelf prices are tax-inclusive (税込), tax is contained (内税)."""
from __future__ import annotations

import numpy as np

CONSUMPTION_TAX_RATE = 0.10


def tax_inclusive(price_excl: np.ndarray | int) -> np.ndarray:
    """Shelf price including 10 % consumption tax, rounded down to the yen (税込価格)."""
    return np.floor(np.asarray(price_excl) * (1 + CONSUMPTION_TAX_RATE) + 1e-9).astype(np.int64)


def tax_included_in(amount_incl: np.ndarray | int) -> np.ndarray:
    """Consumption tax contained in a tax-inclusive amount, rounded toward zero (内税):
    floor(|amount| × 10 / 110) with the amount's sign (a refund contains negative tax)."""
    a = np.asarray(amount_incl, dtype=np.int64)
    return np.sign(a) * ((np.abs(a) * 10) // 110)
