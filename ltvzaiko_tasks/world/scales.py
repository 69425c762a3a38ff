"""Named sizes of the simulated world (SPEC §8)."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Scale:
    name: str
    n_styles: int
    n_stores: int
    base_daily_units_per_sku_store: float
    """Mean units a typical SKU sells in a typical store on a normal day."""


SCALES: dict[str, Scale] = {
    "tiny": Scale("tiny", n_styles=8, n_stores=3, base_daily_units_per_sku_store=0.6),
    "small": Scale("small", n_styles=60, n_stores=8, base_daily_units_per_sku_store=0.35),
    "medium": Scale("medium", n_styles=500, n_stores=40, base_daily_units_per_sku_store=0.25),
    "large": Scale("large", n_styles=3300, n_stores=146, base_daily_units_per_sku_store=0.2),
}


def get_scale(name: str) -> Scale:
    try:
        return SCALES[name]
    except KeyError:
        raise ValueError(f"unknown scale {name!r}; choose one of {', '.join(SCALES)}") from None
