"""Configuration of the demand forecaster: one frozen dataclass per concern.

``ForecastConfig`` says *what* to forecast and which features to build; ``XGBoostParams`` says how hard the
booster works. Defaults that depend on the frequency (lags, windows, season length) are filled in when the
config is created, so ``repr(config)`` shows exactly what a run used.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields

from .constants import Freq, MeanObjective, MissingDates, WeekLabel
from .errors import ForecastConfigError

_DEFAULTS = {
    Freq.DAILY: {"lags": (7, 14, 21, 28), "rolling_windows": (7, 28), "seasonal_windows": (1, 4)},
    Freq.WEEKLY: {"lags": (1, 2, 3, 4, 52), "rolling_windows": (4, 13), "seasonal_windows": (1,)},
}


@dataclass(frozen=True)
class XGBoostParams:
    """Booster settings shared by the mean and the quantile model (``tree_method="hist"`` always).

    ``n_jobs`` is passed to XGBoost as its thread count. The quantile model has its own rounds and
    learning rate: ``reg:quantileerror`` re-fits every leaf to the exact residual quantile (a line search),
    so it converges in fewer, larger steps, and each of its rounds costs about one tree per quantile level.
    """

    n_estimators: int = 300
    learning_rate: float = 0.05
    max_depth: int = 6
    min_child_weight: float = 10.0
    subsample: float = 0.8
    colsample_bytree: float = 0.8
    reg_lambda: float = 1.0
    max_bin: int = 256
    n_jobs: int = 2
    quantile_n_estimators: int = 150
    quantile_learning_rate: float = 0.1

    def __post_init__(self) -> None:
        if self.n_estimators < 1 or self.quantile_n_estimators < 1:
            raise ForecastConfigError("XGBoostParams: n_estimators must be >= 1 (e.g. 300; use 30-50 in tests)")
        if not (0 < self.learning_rate <= 1 and 0 < self.quantile_learning_rate <= 1):
            raise ForecastConfigError("XGBoostParams: learning rates must be in (0, 1], e.g. 0.05")
        if not (0 < self.subsample <= 1 and 0 < self.colsample_bytree <= 1):
            raise ForecastConfigError("XGBoostParams: subsample and colsample_bytree must be in (0, 1]")
        if self.n_jobs < 1:
            raise ForecastConfigError("XGBoostParams: n_jobs must be >= 1 (threads XGBoost may use)")

    def booster_params(self, seed: int) -> dict:
        return {
            "tree_method": "hist",
            "nthread": self.n_jobs,
            "eta": self.learning_rate,
            "max_depth": self.max_depth,
            "min_child_weight": self.min_child_weight,
            "subsample": self.subsample,
            "colsample_bytree": self.colsample_bytree,
            "lambda": self.reg_lambda,
            "max_bin": self.max_bin,
            "seed": seed,
            "verbosity": 0,
        }


def _int_tuple(name: str, values, minimum: int) -> tuple[int, ...]:
    try:
        out = tuple(sorted({int(v) for v in values}))
    except (TypeError, ValueError):
        raise ForecastConfigError(f"ForecastConfig.{name} must be a sequence of integers, got {values!r}") from None
    if any(v < minimum for v in out):
        raise ForecastConfigError(f"ForecastConfig.{name} values must be >= {minimum}, got {values!r}")
    return out


@dataclass(frozen=True)
class ForecastConfig:
    """What to forecast and which features to build.

    freq: ``"D"`` (daily) or ``"W"`` (weekly); horizon: number of steps forecast after the gap.
    gap: steps between the last known value (the cutoff) and the first forecast step, e.g. ``gap=7`` daily
    for a week of stock preparation: the first forecast date is ``cutoff + gap + 1`` steps.
    quantiles: levels in (0, 1); each becomes an output column ``p<100q>`` (0.1 -> ``p10``).
    lags: lag ``l`` of the target date ``t`` means ``y[t - l]``; in the direct design a lag is only filled in
    for rows whose lead (steps from the cutoff to ``t``) is at most ``l`` (otherwise it would be future data)
    and is missing for longer leads.
    rolling_windows: means / standard deviations over the last ``w`` steps up to the cutoff.
    seasonal_windows: ``k`` -> mean of the last ``k`` known values in the same season position (same weekday
    for daily data) as the target date.
    exogenous: known-in-advance numeric columns (price, discount, promo flag, ...) that ``predict`` must also
    receive. ``None`` = every other numeric column of the history except ``static_features``.
    static_features: numeric columns constant per series (item attributes); taken from the history for known
    series, so ``future`` needs them only for series that are new.
    hierarchy: group-label columns constant per series (category, store, style, ...). Each adds the group's
    recent mean demand per series as features, which is what lets a new series borrow strength.
    annual_calendar: the calendar features that repeat once a year (``cal_month``, ``cal_week``). A tree can
    only learn what a month does from targets in that month, so with less than a year of targets they teach
    the forecast window's month from whatever the history's nearest months did (a year of history that
    starts on 1 April has no April targets after the warm-up). ``None`` (default): on when the history spans
    at least ``ANNUAL_CALENDAR_MIN_DAYS`` + the horizon and warm-up (decided at ``fit`` from the history);
    ``True`` / ``False`` force it.
    missing_dates: see ``MissingDates``. max_train_rows: cap on stacked (row, lead) training examples; beyond
    it each target row is taught fewer leads (chosen at random, every lead equally often), and beyond one
    lead per target a random subset of targets is used. max_quantile_rows: the quantile model (the costly
    one) learns from a random subset of at most that many of the training examples.
    """

    freq: Freq | str = Freq.DAILY
    horizon: int = 14
    quantiles: tuple[float, ...] = (0.1, 0.5, 0.9)
    lags: tuple[int, ...] | None = None
    rolling_windows: tuple[int, ...] | None = None
    seasonal_windows: tuple[int, ...] | None = None
    season_length: int | None = None
    gap: int = 0
    exogenous: tuple[str, ...] | None = None
    static_features: tuple[str, ...] = ()
    hierarchy: tuple[str, ...] = ()
    calendar: bool = True
    annual_calendar: bool | None = None
    week_label: WeekLabel | str = WeekLabel.START
    missing_dates: MissingDates | str = MissingDates.ERROR
    mean_objective: MeanObjective | str = MeanObjective.TWEEDIE
    tweedie_variance_power: float = 1.3
    max_train_rows: int | None = 1_000_000
    max_quantile_rows: int | None = 300_000
    xgb: XGBoostParams = field(default_factory=XGBoostParams)
    seed: int = 0

    def __post_init__(self) -> None:
        set_ = lambda name, value: object.__setattr__(self, name, value)  # noqa: E731 (frozen dataclass)
        for name, enum in (("freq", Freq), ("week_label", WeekLabel), ("missing_dates", MissingDates),
                           ("mean_objective", MeanObjective)):
            value = getattr(self, name)
            try:
                set_(name, enum(value))
            except ValueError:
                choices = ", ".join(repr(e.value) for e in enum)
                raise ForecastConfigError(
                    f"ForecastConfig.{name}={value!r} is not supported; use one of {choices}") from None
        freq = self.freq
        if int(self.horizon) < 1:
            raise ForecastConfigError(f"ForecastConfig.horizon must be >= 1 step, got {self.horizon}")
        if int(self.gap) < 0:
            raise ForecastConfigError(f"ForecastConfig.gap must be >= 0 steps, got {self.gap}")
        set_("horizon", int(self.horizon))
        set_("gap", int(self.gap))
        qs = tuple(sorted({float(q) for q in self.quantiles}))
        if not qs or any(not 0 < q < 1 for q in qs):
            raise ForecastConfigError("ForecastConfig.quantiles must be levels strictly between 0 and 1, "
                                      f"e.g. (0.1, 0.5, 0.9); got {self.quantiles!r}")
        set_("quantiles", qs)
        defaults = _DEFAULTS[freq]
        set_("lags", _int_tuple("lags", defaults["lags"] if self.lags is None else self.lags, 1))
        windows = defaults["rolling_windows"] if self.rolling_windows is None else self.rolling_windows
        set_("rolling_windows", _int_tuple("rolling_windows", windows, 1))
        if not self.rolling_windows:
            raise ForecastConfigError("ForecastConfig.rolling_windows needs at least one window, e.g. (7, 28)")
        seasonal = defaults["seasonal_windows"] if self.seasonal_windows is None else self.seasonal_windows
        set_("seasonal_windows", _int_tuple("seasonal_windows", seasonal, 1))
        season = freq.default_season_length if self.season_length is None else int(self.season_length)
        if season < 1:
            raise ForecastConfigError(f"ForecastConfig.season_length must be >= 1, got {self.season_length}")
        set_("season_length", season)
        if self.exogenous is not None:
            set_("exogenous", tuple(self.exogenous))
        set_("static_features", tuple(self.static_features))
        set_("hierarchy", tuple(self.hierarchy))
        overlap = set(self.static_features) & set(self.hierarchy) | set(self.exogenous or ()) & (
            set(self.static_features) | set(self.hierarchy))
        if overlap:
            raise ForecastConfigError(f"ForecastConfig: columns {sorted(overlap)} are declared twice; a column is "
                                      "either exogenous (varies by date), static_features or hierarchy")
        if not 1.0 < self.tweedie_variance_power < 2.0:
            raise ForecastConfigError("ForecastConfig.tweedie_variance_power must be in (1, 2), e.g. 1.3 "
                                      "(closer to 1 = Poisson-like, closer to 2 = gamma-like)")
        for name in ("max_train_rows", "max_quantile_rows"):
            if getattr(self, name) is not None and getattr(self, name) < 1:
                raise ForecastConfigError(f"ForecastConfig.{name} must be positive or None (no cap)")

    def to_dict(self) -> dict:
        """Plain JSON-able values (enums as their values, tuples as lists); :meth:`from_dict` reverses it."""
        out = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if f.name == "xgb":
                value = asdict(value)
            elif isinstance(value, tuple):
                value = list(value)
            elif hasattr(value, "value"):  # the StrEnums
                value = value.value
            out[f.name] = value
        return out

    @classmethod
    def from_dict(cls, values: dict) -> "ForecastConfig":
        """The config :meth:`to_dict` wrote (unknown keys are refused, so a stale artifact says so)."""
        names = {f.name for f in fields(cls)}
        unknown = sorted(set(values) - names)
        if unknown:
            raise ForecastConfigError(f"ForecastConfig.from_dict: unknown setting(s) {unknown}; the saved model "
                                      "was written by another version of ltvzaiko: retrain it")
        kwargs = dict(values)
        if isinstance(kwargs.get("xgb"), dict):
            kwargs["xgb"] = XGBoostParams(**kwargs["xgb"])
        for name in ("quantiles", "lags", "rolling_windows", "seasonal_windows", "exogenous", "static_features",
                     "hierarchy"):
            if isinstance(kwargs.get(name), list):
                kwargs[name] = tuple(kwargs[name])
        return cls(**kwargs)

    @property
    def leads(self) -> range:
        """Steps from the cutoff that are forecast: ``gap + 1 .. gap + horizon``."""
        return range(self.gap + 1, self.gap + self.horizon + 1)

    @property
    def quantile_columns(self) -> tuple[str, ...]:
        return tuple(quantile_column(q) for q in self.quantiles)


def quantile_column(q: float) -> str:
    """Output column of quantile level ``q``: 0.1 -> ``p10``, 0.975 -> ``p97.5``."""
    return f"p{round(q * 100, 6):g}"


ANNUAL_CALENDAR_MIN_DAYS = 365
"""Days of targets a history needs (beyond the horizon and the warm-up) before month / week-of-year
features are used: one full year, so every month of the forecast window has been a target."""
