"""Rolling-origin backtest returning a tidy frame that the metric functions read directly."""
from __future__ import annotations

from collections.abc import Callable, Mapping

import numpy as np
import pandas as pd

from .constants import CENSORED_COL, DS_COL, ID_COL, Y_COL, Freq
from .errors import ForecastInputError
from .validation import require_columns, to_days

Factory = Callable[[], object]


def _factories(forecaster_factory) -> list[tuple[str | None, Factory]]:
    if isinstance(forecaster_factory, Mapping):
        return [(str(name), f) for name, f in forecaster_factory.items()]
    if callable(forecaster_factory):
        return [(None, forecaster_factory)]
    return [(None, f) for f in forecaster_factory]


def cutoffs_for(last_day: np.datetime64, n_windows: int, horizon: int, step: int, gap: int,
                step_days: int) -> list[np.datetime64]:
    """Cutoffs (last training date) of each window, oldest first; the last window ends on ``last_day``."""
    last_cutoff = last_day - (gap + horizon) * step_days
    return [last_cutoff - (n_windows - 1 - i) * step * step_days for i in range(n_windows)]


def rolling_origin_backtest(forecaster_factory, history: pd.DataFrame, n_windows: int, horizon: int,
                            step: int, *, gap: int | None = None, freq: Freq | str | None = None,
                            drop_censored: bool = True, refit_every: int | None = 1,
                            future_known: Callable[[pd.DataFrame, pd.DataFrame], pd.DataFrame] | None = None
                            ) -> pd.DataFrame:
    """Fit fresh forecasters on ``history`` up to each cutoff and forecast the next window.

    forecaster_factory: a zero-argument callable returning an unfitted forecaster (``fit``/``predict``,
    ``name``), a list of them, or a ``{name: factory}`` mapping. n_windows / horizon / step: number of
    windows, steps forecast per window, steps between consecutive cutoffs. gap: steps between a cutoff and
    its first forecast date (default: the largest ``gap`` of the forecasters, so a model with a
    stock-preparation week is scored on what it can actually know).

    refit_every: fit a fresh forecaster every ``refit_every`` windows (1, the default: at every cutoff; None:
    once, at the oldest cutoff). In between, the forecaster fitted at an earlier cutoff is re-pointed at the
    history up to the current cutoff with ``update(history)`` (its lags and windows move, nothing is learnt),
    which replays a schedule such as "retrain weekly, forecast daily" without leaking: a model only ever
    learnt from rows before the cutoffs it is scored at.

    future_known: ``f(future, train) -> future``, what of the window's features was known at the cutoff. By
    default the window's own feature values are used (right for calendars and announced promotions); give a
    function when some feature is only known as of the cutoff in production (e.g. a price carried forward).

    Returns ``series_id, ds, cutoff, y`` and per model ``<name>`` (its mean) plus ``<name>_p10`` ... for
    the quantiles it outputs. Forecasters only ever see rows with ``ds <= cutoff``; the future they get holds
    the window's known-in-advance columns without ``y`` / ``censored``. Rows with ``censored=True`` are left
    out of the result by default (their ``y`` is not demand, so they cannot score a forecast).
    """
    require_columns(history, (ID_COL, DS_COL, Y_COL), "history")
    if n_windows < 1 or horizon < 1 or step < 1:
        raise ForecastInputError("rolling_origin_backtest: n_windows, horizon and step must all be >= 1")
    if refit_every is not None and refit_every < 1:
        raise ForecastInputError("rolling_origin_backtest: refit_every must be >= 1 window, or None (fit once)")
    named = _factories(forecaster_factory)
    if not named:
        raise ForecastInputError("rolling_origin_backtest: give at least one forecaster factory")
    probes = [f() for _, f in named]
    names = [name or getattr(p, "name", None) or type(p).__name__.lower() for (name, _), p in zip(named, probes)]
    if len(set(names)) != len(names):
        raise ForecastInputError(f"rolling_origin_backtest: model names {names} repeat; pass a mapping "
                                 "{name: factory} to name them apart")
    freq = Freq(freq or getattr(probes[0], "freq", Freq.DAILY))
    gap = max(int(getattr(p, "gap", 0)) for p in probes) if gap is None else int(gap)
    days = to_days(history[DS_COL], freq, "history")
    sd = freq.step_days
    cutoffs = cutoffs_for(days.max(), n_windows, horizon, step, gap, sd)
    if cutoffs[0] < days.min():
        raise ForecastInputError(
            f"rolling_origin_backtest: the first cutoff ({cutoffs[0]}) is before the history starts ({days.min()}); "
            "use fewer windows, a smaller step or horizon, or a longer history")
    ds_dtype = history[DS_COL].dtype
    cutoff_dtype = ds_dtype if pd.api.types.is_datetime64_dtype(ds_dtype) else "datetime64[ns]"
    frames = []
    models: list[object | None] = [None] * len(named)
    by_day = bool(len(days) and np.all(days[1:] >= days[:-1]))
    for i, cutoff in enumerate(cutoffs):
        refit = i == 0 if refit_every is None else i % refit_every == 0
        if by_day:  # sorted by date: the training rows are a slice (no copy of a large history)
            train = history.iloc[:int(np.searchsorted(days, cutoff, side="right"))]
            lo, hi = (int(np.searchsorted(days, d, side="right")) for d in (cutoff + gap * sd,
                                                                            cutoff + (gap + horizon) * sd))
            window = history.iloc[lo:hi]
        else:
            train = history[days <= cutoff]
            in_window = (days > cutoff + gap * sd) & (days <= cutoff + (gap + horizon) * sd)
            window = history[in_window]
        future = window.drop(columns=[c for c in (Y_COL, CENSORED_COL) if c in window.columns])
        if future_known is not None:
            future = future_known(future, train)
        keep = [c for c in (ID_COL, DS_COL, Y_COL, CENSORED_COL) if c in window.columns]
        out = window[keep].reset_index(drop=True)
        out.insert(2, "cutoff", pd.Series(pd.Timestamp(cutoff), index=out.index).astype(cutoff_dtype))
        for j, ((_, factory), name) in enumerate(zip(named, names)):
            models[j] = factory().fit(train) if refit or models[j] is None else models[j].update(train)
            pred = models[j].predict(future)
            release = getattr(models[j], "release_history", None)
            if release is not None:  # its history is rebuilt at the next cutoff: do not hold two at once
                release()
            cols = {c: (name if c == "mean" else f"{name}_{c}") for c in pred.columns if c not in (ID_COL, DS_COL)}
            out = out.merge(pred.rename(columns=cols), on=[ID_COL, DS_COL], how="left", validate="one_to_one")
        frames.append(out)
        del train, window, future, pred
    result = pd.concat(frames, ignore_index=True)
    if CENSORED_COL in result.columns:
        if drop_censored:
            result = result[~result[CENSORED_COL].astype(bool)]
        result = result.drop(columns=CENSORED_COL)
    return result.sort_values(["cutoff", ID_COL, DS_COL], kind="stable").reset_index(drop=True)
