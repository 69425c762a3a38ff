"""Accuracy of a backtest by horizon and by segment, in the long shape an accuracy mart stores.

:func:`segmented_accuracy` reads the tidy frame of :func:`~.backtest.rolling_origin_backtest` and returns one
row per model × segment × horizon bucket with WAPE, bias, MASE and p10–p90 coverage (see :mod:`.metrics` for
the equations). Segments are labels per series (e.g. item type staple / seasonal, LTV class 高 / 中 / 低);
every breakdown also comes as ``all``, so the overall figure is one filter away::

    acc = segmented_accuracy(bt, ["xgboost", "seasonal_naive"], train=history,
                             segments=items[["series_id", "item_type", "ltv_class"]])
    acc.query("segment_type == 'all' and horizon_bucket == 'all'")
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .constants import DS_COL, ID_COL, Y_COL, Freq
from .metrics import _models, scaled_errors

ALL = "all"
UNKNOWN = "unknown"
ACCURACY_KEYS = ("model", "segment_type", "segment", "horizon_bucket")


def horizon_buckets(lead, width: int = 7, horizon: int | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Buckets of ``width`` steps: lead 1..7 -> ``"1-7"``, 8..14 -> ``"8-14"`` ... (the last one ends at
    ``horizon`` when given). Returns (label, first lead, last lead) per row."""
    lead = np.asarray(lead, dtype=np.int64)
    if width < 1:
        raise ValueError("horizon bucket width must be >= 1 step, e.g. 7")
    lo = (lead - 1) // width * width + 1
    hi = lo + width - 1
    if horizon is not None:
        hi = np.minimum(hi, horizon)
    labels = np.char.add(np.char.add(lo.astype(str), "-"), hi.astype(str)).astype(object)
    return labels, lo, hi


def segmented_accuracy(backtest: pd.DataFrame, models=None, *, train: pd.DataFrame,
                       segments: pd.DataFrame | None = None, season_length: int = 7,
                       freq: Freq | str = Freq.DAILY, bucket_width: int = 7, horizon: int | None = None,
                       intervals: dict[str, tuple[str, str]] | None = None,
                       interval_steps: int | None = 14) -> pd.DataFrame:
    """WAPE, bias, MASE and interval coverage per model, by horizon bucket and by segment.

    backtest: ``series_id, ds, cutoff, y`` and one column per model (``rolling_origin_backtest``'s output).
    train: the history the backtest came from (MASE scales: each series' in-sample seasonal-naive error up
    to the row's cutoff). segments: ``series_id`` and one column per segmentation (``item_type``,
    ``ltv_class``, ...); series without a label are ``"unknown"``. horizon: the forecast horizon in steps (the
    last bucket ends there). intervals: ``{model: (lower column, upper column)}``; by default
    ``<model>_p10`` / ``<model>_p90`` when present. interval_steps: also score each series' demand summed over
    consecutive blocks of that many steps of each window (``wape_interval``: what an order covering that
    many days sees; on rows with ``horizon_bucket == "all"`` only, NaN elsewhere; None: not computed).

    Returns ``model, segment_type, segment, horizon_bucket, horizon_from, horizon_to, series, windows,
    actual_units, wape, bias, mase, p10_p90_coverage, wape_interval``: ``segment_type`` is ``"all"`` or a
    segments column, ``horizon_bucket`` ``"all"`` or e.g. ``"8-14"`` (``horizon_from`` / ``horizon_to``: its
    leads).
    """
    models = _models(backtest, models)
    df = backtest.reset_index(drop=True)
    step_days = Freq(freq).step_days
    lead = ((pd.to_datetime(df[DS_COL]) - pd.to_datetime(df["cutoff"])).dt.days // step_days).to_numpy()
    horizon = int(horizon or (lead.max() if len(lead) else 1))
    label, lo, hi = horizon_buckets(lead, bucket_width, horizon)
    seg_cols = []
    if segments is not None and len(segments.columns) > 1:
        seg_cols = [c for c in segments.columns if c != ID_COL]
        labels = segments.drop_duplicates(ID_COL).set_index(ID_COL)[seg_cols]
        for c in seg_cols:
            df[f"__seg_{c}"] = df[ID_COL].map(labels[c]).astype(object).fillna(UNKNOWN).astype(str).to_numpy()
    df["__seg_all"] = ALL
    df["__h"], df["__h_lo"], df["__h_hi"] = label, lo, hi
    df["__h_all"] = ALL
    intervals = intervals if intervals is not None else {
        m: (f"{m}_p10", f"{m}_p90") for m in models if {f"{m}_p10", f"{m}_p90"} <= set(df.columns)}

    y = df[Y_COL].to_numpy(float)
    parts = pd.DataFrame({"__y": y, "__abs_y": np.abs(y)}, index=df.index)
    for m in models:
        e = df[m].to_numpy(float) - y
        parts[f"{m}__abs"], parts[f"{m}__err"] = np.abs(e), e
    for m, (lower, upper) in intervals.items():
        parts[f"{m}__in"] = ((y >= df[lower].to_numpy(float)) & (y <= df[upper].to_numpy(float))).astype(float)
    scaled = scaled_errors(df, models, train=train, season_length=season_length, freq=freq)
    block = (lead - 1) // interval_steps if interval_steps else None

    rows = []
    for seg_type, seg_col in [(ALL, "__seg_all")] + [(c, f"__seg_{c}") for c in seg_cols]:
        for h_col in ("__h_all", "__h"):
            keys = [df[seg_col], df[h_col]]
            sums = parts.groupby(keys).sum()
            counts = df.groupby(keys).agg(series=(ID_COL, "nunique"), windows=("cutoff", "nunique"),
                                          rows=(ID_COL, "size"))
            # MASE: mean scaled error per (series, cutoff) within the group, then the mean over them
            per_series = scaled.drop(columns="__key").groupby([scaled["__key"], *keys]).mean()
            mase = per_series.groupby(level=[1, 2]).mean()
            if h_col == "__h":
                span = df.groupby(keys).agg(h_lo=("__h_lo", "min"), h_hi=("__h_hi", "max"))
            interval = None
            if block is not None and h_col == "__h_all":  # sums per series × window × block, then WAPE
                sums_b = df[[Y_COL, *models]].astype(float).groupby(
                    [df[seg_col], df[ID_COL], df["cutoff"], block]).sum()
                err = sums_b[models].sub(sums_b[Y_COL], axis=0).abs()
                err[Y_COL] = sums_b[Y_COL].abs()
                interval = err.groupby(level=0).sum()
            for (segment, bucket), s in sums.iterrows():
                den = s["__abs_y"]
                n = counts.loc[(segment, bucket)]
                h_from, h_to = (1, horizon) if h_col == "__h_all" else tuple(span.loc[(segment, bucket)])
                for m in models:
                    cover = (s[f"{m}__in"] / n["rows"]) if m in intervals else np.nan
                    rows.append({
                        "model": m, "segment_type": seg_type, "segment": str(segment),
                        "horizon_bucket": str(bucket), "horizon_from": int(h_from), "horizon_to": int(h_to),
                        "series": int(n["series"]), "windows": int(n["windows"]), "actual_units": float(s["__y"]),
                        "wape": s[f"{m}__abs"] / den if den > 0 else np.nan,
                        "bias": s[f"{m}__err"] / den if den > 0 else np.nan,
                        "mase": float(mase.loc[(segment, bucket), m]) if (segment, bucket) in mase.index else np.nan,
                        "p10_p90_coverage": cover,
                        "wape_interval": (interval.loc[segment, m] / interval.loc[segment, Y_COL]
                                          if interval is not None and segment in interval.index
                                          and interval.loc[segment, Y_COL] > 0 else np.nan),
                    })
    out = pd.DataFrame(rows)
    order = {m: i for i, m in enumerate(models)}
    out["__m"] = out["model"].map(order)
    out["__t"] = out["segment_type"].map(lambda t: 0 if t == ALL else 1 + seg_cols.index(t))
    out["__h"] = out["horizon_bucket"].eq(ALL).map({True: 0, False: 1})
    out = out.sort_values(["__m", "__t", "segment", "__h", "horizon_from"], kind="stable")
    return out.drop(columns=["__m", "__t", "__h"]).reset_index(drop=True)
