"""Returns (返品): a share of sold lines comes back days later, to the same location, and is restocked."""
from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np


@dataclass
class ReturnLines:
    due_day: np.ndarray
    loc: np.ndarray
    sku: np.ndarray
    qty: np.ndarray           # positive units coming back
    unit_refund: np.ndarray   # tax-inclusive refund per unit (what was paid)
    channel: np.ndarray
    customer: np.ndarray      # -1 anonymous
    shows_card: np.ndarray    # the original purchase was on the member card
    orig_day: np.ndarray
    orig_seq: np.ndarray      # order / receipt sequence of the original purchase at its location
    orig_time_s: np.ndarray   # time of day of the original purchase
    time_s: np.ndarray

    def __len__(self) -> int:
        return len(self.loc)

    def take(self, mask: np.ndarray) -> "ReturnLines":
        return ReturnLines(**{f.name: getattr(self, f.name)[mask] for f in fields(self)})

    @staticmethod
    def concat(parts: list["ReturnLines"]) -> "ReturnLines":
        return ReturnLines(**{f.name: np.concatenate([getattr(p, f.name) for p in parts]) for f in fields(ReturnLines)})

    @staticmethod
    def empty() -> "ReturnLines":
        z = np.zeros(0, dtype=np.int64)
        return ReturnLines(z, z, z, z, z, z.astype(np.int8), z, z.astype(bool), z, z, z, z)


class ReturnQueue:
    """Returns scheduled for future days; holds at most a few weeks of lines."""

    def __init__(self) -> None:
        self._by_day: dict[int, list[ReturnLines]] = {}

    def schedule(self, lines: ReturnLines) -> None:
        for d in np.unique(lines.due_day).tolist():
            self._by_day.setdefault(d, []).append(lines.take(lines.due_day == d))

    def pop(self, day: int) -> ReturnLines:
        parts = self._by_day.pop(day, [])
        return ReturnLines.concat(parts) if parts else ReturnLines.empty()

    def __len__(self) -> int:
        return sum(len(p) for v in self._by_day.values() for p in v)
