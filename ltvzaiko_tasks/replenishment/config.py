"""One small config object for the replenishment policies (SPEC §6.5), loaded from env in one place."""
from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from .constants import RoundingRule, ServiceMeasure
from .errors import ReplenishmentInputError
from .service_levels import DEFAULT_SERVICE_LEVEL_BY_LTV_CLASS

ENV_PREFIX = "LTVZAIKO_REPLENISHMENT_"


@dataclass(frozen=True)
class ReplenishmentPolicy:
    """How order quantities are computed.

    Attributes:
        review_period_days: R, days between reviews of a staple (default 7: weekly ordering).
        service_measure: ``"cycle"`` (type 1, default) or ``"fill_rate"`` (type 2) — what a service level means.
        base_service_level: target of an item with LTV weight 1 (default 0.95).
        min_service_level, max_service_level: bounds on every staple target (defaults 0.80 and 0.995).
        ltv_elasticity: γ, how strongly the LTV weight moves targets and the seasonal underage cost (default 1).
        service_level_by_ltv_class: class → target, for callers that classify items (default high 0.98,
            mid 0.95, low 0.90, SPEC §6.5).
        min_critical_ratio, max_critical_ratio: bounds on a seasonal buy's critical ratio (defaults 0.05 and
            0.99), so a leftover that costs nothing never asks for an unbounded buy.
        salvage_fraction_of_cost: when a row gives no salvage value, a leftover seasonal unit recovers this
            share of its unit cost (default 0.3).
        holding_cost_rate_per_year: cost of carrying a staple for a year as a share of its unit cost (default
            0.25); a review period of it is the overage cost used to rank staples under a budget.
        rounding: ``"up"`` (default), ``"nearest"`` or ``"down"`` to whole case packs.
        moq_min_fraction: a need below the MOQ is raised to it when at least this share of it, else skipped
            (default 0: always raise).
        quantile_levels: levels of the forecast's quantile columns ``demand_p10``, ``demand_p50``, … (default
            0.1, 0.5, 0.9).
        max_chunks_per_row: granularity of the budget allocation (increments per order, default 64).

    >>> ReplenishmentPolicy().quantile_columns
    ('demand_p10', 'demand_p50', 'demand_p90')
    """

    review_period_days: float = 7.0
    service_measure: ServiceMeasure = ServiceMeasure.CYCLE
    base_service_level: float = 0.95
    min_service_level: float = 0.80
    max_service_level: float = 0.995
    ltv_elasticity: float = 1.0
    service_level_by_ltv_class: Mapping[str, float] = field(
        default_factory=lambda: dict(DEFAULT_SERVICE_LEVEL_BY_LTV_CLASS))
    min_critical_ratio: float = 0.05
    max_critical_ratio: float = 0.99
    salvage_fraction_of_cost: float = 0.3
    holding_cost_rate_per_year: float = 0.25
    rounding: RoundingRule = RoundingRule.UP
    moq_min_fraction: float = 0.0
    quantile_levels: tuple[float, ...] = (0.1, 0.5, 0.9)
    max_chunks_per_row: int = 64

    def __post_init__(self) -> None:
        set_ = object.__setattr__
        try:
            set_(self, "service_measure", ServiceMeasure(self.service_measure))
            set_(self, "rounding", RoundingRule(self.rounding))
        except ValueError as exc:
            raise ReplenishmentInputError(f"ReplenishmentPolicy: {exc} (service_measure: 'cycle' or 'fill_rate'; "
                                          "rounding: 'up', 'nearest' or 'down')") from None
        set_(self, "service_level_by_ltv_class",
             MappingProxyType({str(k): float(v) for k, v in dict(self.service_level_by_ltv_class).items()}))
        set_(self, "quantile_levels", tuple(sorted(float(q) for q in self.quantile_levels)))
        if not self.review_period_days > 0:
            raise ReplenishmentInputError("ReplenishmentPolicy.review_period_days must be > 0 (e.g. 7 for weekly)")
        if not 0 < self.min_service_level <= self.base_service_level <= self.max_service_level < 1:
            raise ReplenishmentInputError(
                "ReplenishmentPolicy needs 0 < min_service_level <= base_service_level <= max_service_level < 1, "
                f"got {self.min_service_level}, {self.base_service_level}, {self.max_service_level}")
        if any(not 0 < v < 1 for v in self.service_level_by_ltv_class.values()):
            raise ReplenishmentInputError("service_level_by_ltv_class values must be in (0, 1), e.g. 0.98")
        if not 0 < self.min_critical_ratio <= self.max_critical_ratio < 1:
            raise ReplenishmentInputError("ReplenishmentPolicy needs 0 < min_critical_ratio <= max_critical_ratio < 1")
        if self.ltv_elasticity < 0:
            raise ReplenishmentInputError("ReplenishmentPolicy.ltv_elasticity must be >= 0 (0 ignores customer value)")
        if not 0 <= self.salvage_fraction_of_cost <= 1:
            raise ReplenishmentInputError("salvage_fraction_of_cost must be in [0, 1]")
        if self.holding_cost_rate_per_year < 0:
            raise ReplenishmentInputError("holding_cost_rate_per_year must be >= 0 (e.g. 0.25)")
        if not 0 <= self.moq_min_fraction <= 1:
            raise ReplenishmentInputError("moq_min_fraction must be in [0, 1]")
        levels = self.quantile_levels
        if len(levels) < 2 or len(set(levels)) != len(levels) or any(not 0 < q < 1 for q in levels):
            raise ReplenishmentInputError("quantile_levels must be two or more distinct levels in (0, 1), e.g. "
                                          "(0.1, 0.5, 0.9)")
        if self.max_chunks_per_row < 2:
            raise ReplenishmentInputError("max_chunks_per_row must be >= 2")

    @property
    def quantile_columns(self) -> tuple[str, ...]:
        """Names of the forecast quantile columns for ``quantile_levels`` (``demand_p10`` for 0.1; ``demand_p975``
        for 0.975)."""
        return tuple(quantile_column(q) for q in self.quantile_levels)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> ReplenishmentPolicy:
        """Read ``LTVZAIKO_REPLENISHMENT_*`` variables (REVIEW_PERIOD_DAYS, SERVICE_MEASURE, BASE_SERVICE_LEVEL,
        MIN_SERVICE_LEVEL, MAX_SERVICE_LEVEL, LTV_ELASTICITY, SERVICE_LEVEL_BY_LTV_CLASS as
        ``"high=0.98,mid=0.95,low=0.9"``, MIN_CRITICAL_RATIO, MAX_CRITICAL_RATIO, SALVAGE_FRACTION_OF_COST,
        HOLDING_COST_RATE_PER_YEAR, ROUNDING, MOQ_MIN_FRACTION, QUANTILE_LEVELS as ``"0.1,0.5,0.9"``,
        MAX_CHUNKS_PER_ROW); unset ones keep their defaults.

        >>> ReplenishmentPolicy.from_env({"LTVZAIKO_REPLENISHMENT_REVIEW_PERIOD_DAYS": "14"}).review_period_days
        14.0
        """
        env = os.environ if env is None else env

        def pairs(text: str) -> dict[str, float]:
            out = {}
            for item in text.split(","):
                key, sep, value = item.partition("=")
                if not sep:
                    raise ValueError(f"expected label=level pairs like 'high=0.98', got {item!r}")
                out[key.strip()] = float(value)
            return out

        readers = {
            "REVIEW_PERIOD_DAYS": ("review_period_days", float),
            "SERVICE_MEASURE": ("service_measure", str),
            "BASE_SERVICE_LEVEL": ("base_service_level", float),
            "MIN_SERVICE_LEVEL": ("min_service_level", float),
            "MAX_SERVICE_LEVEL": ("max_service_level", float),
            "LTV_ELASTICITY": ("ltv_elasticity", float),
            "SERVICE_LEVEL_BY_LTV_CLASS": ("service_level_by_ltv_class", pairs),
            "MIN_CRITICAL_RATIO": ("min_critical_ratio", float),
            "MAX_CRITICAL_RATIO": ("max_critical_ratio", float),
            "SALVAGE_FRACTION_OF_COST": ("salvage_fraction_of_cost", float),
            "HOLDING_COST_RATE_PER_YEAR": ("holding_cost_rate_per_year", float),
            "ROUNDING": ("rounding", str),
            "MOQ_MIN_FRACTION": ("moq_min_fraction", float),
            "QUANTILE_LEVELS": ("quantile_levels", lambda s: tuple(float(v) for v in s.split(","))),
            "MAX_CHUNKS_PER_ROW": ("max_chunks_per_row", int),
        }
        kwargs: dict[str, object] = {}
        for suffix, (name, parse) in readers.items():
            raw = env.get(ENV_PREFIX + suffix)
            if raw is None or raw.strip() == "":
                continue
            try:
                kwargs[name] = parse(raw.strip())
            except ValueError as exc:
                raise ReplenishmentInputError(f"{ENV_PREFIX + suffix}={raw!r} is not valid: {exc}") from None
        return cls(**kwargs)


def quantile_column(level: float) -> str:
    """``demand_p10`` for 0.1, ``demand_p50`` for 0.5, ``demand_p975`` for 0.975.

    >>> quantile_column(0.1), quantile_column(0.975)
    ('demand_p10', 'demand_p975')
    """
    pct = f"{level * 100:.6f}".rstrip("0").rstrip(".")
    return "demand_p" + pct.replace(".", "")
