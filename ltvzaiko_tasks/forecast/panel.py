"""The history as dense ``series x step`` matrices, so that every feature is a vectorised gather.

Retail series are regular (one row per day or week), so a dense grid costs little (3,000 series x 730 days
is 2.2 M cells per matrix) and turns lags, rolling windows and group means into numpy indexing on
cumulative sums instead of per-series Python loops.

Censoring: a censored cell is *present* (the series existed that day) but *not observed*: ``demand`` is NaN
there, exactly as before the series started. Every feature reads ``demand`` (lags are then missing, rolling
means average the observed days only) and training targets are taken from observed cells only.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .constants import DS_COL, ID_COL, Freq, MissingDates
from .errors import ForecastInputError, examples
from .validation import check_unique_keys, numeric_column, target_and_censoring, to_days


def _cumulative(values: np.ndarray, dtype=np.float64) -> np.ndarray:
    """Cumulative sums along time with a leading zero column: ``out[:, k] = values[:, :k].sum(1)``.

    Day counts are exact in float32 (up to 16.7 M steps) and take half the memory of float64; demand sums
    stay float64 so that window differences of long cumulative sums keep their precision."""
    out = np.zeros((values.shape[0], values.shape[1] + 1), dtype=dtype)
    np.cumsum(values, axis=1, out=out[:, 1:], dtype=dtype)
    return out


@dataclass
class Panel:
    series_ids: np.ndarray
    start: np.datetime64
    step_days: int
    demand: np.ndarray
    """``[S, T]`` observed demand; NaN where the series had no row yet / any more, or the day was censored."""
    present: np.ndarray
    censored: np.ndarray
    exogenous: dict[str, np.ndarray] = field(default_factory=dict)
    static: dict[str, np.ndarray] = field(default_factory=dict)
    groups: dict[str, tuple[np.ndarray, pd.Index]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        observed = ~np.isnan(self.demand)
        filled = np.where(observed, self.demand, 0.0)
        self.cum_sum = _cumulative(filled)
        self.cum_obs = _cumulative(observed, np.float32)
        self.cum_present = _cumulative(self.present, np.float32)
        self.cum_censored = _cumulative(self.censored, np.float32)
        self.group_cum: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        for col, (codes, cats) in self.groups.items():
            sums = np.zeros((len(cats), self.n_steps))
            counts = np.zeros((len(cats), self.n_steps))
            np.add.at(sums, codes, filled)
            np.add.at(counts, codes, observed.astype(np.float64))
            self.group_cum[col] = (_cumulative(sums), _cumulative(counts))
        np.multiply(filled, filled, out=filled)  # squared in place, last: one dense temporary, not two
        self.cum_sq = _cumulative(filled)

    @property
    def n_series(self) -> int:
        return self.demand.shape[0]

    @property
    def n_steps(self) -> int:
        return self.demand.shape[1]

    @property
    def last_day(self) -> np.datetime64:
        return self.day_of(self.n_steps - 1)

    def day_of(self, index) -> np.ndarray:
        return self.start + np.asarray(index, dtype=np.int64) * self.step_days

    def series_index(self, ids) -> np.ndarray:
        """Row of each id in the panel, -1 for series the panel has never seen."""
        return pd.Index(self.series_ids).get_indexer(pd.Index(ids))


def build_panel(history: pd.DataFrame, *, freq: Freq, missing_dates: MissingDates, exogenous=(),
                static_features=(), hierarchy=(), what: str = "history") -> Panel:
    """Validate a long history table and lay it out on the dense grid."""
    if len(history) == 0:
        raise ForecastInputError(f"{what} is empty; fit needs at least one row per series")
    days = to_days(history[DS_COL], freq, what)
    y, censored = target_and_censoring(history, what)
    codes, ids = pd.factorize(history[ID_COL], sort=True)
    if (codes < 0).any():
        raise ForecastInputError(f"{what}: {int((codes < 0).sum())} row(s) have no {ID_COL!r}; drop or fill them")
    ids = np.asarray(ids, dtype=object)
    step = freq.step_days
    start = days.min()
    col = ((days - start).astype(np.int64)) // step
    n_series, n_steps = len(ids), int(col.max()) + 1
    # one row per (series, step): counted on the dense grid (a hash of millions of key pairs costs far more)
    if np.bincount(codes.astype(np.int64) * n_steps + col, minlength=n_series * n_steps).max() > 1:
        check_unique_keys(codes, days, ids[codes], what)  # says which pairs repeat

    present = np.zeros((n_series, n_steps), dtype=bool)
    present[codes, col] = True
    cens = np.zeros((n_series, n_steps), dtype=bool)
    cens[codes, col] = censored
    demand = np.full((n_series, n_steps), np.nan)
    demand[codes, col] = np.where(censored, np.nan, y)

    first = np.full(n_series, n_steps, dtype=np.int64)
    last = np.full(n_series, -1, dtype=np.int64)
    np.minimum.at(first, codes, col)
    np.maximum.at(last, codes, col)
    steps = np.arange(n_steps)
    in_span = (steps[None, :] >= first[:, None]) & (steps[None, :] <= last[:, None])
    holes = in_span & ~present
    if holes.any():
        if missing_dates is MissingDates.ERROR:
            rows = np.flatnonzero(holes.any(axis=1))
            s0 = rows[0]
            missing_days = [str(d) for d in start + np.flatnonzero(holes[s0])[:3] * step]
            raise ForecastInputError(
                f"{what}: {len(rows)} series have missing dates inside their span (not a regular "
                f"freq={freq.value!r} grid), e.g. series {ids[s0]!r} has no row for {examples(missing_days)}; "
                "add the rows (y=0 for days without sales, censored=True for stock-outs), or say what a missing row "
                "means with ForecastConfig(missing_dates='zero') or ForecastConfig(missing_dates='censored')")
        present |= holes
        if missing_dates is MissingDates.ZERO:
            demand[holes] = 0.0
        else:
            cens |= holes

    del days, y, censored, in_span, holes, first, last, steps  # the row-level arrays are large: keep only the grids
    exo = {}
    for name in exogenous:
        values = numeric_column(history, name, what, "exogenous feature")
        grid = np.full((n_series, n_steps), np.nan, dtype=np.float32)  # the feature matrix is float32 anyway
        grid[codes, col] = values
        exo[name] = grid
    static = {name: _per_series(numeric_column(history, name, what, "static feature"), codes, n_series, name, ids, what)
              for name in static_features}
    groups = {}
    for name in hierarchy:
        labels = history[name]
        if labels.isna().any():
            raise ForecastInputError(f"{what}: hierarchy column {name!r} has missing labels; fill them "
                                     "(e.g. 'unknown') so every series belongs to a group")
        label_codes, cats = pd.factorize(labels, sort=True)
        per_series = _per_series(label_codes.astype(np.float64), codes, n_series, name, ids, what)
        groups[name] = (per_series.astype(np.int64), pd.Index(cats))
    del codes, col
    return Panel(ids, start, step, demand, present, cens, exo, static, groups)


def _per_series(values: np.ndarray, codes: np.ndarray, n_series: int, name: str, ids, what: str) -> np.ndarray:
    """One value per series for a column that must be constant within a series (NaN ignored)."""
    frame = pd.DataFrame({"c": codes, "v": values})
    g = frame.groupby("c")["v"]
    if (g.nunique() > 1).any():
        bad = ids[(g.nunique() > 1).to_numpy().nonzero()[0][:3]]
        raise ForecastInputError(
            f"{what}: column {name!r} is declared per-series (static_features / hierarchy) but changes over time "
            f"for series {examples(list(bad))}; make it constant per series or declare it as an exogenous feature")
    out = np.full(n_series, np.nan)
    first = g.first()
    out[first.index.to_numpy()] = first.to_numpy()
    return out
