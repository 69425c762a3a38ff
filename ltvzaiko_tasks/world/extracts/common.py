"""Small formatting helpers shared by the extracts."""
from __future__ import annotations

from datetime import date

import numpy as np


def ymd(d: date) -> str:
    return d.strftime("%Y%m%d")


def clock(seconds: np.ndarray, with_seconds: bool = True) -> list[str]:
    """``HH:MM:SS`` (or ``HH:MM``) of seconds after midnight."""
    s = np.asarray(seconds, dtype=np.int64)
    h, m, sec = s // 3600, (s // 60) % 60, s % 60
    if with_seconds:
        return [f"{a:02d}:{b:02d}:{c:02d}" for a, b, c in zip(h.tolist(), m.tolist(), sec.tolist())]
    return [f"{a:02d}:{b:02d}" for a, b in zip(h.tolist(), m.tolist())]


def timestamps(d: date, seconds: np.ndarray, fmt: str = "iso_space") -> list[str]:
    """Local JST timestamps of ``seconds`` after midnight of ``d``.

    ``iso_space``: 2025-04-01 21:14:05 · ``iso_offset``: 2025-04-01T21:14:05+09:00 ·
    ``slash_minutes``: 2025/04/01 21:14
    """
    if fmt == "iso_space":
        return [f"{d.isoformat()} {c}" for c in clock(seconds)]
    if fmt == "iso_offset":
        return [f"{d.isoformat()}T{c}+09:00" for c in clock(seconds)]
    if fmt == "slash_minutes":
        return [f"{d:%Y/%m/%d} {c}" for c in clock(seconds, with_seconds=False)]
    raise ValueError(fmt)


def group_rank(keys: np.ndarray) -> np.ndarray:
    """1-based position of each row within its run of equal (sorted) ``keys``."""
    if len(keys) == 0:
        return np.zeros(0, dtype=np.int64)
    new = np.r_[True, keys[1:] != keys[:-1]]
    first = np.flatnonzero(new)
    return np.arange(len(keys)) - first[np.cumsum(new) - 1] + 1


def group_returns(loc: np.ndarray, orig_day: np.ndarray, orig_seq: np.ndarray, time_s: np.ndarray
                  ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Group return lines of the same original purchase into one return document.

    Returns (order of the lines, group id of each ordered line, time of each group)."""
    order = np.lexsort((np.arange(len(loc)), orig_seq, orig_day, loc))
    key = np.stack([loc[order], orig_day[order], orig_seq[order]], axis=1)
    new = np.r_[True, (key[1:] != key[:-1]).any(axis=1)] if len(order) else np.zeros(0, bool)
    gid = np.cumsum(new) - 1
    n = int(gid[-1]) + 1 if len(gid) else 0
    gtime = np.full(n, 86399, dtype=np.int64)
    np.minimum.at(gtime, gid, time_s[order])
    return order, gid, gtime
