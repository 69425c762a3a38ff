"""Input checks shared by the policy functions: arrays in, readable errors out.

Every public function accepts Python numbers or numpy arrays (broadcast together) and returns a Python
``float`` when all its inputs were scalars, so doctest examples read like the textbook.
"""
from __future__ import annotations

import numpy as np

from .errors import ReplenishmentInputError


def as_float(name: str, value, *, allow_inf: bool = False) -> np.ndarray:
    """``value`` as a float array; NaN (and, unless allowed, infinity) is refused with the argument's name."""
    try:
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise ReplenishmentInputError(f"{name} must be numeric, got {value!r}") from None
    bad = np.isnan(arr) if allow_inf else ~np.isfinite(arr)
    if bad.any():
        raise ReplenishmentInputError(
            f"{name} has {int(bad.sum())} missing or infinite value(s): fill them (e.g. 0 for no stock) first")
    return arr


def nonnegative(name: str, value) -> np.ndarray:
    arr = as_float(name, value)
    if (arr < 0).any():
        raise ReplenishmentInputError(f"{name} must be >= 0, got min {arr.min():g}")
    return arr


def positive(name: str, value) -> np.ndarray:
    arr = as_float(name, value)
    if (arr <= 0).any():
        raise ReplenishmentInputError(f"{name} must be > 0, got min {arr.min():g}")
    return arr


def probability(name: str, value, *, hint: str = "e.g. 0.95 for 95 %") -> np.ndarray:
    """A probability strictly between 0 and 1 (a service level of 1 needs infinite stock)."""
    arr = as_float(name, value)
    if ((arr <= 0) | (arr >= 1)).any():
        raise ReplenishmentInputError(
            f"{name} must be strictly between 0 and 1 ({hint}), got range [{arr.min():g}, {arr.max():g}]")
    return arr


def out(value, *inputs):
    """Return a Python float when every input was a scalar, else the array."""
    arr = np.asarray(value)
    if arr.ndim == 0 and all(np.ndim(v) == 0 for v in inputs):
        return float(arr)
    return arr
