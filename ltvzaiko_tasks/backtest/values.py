"""Item value from customers' value, estimated the way the pipeline does it — from observed history only.

1. Identified customers' transactions (member card, EC account, linked mall account) → BG/NBD +
   Gamma-Gamma (:mod:`ltvzaiko_tasks.ltv`) → each customer's CLV and segment (``score_customers``), with the
   business's measured gross margin rate.
2. Their sales lines + the scores → :func:`ltvzaiko_tasks.portfolio.item_ltv_contribution` at style grain →
   LTV class 高 / 中 / 低 per style (the pipeline's rules and definitions, one place for them) → LTV weight
   (the pipeline's ``LTV_WEIGHT``: 2.5 / 1 / 0.5).
3. A style nobody has bought yet (next season's goods before launch) gets the mean weight of the styles of its
   category and price band (below / above the category's median list price) that have buyers: premium
   customers favour premium styles, and a buyer can see that in last season's figures.
"""
from __future__ import annotations

import warnings
from dataclasses import dataclass
from datetime import timedelta

import numpy as np
import pandas as pd

from ..ltv import BetaGeoModel, GammaGammaModel, LtvConfig, score_customers, summarise_transactions
from ..portfolio import item_ltv_contribution
from .knowledge import RetailerKnowledge
from .observations import RetailerHistory

MIN_REPEAT_CUSTOMERS = 20
MIN_HISTORY_DAYS = 90
"""Below this many days of identified sales the customer models are not fitted (a few weeks of purchases say
little about repeat behaviour) and every item stays average (中)."""


@dataclass(frozen=True)
class ItemValues:
    weight: np.ndarray        # [style] LTV weight
    ltv_class: np.ndarray     # [style] 高 / 中 / 低 (styles without buyers: from their weight)
    status: str               # "scored" or why not
    customers: int = 0


def neutral_values(k: RetailerKnowledge, status: str) -> ItemValues:
    return ItemValues(np.ones(k.n_styles), np.full(k.n_styles, "中", dtype=object), status)


def estimate_item_values(history: RetailerHistory, day: int, ltv_weight, window_days: int = 365) -> ItemValues:
    k = history.knowledge
    rows = history.identified_lines(day)
    rows = rows[rows[:, 1] > day - window_days]
    if len(rows) == 0:
        return neutral_values(k, "no_identified_sales")
    if day - rows[:, 1].min() + 1 < MIN_HISTORY_DAYS:
        return neutral_values(k, "too_little_history")
    start = pd.Timestamp(k.start)
    lines = pd.DataFrame({
        "customer_key": rows[:, 0].astype(np.int64).astype(str),
        "sales_date": start + pd.to_timedelta(rows[:, 1].astype(np.int64), unit="D"),
        "sku_id": k.style_code[rows[:, 2].astype(np.int64)],
        "net_sales_jpy": rows[:, 3], "gross_profit_jpy": rows[:, 4], "units": rows[:, 5],
    })
    as_of = start + timedelta(days=int(day))
    daily = lines.groupby(["customer_key", "sales_date"], as_index=False)[["net_sales_jpy", "gross_profit_jpy"]].sum()
    daily = daily[daily["net_sales_jpy"] > 0]
    net, gp = float(daily["net_sales_jpy"].sum()), float(daily["gross_profit_jpy"].sum())
    margin = min(max(gp / net, 0.0), 1.0) if net > 0 else 0.5
    config = LtvConfig()
    summary = summarise_transactions(daily, "customer_key", "sales_date", "net_sales_jpy", as_of, config.time_unit)
    if int((summary["frequency"] > 0).sum()) < MIN_REPEAT_CUSTOMERS:
        return neutral_values(k, "too_few_repeat_customers")
    try:
        with warnings.catch_warnings():     # a not-quite-converged optimiser is reported by the fit, not here
            warnings.simplefilter("ignore", RuntimeWarning)
            bg = BetaGeoModel().fit(summary["frequency"], summary["recency"], summary["T"])
            gg = GammaGammaModel().fit(summary["frequency"], summary["monetary_value"])
        scores = score_customers(summary, bg, gg, config, margin=margin)
        items = item_ltv_contribution(lines, scores[["clv", "segment"]], as_of=as_of)
    except (ValueError, RuntimeError, FloatingPointError) as exc:   # a model that does not fit: stay neutral
        return neutral_values(k, f"fit_failed: {exc}")
    code_index = pd.Index(k.style_code)
    pos = code_index.get_indexer(items.index)
    cls = np.full(k.n_styles, "", dtype=object)
    cls[pos[pos >= 0]] = items["ltv_class"].to_numpy()[pos >= 0]
    weight = np.array([ltv_weight.get(c, np.nan) for c in cls], dtype=float)
    weight = _attribute_prior(k, weight)
    classes = np.where(cls == "", _class_of_weight(weight, ltv_weight), cls).astype(object)
    return ItemValues(weight, classes, "scored", len(summary))


def _attribute_prior(k: RetailerKnowledge, weight: np.ndarray) -> np.ndarray:
    """Fill styles without buyers with the mean weight of their category × price band."""
    out = weight.copy()
    band = np.zeros(k.n_styles, dtype=np.int64)
    for c in np.unique(k.category):
        m = k.category == c
        band[m] = (k.list_price[m] > np.median(k.list_price[m])).astype(np.int64)
    known = ~np.isnan(weight)
    for c in np.unique(k.category):
        for b in (0, 1):
            grp = (k.category == c) & (band == b)
            ref = grp & known
            fill = grp & ~known
            if fill.any():
                out[fill] = weight[ref].mean() if ref.any() else (np.nanmean(weight[k.category == c])
                                                                  if (known & (k.category == c)).any() else 1.0)
    return np.nan_to_num(out, nan=1.0)


def _class_of_weight(weight: np.ndarray, ltv_weight) -> np.ndarray:
    labels = list(ltv_weight)
    values = np.array([ltv_weight[c] for c in labels])
    nearest = np.abs(np.log(np.maximum(weight, 1e-9))[:, None] - np.log(values)[None, :]).argmin(axis=1)
    return np.array(labels, dtype=object)[nearest]
