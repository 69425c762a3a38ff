"""Settings of the policy backtest and of the ltvzaiko policy it replays (one frozen dataclass each)."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from types import MappingProxyType

from ..stages.item_value_stage import LTV_WEIGHT

FORECASTERS = ("xgboost", "moving_average")


@dataclass(frozen=True)
class LtvzaikoPolicyConfig:
    """What the ltvzaiko policy does each day (SPEC §6.5), with the values used in the reported runs.

    Attributes:
        review_period_days: R, days between reviews of one location (7, like the world's buyer: the same
            review calendar for both policies, so only the quantities differ).
        service_level_by_class: staple cycle-service-level targets by item LTV class (SPEC §6.5 defaults
            高 98 %, 中 95 %, 低 90 %).
        ltv_weight: class → LTV weight (the pipeline's ``LTV_WEIGHT``: 2.5 / 1 / 0.5); raises the seasonal
            underage cost (cu = margin × max(w, 1)^γ) and ranks orders under the budget.
        ltv_elasticity: γ (1 = the replenishment package default; 0 switches customer value off).
        salvage_fraction_of_cost: what a unit left after its season recovers (0: in this business leftover
            stock is dead stock, nothing is sold to jobbers; the markdowns inside the season are modelled in
            the demand curve, not in the salvage value).
        forecaster: ``"xgboost"`` (the pipeline's ``DemandForecaster``) or ``"moving_average"`` (censoring-
            aware 28-day mean; an ablation and the fast choice for tests).
        refit_every_days: the XGBoost model is refitted this often (28: see docs/backtest.md for the cost);
            between refits the forecast is re-run on the latest sales every ``forecast_every_days``.
        forecast_every_days: staple forecasts are refreshed this often (7: once per review cycle).
        history_days: days of sales the forecaster learns from (365, as the pipeline's forecast stage).
        forecast_horizon_days: days forecast daily (28, as the pipeline); beyond, the last week's mean.
        xgb_n_estimators, xgb_max_train_rows: size of the XGBoost model (kept modest: 2 cores).
        plan_error_cv: prior coefficient of variation of a seasonal style's season total around the buyer's
            plan (0.35: how far plans typically miss; a retailer measures it on past seasons).
        season_shape_cv: log-scale error of extrapolating a style's season total from its sales so far when
            none of the season has been seen (0.3; shrinks with the share of the season already sold).
        learning_days: the first in-season reorder review of a seasonal style comes this many days after its
            launch, once its own sales have been seen (14).
        seasonal_protection: service target of a seasonal order that is not the last one (it must last until
            the next reorder arrives): ``"critical_ratio"`` — the newsvendor ratio cu/(cu + co) of the item,
            customer value included (default) — or ``"class_service_level"`` — the staples' LTV-class targets.
        lead_time_quantile: the initial seasonal buy covers demand until a reorder placed after
            ``learning_days`` could arrive, with the lead time at this quantile (0.8).
        value_refresh_days: customer values and item LTV classes are re-estimated this often (28).
        profile_bins: bins of season progress in the seasonal demand profile (12).
        min_staple_history_days: a staple with fewer observed days is planned at the buyer's plan rate (28).
    """

    review_period_days: int = 7
    service_level_by_class: Mapping[str, float] = field(
        default_factory=lambda: {"高": 0.98, "中": 0.95, "低": 0.90})
    ltv_weight: Mapping[str, float] = field(default_factory=lambda: dict(LTV_WEIGHT))
    ltv_elasticity: float = 1.0
    salvage_fraction_of_cost: float = 0.0
    forecaster: str = "xgboost"
    refit_every_days: int = 28
    forecast_every_days: int = 7
    history_days: int = 365
    forecast_horizon_days: int = 28
    xgb_n_estimators: int = 100
    xgb_max_train_rows: int = 100_000
    plan_error_cv: float = 0.35
    season_shape_cv: float = 0.3
    learning_days: int = 14
    seasonal_protection: str = "critical_ratio"
    lead_time_quantile: float = 0.8
    value_refresh_days: int = 28
    profile_bins: int = 12
    min_staple_history_days: int = 28

    def __post_init__(self) -> None:
        object.__setattr__(self, "service_level_by_class", MappingProxyType(dict(self.service_level_by_class)))
        object.__setattr__(self, "ltv_weight", MappingProxyType(dict(self.ltv_weight)))
        if self.forecaster not in FORECASTERS:
            raise ValueError(f"forecaster must be one of {FORECASTERS}, got {self.forecaster!r}")
        for name in ("review_period_days", "refit_every_days", "forecast_every_days", "history_days",
                     "forecast_horizon_days", "learning_days", "value_refresh_days", "profile_bins"):
            if int(getattr(self, name)) < 1:
                raise ValueError(f"LtvzaikoPolicyConfig.{name} must be >= 1")
        if not 0 < self.lead_time_quantile < 1:
            raise ValueError("lead_time_quantile must be in (0, 1)")
        if self.seasonal_protection not in ("critical_ratio", "class_service_level"):
            raise ValueError("seasonal_protection must be 'critical_ratio' or 'class_service_level'")
        if self.plan_error_cv <= 0:
            raise ValueError("plan_error_cv must be > 0")
        if set(self.service_level_by_class) != set(self.ltv_weight):
            raise ValueError("service_level_by_class and ltv_weight must name the same classes (高, 中, 低)")


@dataclass(frozen=True)
class BacktestConfig:
    """One backtest run.

    Attributes:
        scale, seed: the world (``ltvzaiko_tasks.world`` scales).
        start: first day of the simulated world; the world's own buyer runs it for ``warmup_days`` (the
            history every policy starts from), then each policy replays the next ``days`` days.
        warmup_days: days of shared history before the policies branch (365: a year, so the forecaster
            and the customer models have what the pipeline would have, and the previous season's selling
            curve is visible).
        days: days each policy is replayed (340 from 1 April covers the whole autumn/winter season, from its
            buys in June to its end on 1 March).
        budget: ``"conventional"`` (default): every policy gets the conventional buyer's open-to-buy —
            its purchase spend per calendar month, unspent budget carried forward; ``"none"``: no budget.
        policies: which policies to run (the conventional one always runs first: it sets the budget).
        ltvzaiko: the ltvzaiko policy's settings.
    """

    scale: str = "small"
    seed: int = 1
    start: date = date(2024, 4, 1)
    warmup_days: int = 365
    days: int = 340
    budget: str = "conventional"
    policies: tuple[str, ...] = ("conventional", "ltvzaiko", "oracle")
    ltvzaiko: LtvzaikoPolicyConfig = field(default_factory=LtvzaikoPolicyConfig)

    def __post_init__(self) -> None:
        if self.days < 1 or self.warmup_days < 0:
            raise ValueError("days must be >= 1 and warmup_days >= 0")
        if self.budget not in ("conventional", "none"):
            raise ValueError("budget must be 'conventional' or 'none'")
        unknown = set(self.policies) - {"conventional", "ltvzaiko", "oracle"}
        if unknown or "conventional" not in self.policies:
            raise ValueError("policies are a subset of conventional, ltvzaiko, oracle and include conventional")

    @property
    def total_days(self) -> int:
        return self.warmup_days + self.days
