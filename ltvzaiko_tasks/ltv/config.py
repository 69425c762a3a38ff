"""One small config object for customer LTV (SPEC §6.1): clock, horizon, discounting, margin, segments."""
from __future__ import annotations

from collections.abc import Mapping
import os
from dataclasses import dataclass

from .constants import DAYS_PER_YEAR, SUMMARY_TIME_UNITS, TimeUnit

ENV_PREFIX = "LTVZAIKO_LTV_"


@dataclass(frozen=True)
class LtvConfig:
    """How customer lifetime value is computed.

    Attributes:
        time_unit: the model's clock: the unit of recency, T and of the BG/NBD ``alpha`` (``"W"`` weeks,
            default, or ``"D"`` days). Purchases within one unit count once.
        horizon_periods: number of discounting periods in the CLV horizon (default 12).
        period: length of one discounting period (``"M"`` = a mean month of 30.4375 days, default; ``"W"``;
            ``"D"``). Default horizon: 12 months.
        annual_discount_rate: yearly cost of capital, converted to a per-period rate by compounding
            (default 0.10, i.e. 0.797 % a month).
        margin: gross margin rate applied to expected spend when no per-customer margin is given (default
            0.5; pass the measured rate of the business, e.g. from the sales mart, in production).
        segment_shares: shares of customers, best first, in the segments ``segment_labels`` by CLV rank.
        segment_labels: names of the segments, best first.
        l2_penalty: L2 penalty on log-parameters used when fitting both models (default 0).
        holdout_weeks: length of the hold-out period of the model check each run (default 8 weeks): the models
            are refitted on the history up to that many weeks before the as-of date (the calibration period)
            and their predicted purchases compared with the actual ones after it. With less history, the
            check holds out a third of it (at least one week, calibration at least four weeks).

    >>> cfg = LtvConfig()
    >>> round(cfg.period_length, 4), round(cfg.discount_rate_per_period, 5)
    (4.3482, 0.00797)
    """

    time_unit: TimeUnit = TimeUnit.WEEK
    horizon_periods: int = 12
    period: TimeUnit = TimeUnit.MONTH
    annual_discount_rate: float = 0.10
    margin: float = 0.5
    segment_shares: tuple[float, ...] = (0.2, 0.3, 0.5)
    segment_labels: tuple[str, ...] = ("high", "mid", "low")
    l2_penalty: float = 0.0
    holdout_weeks: int = 8

    def __post_init__(self) -> None:
        object.__setattr__(self, "time_unit", TimeUnit.parse(self.time_unit))
        object.__setattr__(self, "period", TimeUnit.parse(self.period))
        object.__setattr__(self, "segment_shares", tuple(float(s) for s in self.segment_shares))
        object.__setattr__(self, "segment_labels", tuple(str(s) for s in self.segment_labels))
        if self.time_unit not in SUMMARY_TIME_UNITS:
            raise ValueError(f"time_unit must be 'D' or 'W' (the model's clock), got {self.time_unit.value!r}")
        if int(self.horizon_periods) != self.horizon_periods or self.horizon_periods < 1:
            raise ValueError(f"horizon_periods must be a whole number >= 1, got {self.horizon_periods!r}")
        if not self.annual_discount_rate > -1:
            raise ValueError("annual_discount_rate must be > -1 (0.10 means 10 % a year)")
        if not 0 <= self.margin <= 1:
            raise ValueError(f"margin is a gross margin rate in [0, 1], got {self.margin!r}")
        check_shares(self.segment_shares, self.segment_labels)
        if int(self.holdout_weeks) != self.holdout_weeks or self.holdout_weeks < 1:
            raise ValueError(f"holdout_weeks must be a whole number of weeks >= 1, got {self.holdout_weeks!r}")

    @property
    def period_length(self) -> float:
        """One discounting period in model time units (a month in weeks: 4.348)."""
        return self.period.in_units_of(self.time_unit)

    @property
    def horizon_length(self) -> float:
        """The whole horizon in model time units."""
        return self.horizon_periods * self.period_length

    @property
    def discount_rate_per_period(self) -> float:
        """``(1 + annual rate) ** (period days / 365.25) - 1``."""
        return (1.0 + self.annual_discount_rate) ** (self.period.days / DAYS_PER_YEAR) - 1.0

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> LtvConfig:
        """Read ``LTVZAIKO_LTV_*`` variables (TIME_UNIT, HORIZON_PERIODS, PERIOD, ANNUAL_DISCOUNT_RATE, MARGIN,
        SEGMENT_SHARES as ``"0.2,0.3,0.5"``, SEGMENT_LABELS as ``"high,mid,low"``, L2_PENALTY, HOLDOUT_WEEKS);
        unset ones keep their defaults."""
        env = os.environ if env is None else env
        kwargs: dict[str, object] = {}
        readers = {
            "TIME_UNIT": ("time_unit", str),
            "HORIZON_PERIODS": ("horizon_periods", int),
            "PERIOD": ("period", str),
            "ANNUAL_DISCOUNT_RATE": ("annual_discount_rate", float),
            "MARGIN": ("margin", float),
            "SEGMENT_SHARES": ("segment_shares", lambda s: tuple(float(v) for v in s.split(","))),
            "SEGMENT_LABELS": ("segment_labels", lambda s: tuple(v.strip() for v in s.split(","))),
            "L2_PENALTY": ("l2_penalty", float),
            "HOLDOUT_WEEKS": ("holdout_weeks", int),
        }
        for suffix, (name, parse) in readers.items():
            raw = env.get(ENV_PREFIX + suffix)
            if raw is None or raw.strip() == "":
                continue
            try:
                kwargs[name] = parse(raw.strip())
            except ValueError as exc:
                raise ValueError(f"{ENV_PREFIX + suffix}={raw!r} is not valid: {exc}") from None
        return cls(**kwargs)


def check_shares(shares: tuple[float, ...], labels: tuple[str, ...]) -> None:
    """Segment shares must be positive, sum to 1 and match the labels one to one."""
    if len(shares) != len(labels):
        raise ValueError(f"{len(shares)} segment shares for {len(labels)} labels {labels}: give one share per label")
    if any(not (s > 0) for s in shares):
        raise ValueError(f"segment shares must all be > 0, got {shares}")
    if abs(sum(shares) - 1.0) > 1e-6:
        raise ValueError(f"segment shares must sum to 1, got {shares} (sum {sum(shares):g})")
    if len(set(labels)) != len(labels):
        raise ValueError(f"segment labels must be distinct, got {labels}")
