"""Suppliers (仕入先): where goods come from and how long they really take."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

ORIGINS = ("JP", "CN", "VN", "BD")
ORIGIN_SHARES = np.array([0.3, 0.4, 0.2, 0.1])
DECLARED_MEAN_RANGE = {"JP": (7, 12), "CN": (28, 40), "VN": (35, 50), "BD": (45, 60)}
DECLARED_SD = {"JP": 2.0, "CN": 5.0, "VN": 7.0, "BD": 9.0}


@dataclass(frozen=True)
class Suppliers:
    code: np.ndarray            # "SUP001"
    origin: np.ndarray          # index into ORIGINS
    declared_mean: np.ndarray   # days, as the product master states it
    declared_sd: np.ndarray
    true_mean: np.ndarray       # what deliveries actually take (truth only)
    true_sd: np.ndarray

    def __len__(self) -> int:
        return len(self.code)

    @property
    def overseas(self) -> np.ndarray:
        return self.origin != 0


def build_suppliers(n_styles: int, rng: np.random.Generator) -> Suppliers:
    """About one supplier per 25 styles (4..60); declared lead times are optimistic."""
    n = int(np.clip(n_styles // 25, 4, 60))
    origin = rng.choice(len(ORIGINS), size=n, p=ORIGIN_SHARES)
    origin[:2] = [0, 1]  # always a domestic and an overseas supplier
    lo = np.array([DECLARED_MEAN_RANGE[ORIGINS[o]][0] for o in origin])
    hi = np.array([DECLARED_MEAN_RANGE[ORIGINS[o]][1] for o in origin])
    declared_mean = np.round(rng.uniform(lo, hi)).astype(np.int64)
    declared_sd = np.round(np.array([DECLARED_SD[ORIGINS[o]] for o in origin]) * rng.uniform(0.8, 1.2, n), 1)
    true_mean = declared_mean * rng.uniform(0.95, 1.2, n)
    true_sd = declared_sd * rng.uniform(1.0, 1.6, n)
    return Suppliers(code=np.array([f"SUP{i + 1:03d}" for i in range(n)], dtype=object), origin=origin,
                     declared_mean=declared_mean, declared_sd=declared_sd, true_mean=true_mean, true_sd=true_sd)
