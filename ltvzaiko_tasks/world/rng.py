"""Named, independent random streams.

Every random draw of the world comes from a stream named after what it decides and keyed by what it is
about (a day, a season, a block of customers). Streams never share state, so:

* the same seed gives the same world, byte for byte;
* generating 60 days or 730 days gives the same first 60 days;
* two policies replaying the same world see the same customers and the same wishes on each day
  (common random numbers) until their stock makes the outcomes differ.
"""
from __future__ import annotations

import numpy as np

STREAMS: dict[str, int] = {
    "catalog": 1, "season": 2, "network": 3, "suppliers": 4, "customers": 5, "campaigns": 6,
    "planning": 7, "initial_state": 8,
    "demand": 20, "fulfilment": 21, "supply": 22, "formatting": 23, "future": 24,
}
"""Stream ids; appending a new stream never changes the draws of the existing ones."""

_KEY_MOD = 1 << 63


def stream(seed: int, name: str, *keys: int) -> np.random.Generator:
    """The generator of stream ``name`` for ``keys`` (e.g. a day index) under ``seed``."""
    entropy = [int(seed) % _KEY_MOD, STREAMS[name], *(int(k) % _KEY_MOD for k in keys)]
    return np.random.default_rng(entropy)


_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)


def hash64(values: np.ndarray, salt: int = 0) -> np.ndarray:
    """SplitMix64 of each value: a fixed pseudo-random 64-bit integer per value (ids, names).

    Unlike a stream, the result for one value does not depend on which other values are hashed, so
    an attribute drawn this way (a customer's name, a mall buyer id) is the same whenever it is asked for.
    """
    x = np.asarray(values, dtype=np.uint64) + np.uint64(int(salt) % (1 << 64))
    with np.errstate(over="ignore"):
        z = x * _GOLDEN + _GOLDEN
        z = (z ^ (z >> np.uint64(30))) * _M1
        z = (z ^ (z >> np.uint64(27))) * _M2
        return z ^ (z >> np.uint64(31))
