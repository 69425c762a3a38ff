"""The purchase budget every policy shares: the conventional buyer's open-to-buy (仕入予算), month by month.

The conventional policy runs first; its purchase spend at cost per calendar month becomes the other
policies' monthly open-to-buy. Unspent budget carries forward to later months, spending ahead of a month's
budget is not allowed: by the end of each month a policy has spent at most what the conventional buyer had
spent by then. So no policy wins by simply buying more, or earlier.
"""
from __future__ import annotations

from datetime import date, timedelta

import numpy as np


class OpenToBuy:
    def __init__(self, start: date, first_day: int, spend_by_day: np.ndarray | None):
        self.first_day = first_day
        self.spent = 0.0
        if spend_by_day is None:
            self.cap = None
            return
        n = len(spend_by_day)
        months = np.array([(start + timedelta(days=first_day + i)).strftime("%Y-%m") for i in range(n)])
        _, month_idx = np.unique(months, return_inverse=True)
        per_month = np.bincount(month_idx, weights=spend_by_day)
        self.cap = np.cumsum(per_month)[month_idx]      # cumulative budget available by day (end of its month)
        self.total = float(spend_by_day.sum())

    def remaining(self, day: int) -> float | None:
        if self.cap is None:
            return None
        i = min(max(day - self.first_day, 0), len(self.cap) - 1)
        return max(float(self.cap[i]) - self.spent, 0.0)

    def spend(self, amount: float) -> None:
        self.spent += float(amount)

    def describe(self) -> dict:
        if self.cap is None:
            return {"kind": "none"}
        return {"kind": "conventional_open_to_buy_monthly", "total_jpy": int(round(self.total)),
                "spent_jpy": int(round(self.spent))}
