"""The declared feature set, shared by training and inference (one code path, like mlforecast).

Every example is a triple *(series, origin, lead)*: the origin is the last step whose demand may be read
(the cutoff), the lead counts steps from the origin to the target date ``t = origin + lead``. ``fit`` makes
the triples from the history (``origin = t - lead`` for every observed target ``t`` and lead
``gap + 1 .. gap + horizon``); ``predict`` makes them from the future table (``origin`` = last history step).
Both then call :meth:`FeatureSpec.build`, which reads demand only at steps ``<= origin`` (enforced by
``_gather``), so nothing from the forecast period can leak in, and with ``gap`` every feature of a target
date ``ds`` uses rows ``< ds - gap`` only.

Features (all computed from *observed* demand: censored days are missing, see ``panel``):

* ``lead``;
* ``lag_<l>``: ``y[t - l]`` if ``l >= lead`` else missing (it would lie after the origin);
* ``last``: demand at the origin;
* ``roll_mean_<w>`` / ``roll_std_<w>``: over the ``w`` steps ending at the origin, observed days only;
  ``censored_share_<w>`` for the longest window (how much of the recent past was stocked out);
* ``seas_mean_<k>``: mean of the last ``k`` known values at the target's season position
  (``t - m * season_length`` for the smallest ``m`` with ``m * season_length >= lead``, then ``m + 1`` ...);
* ``expanding_mean``, ``n_observed``, ``age``: the series' whole observed past, how much of it there is;
* ``grp_<col>_mean_<w>``: mean demand per series of the series' group (hierarchy) over the window ending at
  the origin; this is what a new series with little or no history leans on;
* calendar of the target date (``cal_*``, Japanese holidays, see ``calendar_features``);
* exogenous (known-in-advance) values at the target date, and static per-series attributes.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field, fields, replace

import numpy as np
import pandas as pd
from pandas.api.types import is_bool_dtype, is_numeric_dtype

from .calendar_features import calendar_feature_names, calendar_matrix
from .config import ANNUAL_CALENDAR_MIN_DAYS, ForecastConfig
from .constants import DS_COL, RESERVED_COLUMNS, Freq, WeekLabel
from .errors import ForecastInputError, examples
from .panel import Panel


@dataclass
class DesignRows:
    """The examples to build features for: parallel arrays, one entry per row."""

    series: np.ndarray
    """Panel row of the series, -1 for a series the panel has never seen (a new item)."""
    origin: np.ndarray
    """Grid step of the last demand value that may be read."""
    lead: np.ndarray
    """Steps from the origin to the target date (>= 1)."""
    exogenous: dict[str, np.ndarray] = field(default_factory=dict)
    """Known-in-advance values at the target date."""
    static: dict[str, np.ndarray] = field(default_factory=dict)
    """Static values used for rows whose series is new (ignored for known series)."""
    groups: dict[str, np.ndarray] = field(default_factory=dict)
    """Group codes (panel categories, -1 unknown) used for rows whose series is new."""
    leads_per_target: int = 1
    """Training only: how many leads each observed target was stacked over (its examples weigh 1/k each)."""

    def __len__(self) -> int:
        return len(self.series)


class _ColumnWriter:
    def __init__(self, out: np.ndarray) -> None:
        self.out, self.filled = out, 0

    def append(self, values: np.ndarray) -> None:
        self.out[:, self.filled] = values
        self.filled += 1

    def append_block(self, block: np.ndarray) -> None:
        self.out[:, self.filled:self.filled + block.shape[1]] = block
        self.filled += block.shape[1]


@dataclass(frozen=True)
class FeatureSpec:
    """The whole feature set of a forecaster; resolve it with :meth:`from_config`."""

    freq: Freq
    lags: tuple[int, ...]
    rolling_windows: tuple[int, ...]
    seasonal_windows: tuple[int, ...]
    season_length: int
    exogenous: tuple[str, ...] = ()
    static_features: tuple[str, ...] = ()
    hierarchy: tuple[str, ...] = ()
    calendar: bool = True
    week_label: WeekLabel = WeekLabel.START
    annual_calendar: bool = True
    """Month / week-of-year features (see ``ForecastConfig.annual_calendar``); resolved, never None here."""

    @classmethod
    def from_config(cls, config: ForecastConfig, history: pd.DataFrame) -> "FeatureSpec":
        """Resolve ``exogenous=None`` to every other numeric column of ``history`` and
        ``annual_calendar=None`` from the span of ``history``."""
        declared = set(config.static_features) | set(config.hierarchy)
        missing = [c for c in (*config.static_features, *config.hierarchy, *(config.exogenous or ()))
                   if c not in history.columns]
        if missing:
            raise ForecastInputError(
                f"history lacks the feature column(s) {examples(missing)} named in ForecastConfig; add them or "
                f"remove them from the config (history has {examples(list(history.columns), 12)})")
        if config.exogenous is None:
            exogenous, rejected = [], []
            for c in history.columns:
                if c in RESERVED_COLUMNS or c in declared:
                    continue
                if is_numeric_dtype(history[c]) or is_bool_dtype(history[c]):
                    exogenous.append(c)
                else:
                    rejected.append(c)
            if rejected:
                raise ForecastInputError(
                    f"history has non-numeric column(s) {examples(rejected)}; numeric columns are used as "
                    "known-in-advance features. Drop them, encode them as numbers, declare group labels with "
                    "ForecastConfig(hierarchy=(...)), or list the features explicitly with "
                    "ForecastConfig(exogenous=(...))")
            exogenous = tuple(exogenous)
        else:
            exogenous = config.exogenous
        annual = config.annual_calendar
        if annual is None:
            ds = pd.to_datetime(history[DS_COL]) if len(history) else pd.Series([], dtype="datetime64[ns]")
            annual = annual_calendar_learnable(config, ds.min(), ds.max()) if len(ds) else False
        return cls(freq=config.freq, lags=config.lags, rolling_windows=config.rolling_windows,
                   seasonal_windows=config.seasonal_windows, season_length=config.season_length,
                   exogenous=tuple(exogenous), static_features=config.static_features,
                   hierarchy=config.hierarchy, calendar=config.calendar, week_label=config.week_label,
                   annual_calendar=bool(annual))

    @classmethod
    def declared(cls, config: ForecastConfig) -> "FeatureSpec":
        """The feature set a config declares, without a history; needs ``config.exogenous`` and
        ``config.annual_calendar`` set explicitly (``None`` means "decide from the history", which only a
        history can do)."""
        if config.exogenous is None:
            raise ForecastInputError("FeatureSpec.declared needs ForecastConfig(exogenous=(...)) listed explicitly "
                                     "(use exogenous=() for none); exogenous=None is resolved from a history")
        if config.annual_calendar is None:
            raise ForecastInputError("FeatureSpec.declared needs ForecastConfig(annual_calendar=True/False); None "
                                     "is resolved from the span of a history")
        return cls(freq=config.freq, lags=config.lags, rolling_windows=config.rolling_windows,
                   seasonal_windows=config.seasonal_windows, season_length=config.season_length,
                   exogenous=tuple(config.exogenous), static_features=config.static_features,
                   hierarchy=config.hierarchy, calendar=config.calendar, week_label=config.week_label,
                   annual_calendar=config.annual_calendar)

    def to_dict(self) -> dict:
        return {f.name: (getattr(self, f.name).value if hasattr(getattr(self, f.name), "value")
                         else list(getattr(self, f.name)) if isinstance(getattr(self, f.name), tuple)
                         else getattr(self, f.name)) for f in fields(self)}

    @classmethod
    def from_dict(cls, values: dict) -> "FeatureSpec":
        kwargs = {k: tuple(v) if isinstance(v, list) else v for k, v in values.items()}
        kwargs["freq"], kwargs["week_label"] = Freq(kwargs["freq"]), WeekLabel(kwargs["week_label"])
        return cls(**kwargs)

    @property
    def warmup(self) -> int:
        """First origin step used for training: the longest window is complete for series present from the
        start (later-starting series still give cold-start examples)."""
        return max(self.rolling_windows) - 1

    @property
    def feature_names(self) -> tuple[str, ...]:
        names = ["lead", *(f"lag_{l}" for l in self.lags), "last"]
        for w in self.rolling_windows:
            names += [f"roll_mean_{w}", f"roll_std_{w}"]
        names.append(f"censored_share_{max(self.rolling_windows)}")
        names += [f"seas_mean_{k}" for k in self.seasonal_windows]
        names += ["expanding_mean", "n_observed", "age"]
        for col in self.hierarchy:
            names += [f"grp_{col}_mean_{w}" for w in self.rolling_windows]
        if self.calendar:
            names += calendar_feature_names(self.freq, self.annual_calendar)
        names += list(self.exogenous) + list(self.static_features)
        return tuple(names)

    def build(self, panel: Panel, rows: DesignRows) -> np.ndarray:
        """Feature matrix ``[len(rows), len(feature_names)]`` (float32, NaN = missing)."""
        n = len(rows)
        s, o, lead = (np.asarray(a, dtype=np.int64) for a in (rows.series, rows.origin, rows.lead))
        if n and (lead.min() < 1 or o.max() >= panel.n_steps):
            raise ValueError("internal: design rows need lead >= 1 and an origin inside the history")
        known = s >= 0
        s_safe = np.where(known, s, 0)
        t = o + lead
        out = np.empty((n, len(self.feature_names)), dtype=np.float32)
        cols = _ColumnWriter(out)  # fills ``out`` column by column: no float64 copy of the whole matrix
        cols.append(lead)

        def gather(matrix: np.ndarray, index: np.ndarray, valid: np.ndarray) -> np.ndarray:
            valid = valid & known & (index >= 0)
            if np.any(valid & (index > o)):  # the leakage guard: nothing after the origin may be read
                raise RuntimeError("internal: a feature would read demand after the forecast origin")
            return np.where(valid, matrix[s_safe, np.clip(index, 0, panel.n_steps - 1)], np.nan)

        def window(cum: np.ndarray, w: int) -> np.ndarray:
            lo = np.maximum(o + 1 - w, 0)
            return np.where(known, cum[s_safe, o + 1] - cum[s_safe, lo], 0.0)

        for l in self.lags:
            cols.append(gather(panel.demand, t - l, lead <= l))
        cols.append(gather(panel.demand, o, np.ones(n, dtype=bool)))
        with np.errstate(invalid="ignore", divide="ignore"):
            for w in self.rolling_windows:
                count = window(panel.cum_obs, w)
                mean = window(panel.cum_sum, w) / count
                var = np.maximum(window(panel.cum_sq, w) / count - mean * mean, 0.0)
                cols.append(mean)
                cols.append(np.sqrt(var))
            w = max(self.rolling_windows)
            cols.append(window(panel.cum_censored, w) / window(panel.cum_present, w))
            m0 = -(-lead // self.season_length)  # ceil(lead / season): first season back that is known
            for k in self.seasonal_windows:
                total, count = np.zeros(n), np.zeros(n)
                for j in range(k):
                    v = gather(panel.demand, t - (m0 + j) * self.season_length, np.ones(n, dtype=bool))
                    ok = ~np.isnan(v)
                    total += np.where(ok, v, 0.0)
                    count += ok
                cols.append(total / count)
            n_obs = np.where(known, panel.cum_obs[s_safe, o + 1], 0.0)
            cols.append(np.where(known, panel.cum_sum[s_safe, o + 1], np.nan) / n_obs)
            cols.append(n_obs)
            cols.append(np.where(known, panel.cum_present[s_safe, o + 1], 0.0))
            for col in self.hierarchy:
                codes, _ = panel.groups[col]
                g = np.where(known, codes[s_safe], rows.groups.get(col, np.full(n, -1)))
                g_ok = g >= 0
                g_safe = np.where(g_ok, g, 0)
                sums, counts = panel.group_cum[col]
                for w in self.rolling_windows:
                    lo = np.maximum(o + 1 - w, 0)
                    mean = (sums[g_safe, o + 1] - sums[g_safe, lo]) / (counts[g_safe, o + 1] - counts[g_safe, lo])
                    cols.append(np.where(g_ok, mean, np.nan))
        if self.calendar:
            cols.append_block(calendar_matrix(panel.day_of(t), self.freq, self.week_label, self.annual_calendar))
        for col in self.exogenous:
            cols.append(np.asarray(rows.exogenous[col], dtype=np.float64))
        for col in self.static_features:
            new_values = rows.static.get(col, np.full(n, np.nan))
            cols.append(np.where(known, panel.static[col][s_safe], new_values))
        if cols.filled != out.shape[1]:
            raise RuntimeError("internal: feature names and built columns disagree")
        return out

    def frame(self, panel: Panel, rows: DesignRows) -> pd.DataFrame:
        """:meth:`build` as a readable frame: ``series_id, ds, origin_ds`` then the features (``lead`` first)."""
        s = np.asarray(rows.series)
        ids = np.where(s >= 0, panel.series_ids[np.maximum(s, 0)], None)
        head = pd.DataFrame({"series_id": ids,
                             "ds": pd.to_datetime(panel.day_of(np.asarray(rows.origin) + rows.lead)),
                             "origin_ds": pd.to_datetime(panel.day_of(rows.origin))})
        return pd.concat([head, pd.DataFrame(self.build(panel, rows), columns=self.feature_names)], axis=1)


def annual_calendar_learnable(config: ForecastConfig, first_day, last_day) -> bool:
    """True when a history from ``first_day`` to ``last_day`` holds a full year of training targets
    (``ANNUAL_CALENDAR_MIN_DAYS``) beyond the warm-up, the gap and the horizon: then every month of a
    forecast window has been a target before, and month / week-of-year features can be learnt."""
    if first_day is None or last_day is None or pd.isna(first_day) or pd.isna(last_day):
        return False
    span_days = (pd.Timestamp(last_day) - pd.Timestamp(first_day)).days + 1
    steps = max(config.rolling_windows) - 1 + config.gap + config.horizon
    needed = ANNUAL_CALENDAR_MIN_DAYS + steps * config.freq.step_days
    return span_days >= needed


FEATURE_CODE_VERSION = 1
"""Bump when the meaning of a feature changes in this module (a saved model must then be retrained): it is part
of :func:`feature_set_hash`."""


def feature_set_hash(config: ForecastConfig) -> str:
    """SHA-256 of the declared feature list and the whole config (booster settings included): two models with
    the same hash were built the same way, so a saved model may serve a run whose config hashes the same."""
    declared = config if config.annual_calendar is not None else replace(config, annual_calendar=True)
    payload = {"feature_code_version": FEATURE_CODE_VERSION,  # annual_calendar=None ("decide at fit") is in config
               "features": list(FeatureSpec.declared(declared).feature_names), "config": config.to_dict()}
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode("utf-8")).hexdigest()
