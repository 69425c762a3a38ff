"""Named sizes of the simulated world (SPEC §8)."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Scale:
    """How big the world is; how it behaves is in :mod:`.params`."""
    name: str
    n_styles: int
    """Styles (商品番号) in the catalogue over the planning horizon: staples plus every season's goods.
    A style has about six SKUs (colours × sizes)."""
    n_stores: int
    """Physical stores; the own EC warehouse and the three mall stock points come on top."""
    n_customers: int
    """Customers over the horizon: the base that already shops at the start plus those acquired later."""
    anon_trips_per_store_day: float
    """Walk-in shoppers without a member card on a normal day in a medium store."""
    horizon_days: int = 730
    """Days the catalogue, campaigns and customer acquisition are planned for (longer runs extend it)."""


SCALES: dict[str, Scale] = {
    "tiny": Scale("tiny", n_styles=14, n_stores=3, n_customers=3_000, anon_trips_per_store_day=4.0),
    "small": Scale("small", n_styles=80, n_stores=8, n_customers=24_000, anon_trips_per_store_day=8.0),
    "medium": Scale("medium", n_styles=500, n_stores=40, n_customers=200_000, anon_trips_per_store_day=18.0),
    "large": Scale("large", n_styles=3_400, n_stores=146, n_customers=2_000_000, anon_trips_per_store_day=18.0),
}


def get_scale(name: str) -> Scale:
    try:
        return SCALES[name]
    except KeyError:
        raise ValueError(f"unknown scale {name!r}; choose one of {', '.join(SCALES)}") from None
