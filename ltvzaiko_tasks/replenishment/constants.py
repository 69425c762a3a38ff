"""Modes and codes of the replenishment policies, as enums rather than loose strings."""
from __future__ import annotations

from enum import StrEnum

DAYS_PER_YEAR = 365.0
"""Days in the year used to turn an annual holding-cost rate into a rate per review period."""


class ItemType(StrEnum):
    """How an item is bought (SPEC §6.5)."""

    STAPLE = "staple"
    """定番品: sold all year, reviewed periodically and topped up to an order-up-to level (never run out)."""
    SEASONAL = "seasonal"
    """シーズン品: bought against the remaining season with a newsvendor critical ratio (don't overbuy)."""


class ServiceMeasure(StrEnum):
    """What a service-level target means (Silver, Pyke & Thomas 2017, ch. 6: P1 and P2)."""

    CYCLE = "cycle"
    """Type 1 / P1 / 欠品しない確率: probability of no stock-out in a replenishment cycle."""
    FILL_RATE = "fill_rate"
    """Type 2 / P2 / 充足率: fraction of demand filled from stock on hand."""


class RoundingRule(StrEnum):
    """How a raw need is turned into whole case packs (入数)."""

    UP = "up"
    """Round up to the next whole case (the order never falls short of the need)."""
    NEAREST = "nearest"
    """Round to the nearest whole case (a need under half a case orders nothing)."""
    DOWN = "down"
    """Round down to whole cases (never more than the need)."""


class BindingConstraint(StrEnum):
    """Why the recommended quantity differs from the raw need (one code per order row)."""

    NONE = "none"
    """Nothing bound: the raw need was already a whole number of cases at or above the MOQ."""
    NO_NEED = "no_need"
    """The inventory position already covers the target: nothing to order."""
    CASE_PACK = "case_pack"
    """Rounded to whole case packs (入数)."""
    MOQ = "moq"
    """Raised to the supplier's minimum order quantity (最小発注数量)."""
    BELOW_MOQ = "below_moq"
    """The need was too small a share of the MOQ to be worth ordering (see ``moq_min_fraction``)."""
    BUDGET = "budget"
    """Cut (partly or wholly) because the purchase budget went to items with more gross profit per yen."""
    ORDER_WINDOW_CLOSED = "order_window_closed"
    """A seasonal item past its last order date (season end − lead time): no reorder."""


class Method(StrEnum):
    """The policy that produced an order row."""

    PERIODIC_REVIEW = "periodic_review_order_up_to"
    NEWSVENDOR = "newsvendor"
