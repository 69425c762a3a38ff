"""Item LTV contribution (商品のLTV貢献度, SPEC §6.2): how much customer value an item carries.

An item's value is the value of the customers it serves and creates. From sales lines and customer CLV
scores (:func:`ltvzaiko_tasks.ltv.score_customers`), per item (SKU or style, 商品番号):

* **CLV-weighted revenue share** (``clv_contribution_jpy``, ``clv_share``). Each buyer's CLV (顧客生涯価値:
  discounted expected gross margin of the next 12 months) is split over the items they bought in
  proportion to each item's share of that buyer's net sales in the lines given; an item's contribution
  is the sum over its buyers:

  .. math::

      \\mathrm{contribution}_i = \\sum_c \\mathrm{CLV}_c \\cdot
          \\frac{\\max(0, \\mathrm{net}_{c,i})}{\\sum_j \\max(0, \\mathrm{net}_{c,j})}

  so the contributions of all items add up exactly to the total CLV of the buyers, and ``clv_share`` is
  the item's part of that total. A customer's returns reduce their net sales of the item (net <= 0: not
  a buyer of it).
* **Share of high-LTV buyers** (高LTV顧客比率): buyers in the ``high`` CLV segment / buyers, and its
  ``lift`` against the same share of the **buyer-weighted average item** (1.0 = an average item's buyers):

  .. math::

      \\mathrm{lift}_i = \\frac{H_i / B_i}{\\sum_j H_j / \\sum_j B_j}

  with :math:`H_i` the item's high-LTV buyers and :math:`B_i` its buyers. Not against the share of high-LTV
  customers among all customers: high-LTV customers buy many more items than the others (that is part of
  why they are worth more), so nearly every item's buyers would be "enriched" by that measure and nearly
  every item would pass the lift rule (55 of 61 styles 高 in the backtest's small world). Against the average
  item, the lift says what the rule means: this item's buyers are more valuable than the buyers of the
  typical item. The baseline is per grain (SKU lifts against the average SKU, styles against the average
  style).
* **Repeat rate of its buyers** (リピート率): of the buyers whose first purchase of the item is at least
  ``repeat_window_days`` before the as-of date, the share who bought again (anything, on a later day)
  within that window. Measured only on buyers who had the full window to come back, so new items are not
  penalised.
* **Gateway repeat rate** (初回購入→リピート率, "the customers it creates"): of the customers whose *first
  purchase with the retailer* included the item (``gateway_buyers``), the share who came back within the
  window, and its lift against all new customers.

Classes 高 / 中 / 低 (:class:`ItemLtvConfig`, every threshold explicit) — an item is **高** when any of

1. it is in the head of the CLV-contribution Pareto curve: the items that, ranked by contribution, make
   up the first ``high_cumulative_share`` (default 50 %) of all customer value (ABC analysis);
2. it has at least ``min_buyers`` buyers and its high-LTV buyer lift is >= ``high_lift`` (default 1.5);
3. it has at least ``min_buyers`` mature gateway buyers and their repeat-rate lift is >= ``high_lift``;

**中** when not 高 and any of the same with ``mid_cumulative_share`` (80 %) and ``mid_lift`` (1.2); **低**
otherwise. ``ltv_class_reason`` names the criteria that placed it. Raising a lift threshold or lowering a
cumulative share can only move items down, never up.

Definitions are ours (SPEC §6.2 names the measures, not the formulas) and written in ``docs/ltv.md``.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ._frames import as_date, day_number, day_numbers, numeric, require_columns, safe_ratio

CLASS_CRITERIA = ("clv_share", "high_ltv_buyers", "gateway_repeat")
"""Names used in ``ltv_class_reason``, in the order of the rules above."""

_NO_DAY = np.iinfo(np.int64).max // 4


@dataclass(frozen=True)
class ItemLtvConfig:
    """Thresholds of the item LTV classes 高 / 中 / 低 (SPEC §6.2).

    Attributes:
        high_cumulative_share: items making up the first this-much of all attributed customer value (ranked
            by contribution, largest first) are 高 (default 0.5).
        mid_cumulative_share: ... and up to this much, 中 (default 0.8). ``0 <= high <= mid <= 1``.
        high_lift: a high-LTV-buyer lift or a gateway-repeat lift at or above this makes an item 高 (1.5).
        mid_lift: ... at or above this, 中 (1.2). ``0 < mid_lift <= high_lift``.
        min_buyers: buyers (resp. mature gateway buyers) an item needs before its lift counts (30): rates
            of a handful of buyers are noise.
        repeat_window_days: a repeat purchase counts when it is at most this many days after the purchase
            (180); only buyers who had the whole window before the as-of date are measured. ``None``: any
            later purchase up to the as-of date counts and every buyer is measured.
        high_segment: the customer segment label counted as high-LTV (``"high"``, as in
            :class:`~ltvzaiko_tasks.ltv.LtvConfig`).
        class_labels: labels best first (``("高", "中", "低")``).
    """

    high_cumulative_share: float = 0.5
    mid_cumulative_share: float = 0.8
    high_lift: float = 1.5
    mid_lift: float = 1.2
    min_buyers: int = 30
    repeat_window_days: int | None = 180
    high_segment: str = "high"
    class_labels: tuple[str, str, str] = ("高", "中", "低")

    def __post_init__(self) -> None:
        if not 0.0 <= self.high_cumulative_share <= self.mid_cumulative_share <= 1.0:
            raise ValueError("need 0 <= high_cumulative_share <= mid_cumulative_share <= 1, got "
                             f"{self.high_cumulative_share!r}, {self.mid_cumulative_share!r}")
        if not 0.0 < self.mid_lift <= self.high_lift:
            raise ValueError(f"need 0 < mid_lift <= high_lift, got {self.mid_lift!r}, {self.high_lift!r}")
        if int(self.min_buyers) != self.min_buyers or self.min_buyers < 1:
            raise ValueError(f"min_buyers must be a whole number >= 1, got {self.min_buyers!r}")
        if self.repeat_window_days is not None and (int(self.repeat_window_days) != self.repeat_window_days
                                                    or self.repeat_window_days < 1):
            raise ValueError(f"repeat_window_days must be a whole number of days >= 1 or None, "
                             f"got {self.repeat_window_days!r}")
        labels = tuple(str(v) for v in self.class_labels)
        if len(labels) != 3 or len(set(labels)) != 3:
            raise ValueError(f"class_labels must be three distinct labels, best first, got {self.class_labels!r}")
        object.__setattr__(self, "class_labels", labels)


def item_ltv_contribution(lines: pd.DataFrame, customer_scores: pd.DataFrame,
                          config: ItemLtvConfig | None = None, *,
                          item_col: str = "sku_id", customer_col: str = "customer_key",
                          date_col: str = "sales_date", net_sales_col: str = "net_sales_jpy",
                          gross_profit_col: str | None = "gross_profit_jpy", units_col: str | None = "units",
                          clv_col: str = "clv", segment_col: str = "segment", as_of: Any = None,
                          first_purchase_dates: pd.Series | None = None) -> pd.DataFrame:
    """Customer value carried by each item, and its class 高 / 中 / 低.

    Args:
        lines: sales lines (receipt or order lines, or daily customer × item aggregates), identified and
            anonymous: ``customer_col`` (missing = anonymous; counted in sales, never in customer measures),
            ``item_col``, ``date_col``, ``net_sales_col`` (returns negative), optionally ``gross_profit_col``
            and ``units_col`` (pass ``None`` when absent). Give the look-back you want value attributed over
            (e.g. the last 12 months) plus, for repeat and gateway rates, the history before it.
        customer_scores: one row per customer, indexed by the customer key: ``clv_col`` (CLV, JPY) and
            ``segment_col`` (e.g. :func:`~ltvzaiko_tasks.ltv.score_customers`'s output). Buyers without a
            score count with CLV 0 and not high (``totals["unscored_buyers"]``).
        config: class thresholds and repeat window (default :class:`ItemLtvConfig()`).
        as_of: last day counted, inclusive; lines after it are ignored. Default: the last line's day.
        first_purchase_dates: a customer's first purchase date with the retailer (Series indexed by customer
            key, e.g. the customer master's first-seen date) when ``lines`` do not reach back to it; default:
            the customer's first purchase day in ``lines``.

    Returns:
        DataFrame indexed by item (sorted), columns: ``net_sales_jpy``, ``identified_net_sales_jpy``,
        ``anonymous_sales_share``, [``gross_profit_jpy``, ``gross_margin_rate``], [``units``], ``buyers``,
        ``clv_of_buyers_jpy`` (sum of the buyers' whole CLV: not additive over items),
        ``clv_contribution_jpy``, ``clv_share``, ``clv_rank`` (1 = largest), ``clv_cumulative_share``,
        ``high_ltv_buyers``, ``high_ltv_buyer_share``, ``high_ltv_buyer_lift``, ``repeat_eligible_buyers``,
        ``repeat_buyers``, ``repeat_rate``, ``gateway_buyers``, ``gateway_eligible_buyers``,
        ``gateway_repeat_buyers``, ``gateway_repeat_rate``, ``gateway_repeat_lift``, ``ltv_class``,
        ``ltv_class_reason``. Rates are NaN where nobody was measured. ``.attrs["totals"]`` holds the
        totals (anonymous share of sales, buyers, CLV of buyers = sum of contributions, the baselines of the
        lifts: ``baseline_high_ltv_buyer_share`` of the average item and ``baseline_gateway_repeat_rate``; for
        reading, ``high_ltv_share_of_buyers``, the share of high-LTV customers among the buyers).

    >>> lines = pd.DataFrame({
    ...     "customer_key": ["c1", "c1", "c2", None],
    ...     "sku_id": ["A", "B", "A", "B"],
    ...     "sales_date": ["2026-01-05", "2026-01-05", "2026-01-06", "2026-01-06"],
    ...     "net_sales_jpy": [3000, 1000, 2000, 500]})
    >>> scores = pd.DataFrame({"clv": [8000.0, 1000.0], "segment": ["high", "low"]}, index=["c1", "c2"])
    >>> out = item_ltv_contribution(lines, scores, gross_profit_col=None, units_col=None)
    >>> out[["net_sales_jpy", "buyers", "clv_contribution_jpy", "clv_share", "ltv_class"]]
    ... # doctest: +NORMALIZE_WHITESPACE
            net_sales_jpy  buyers  clv_contribution_jpy  clv_share ltv_class
    sku_id
    A              5000.0       2                7000.0   0.777778         高
    B              1500.0       1                2000.0   0.222222         中
    """
    config = config or ItemLtvConfig()
    history = _CustomerHistory(lines, customer_scores, config, customer_col=customer_col, date_col=date_col,
                               net_sales_col=net_sales_col, gross_profit_col=gross_profit_col,
                               units_col=units_col, clv_col=clv_col, segment_col=segment_col, as_of=as_of,
                               first_purchase_dates=first_purchase_dates)
    return _item_measures(history, item_col, config)


def classify_item_ltv(metrics: pd.DataFrame, config: ItemLtvConfig | None = None) -> pd.DataFrame:
    """Classes 高 / 中 / 低 from the measures of :func:`item_ltv_contribution` (re-apply other thresholds
    without recomputing the measures).

    Args:
        metrics: one row per item with ``clv_contribution_jpy``, ``buyers``, ``high_ltv_buyer_lift``,
            ``gateway_eligible_buyers`` and ``gateway_repeat_lift``.
        config: thresholds (:class:`ItemLtvConfig`).

    Returns:
        DataFrame on ``metrics``' index: ``clv_rank`` (1 = largest contribution; ties broken by the order of
        the rows), ``clv_cumulative_share`` (share of all contribution up to and including the item),
        ``ltv_class`` and ``ltv_class_reason`` (``"+"``-joined names of :data:`CLASS_CRITERIA` that placed the
        item; empty for 低).
    """
    config = config or ItemLtvConfig()
    require_columns(metrics, ["clv_contribution_jpy", "buyers", "high_ltv_buyer_lift", "gateway_eligible_buyers",
                              "gateway_repeat_lift"], "item metrics")
    contribution = metrics["clv_contribution_jpy"].to_numpy(dtype=np.float64)
    n = contribution.size
    order = np.argsort(-contribution, kind="stable")
    rank = np.empty(n, dtype=np.int64)
    rank[order] = np.arange(1, n + 1)
    total = float(contribution.sum())
    cumulative = np.empty(n)
    cumulative[order] = np.cumsum(contribution[order])
    before = cumulative - contribution
    if total > 0:
        cumulative_share = cumulative / total
        before_share = before / total
    else:
        cumulative_share = np.zeros(n)
        before_share = np.ones(n)
    has_value = contribution > 0
    # tolerance: float sums must not push an item across a threshold it sits on
    head_high = has_value & (before_share < config.high_cumulative_share - 1e-12)
    head_mid = has_value & (before_share < config.mid_cumulative_share - 1e-12)

    enough_buyers = metrics["buyers"].to_numpy(dtype=np.float64) >= config.min_buyers
    enough_gateway = metrics["gateway_eligible_buyers"].to_numpy(dtype=np.float64) >= config.min_buyers
    high_lift = np.nan_to_num(metrics["high_ltv_buyer_lift"].to_numpy(dtype=np.float64), nan=-np.inf)
    gateway_lift = np.nan_to_num(metrics["gateway_repeat_lift"].to_numpy(dtype=np.float64), nan=-np.inf)

    def criteria(head: np.ndarray, lift: float) -> np.ndarray:
        return np.column_stack([head, enough_buyers & (high_lift >= lift), enough_gateway & (gateway_lift >= lift)])

    high_hits = criteria(head_high, config.high_lift)
    mid_hits = criteria(head_mid, config.mid_lift)
    is_high = high_hits.any(axis=1)
    is_mid = ~is_high & mid_hits.any(axis=1)
    hi, mid, low = config.class_labels
    label = np.where(is_high, hi, np.where(is_mid, mid, low)).astype(object)
    hits = np.where(is_high[:, None], high_hits, np.where(is_mid[:, None], mid_hits, False))
    reason = _join_reasons(hits)
    return pd.DataFrame({"clv_rank": rank, "clv_cumulative_share": cumulative_share, "ltv_class": label,
                         "ltv_class_reason": reason}, index=metrics.index)


def item_ltv_contribution_by_grain(lines: pd.DataFrame, customer_scores: pd.DataFrame,
                                   config: ItemLtvConfig | None = None, *,
                                   grains: Mapping[str, str] | None = None, **kwargs: Any) -> pd.DataFrame:
    """:func:`item_ltv_contribution` at several item grains (SPEC §5: both 商品番号 style and SKU), stacked.

    Args:
        grains: ``{grain name: item column}``; default ``{"sku": "sku_id", "style": "style_id"}``.
        **kwargs: passed to :func:`item_ltv_contribution` (column names, ``as_of``, ...).

    Returns:
        One frame with ``grain`` and ``item_id`` first, then the measures; classes are ranked within each
        grain. ``.attrs["totals"]`` maps each grain to its totals.
    """
    grains = dict(grains or {"sku": "sku_id", "style": "style_id"})
    if not grains:
        raise ValueError("grains must name at least one item column")
    if "item_col" in kwargs:
        raise ValueError("give item columns through grains={name: column}, not item_col")
    config = config or ItemLtvConfig()
    history = _CustomerHistory(lines, customer_scores, config, **kwargs)  # customers factorised once
    frames, totals = [], {}
    for name, column in grains.items():
        part = _item_measures(history, column, config)
        totals[name] = part.attrs.get("totals", {})
        part = part.reset_index().rename(columns={column: "item_id"})
        part.insert(0, "grain", name)
        part.attrs = {}
        frames.append(part)
    out = pd.concat(frames, ignore_index=True)
    out.attrs["totals"] = totals
    return out


def _join_reasons(hits: np.ndarray) -> np.ndarray:
    reasons = np.full(hits.shape[0], "", dtype=object)
    for k, name in enumerate(CLASS_CRITERIA):
        on = hits[:, k]
        reasons[on] = np.where(reasons[on] == "", name, reasons[on] + "+" + name)
    return reasons


# --------------------------------------------------------------------------------------------------------
# Internals: customer-level preparation (shared by grains) and the item measures
# --------------------------------------------------------------------------------------------------------

class _CustomerHistory:
    """Sales lines up to the as-of day as arrays, each customer's CLV and segment, and their sorted distinct
    purchase days (days with a line of positive net sales): everything that does not depend on the grain."""

    def __init__(self, lines: pd.DataFrame, customer_scores: pd.DataFrame, config: ItemLtvConfig, *,
                 customer_col: str = "customer_key", date_col: str = "sales_date",
                 net_sales_col: str = "net_sales_jpy", gross_profit_col: str | None = "gross_profit_jpy",
                 units_col: str | None = "units", clv_col: str = "clv", segment_col: str = "segment",
                 as_of: Any = None, first_purchase_dates: pd.Series | None = None):
        require_columns(lines, [customer_col, date_col, net_sales_col, gross_profit_col, units_col], "sales lines")
        require_columns(customer_scores, [clv_col, segment_col], "customer_scores")
        self.window = config.repeat_window_days
        days = day_numbers(lines[date_col], date_col) if len(lines) else np.zeros(0, dtype=np.int64)
        if as_of is None:
            if len(lines) == 0:
                raise ValueError("no sales lines (and no as_of date)")
            self.as_of_day = int(days.max())
        else:
            self.as_of_day = day_number(as_of, "as_of")
        keep = days <= self.as_of_day
        self.lines = lines if keep.all() else lines.loc[keep]
        days = days[keep]
        self.net = numeric(self.lines, net_sales_col, "sales lines")
        self.gross_profit = None if gross_profit_col is None else numeric(self.lines, gross_profit_col,
                                                                          "sales lines")
        self.units = None if units_col is None else numeric(self.lines, units_col, "sales lines")

        codes, customers = pd.factorize(self.lines[customer_col])   # missing key (anonymous) -> -1
        self.identified = codes >= 0
        self.n_cust = n_cust = len(customers)
        self.cust = codes[self.identified].astype(np.int64)
        self.days = days[self.identified]
        self.v = self.net[self.identified]
        self.positive = self.v > 0

        if not customer_scores.index.is_unique:
            raise ValueError("customer_scores must have one row per customer (its index is the customer key)")
        at = customer_scores.index.get_indexer(customers)          # -1: no score
        self.scored = at >= 0
        if n_cust and len(customer_scores) and not self.scored.any():
            raise ValueError(f"no customer of the sales lines has a score: do the keys of {customer_col!r} and "
                             f"of customer_scores' index match in type and format? (e.g. "
                             f"{customers[0]!r} vs {customer_scores.index[0]!r})")
        score_clv = pd.to_numeric(customer_scores[clv_col], errors="coerce").to_numpy(dtype=np.float64)
        if np.any(~np.isfinite(score_clv)) or np.any(score_clv < 0):
            raise ValueError(f"customer_scores[{clv_col!r}] must be finite and >= 0")
        self.clv = np.where(self.scored, score_clv[at], 0.0) if score_clv.size else np.zeros(n_cust)
        score_high = (customer_scores[segment_col] == config.high_segment).to_numpy(dtype=bool, na_value=False)
        self.is_high = (self.scored & score_high[at]) if score_high.size else np.zeros(n_cust, dtype=bool)

        # Distinct purchase days (days with a line of positive net sales), sorted by (customer, day): day j is
        # ``day_of[j]``, the same customer's next purchase day ``next_day_of[j]``; each purchase line knows
        # the index of its day (``purchase_index``; _NO_DAY for returns), so no search is ever needed.
        pos_lines = np.flatnonzero(self.positive)
        pos_days = self.days[pos_lines]
        day0 = int(pos_days.min()) if pos_days.size else 0
        span = (int(pos_days.max()) - day0 + 1) if pos_days.size else 1
        sorted_keys, order = _sort_with_order(self.cust[pos_lines] * span + (pos_days - day0), n_cust * span)
        new = np.r_[True, sorted_keys[1:] != sorted_keys[:-1]] if sorted_keys.size else np.zeros(0, dtype=bool)
        day_keys = sorted_keys[new]
        self.purchase_index = np.full(self.cust.size, _NO_DAY, dtype=np.int64)
        self.purchase_index[pos_lines[order]] = np.cumsum(new) - 1
        day_cust = day_keys // span
        self.day_of = day_keys - day_cust * span + day0
        last_of_customer = np.r_[day_cust[1:] != day_cust[:-1], True] if day_keys.size else new
        self.next_day_of = np.where(last_of_customer, _NO_DAY, np.r_[self.day_of[1:], _NO_DAY][:day_keys.size])

        first_index = np.full(n_cust, -1, dtype=np.int64)
        starts = np.flatnonzero(np.r_[True, day_cust[1:] != day_cust[:-1]]) if day_keys.size else new
        first_index[day_cust[starts]] = starts
        has_purchase = first_index >= 0
        cust_first = np.where(has_purchase, self.day_of[np.maximum(first_index, 0)] if day_keys.size else 0,
                              _NO_DAY)
        cust_next = np.where(has_purchase, self.next_day_of[np.maximum(first_index, 0)] if day_keys.size else 0,
                             _NO_DAY)
        new_customer = has_purchase.copy()
        if first_purchase_dates is not None:
            # an earlier first purchase than the lines show: not a new customer in these lines
            given = pd.Series(first_purchase_dates).reindex(customers)
            known = given.notna().to_numpy()
            if known.any():
                given_day = day_numbers(given[known], "first_purchase_dates")
                new_customer[known] &= given_day >= cust_first[known]
                cust_first[known] = np.minimum(given_day, cust_first[known])
        self.cust_first = cust_first
        self.new_customer = new_customer
        eligible, repeated = self.came_back(cust_first, cust_next < _NO_DAY, cust_next)
        self.new_eligible = eligible & new_customer
        self.new_repeated = repeated & new_customer

    def came_back(self, first: np.ndarray, has: np.ndarray, nxt: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(measured, came back within the window) for purchases on day ``first``."""
        if self.window is None:
            return np.ones(first.shape, dtype=bool), has
        eligible = first + self.window <= self.as_of_day
        return eligible, eligible & has & (nxt <= first + self.window)


def _sort_with_order(key: np.ndarray, key_bound: int) -> tuple[np.ndarray, np.ndarray]:
    """``(np.sort(key), order)`` for non-negative int64 keys below ``key_bound``.

    The position is packed into the low bits of the key so that one ``np.sort`` of int64 does the work of an
    argsort: an order of magnitude faster than argsort or hashing on millions of rows.
    """
    n = key.size
    idx_bits = max(1, int(max(n - 1, 1)).bit_length())
    if int(max(key_bound, 1)).bit_length() + idx_bits <= 62:
        packed = np.sort((key << idx_bits) | np.arange(n, dtype=np.int64))
        return packed >> idx_bits, packed & ((1 << idx_bits) - 1)
    order = np.argsort(key, kind="stable")  # pragma: no cover - beyond 2**62 key x row combinations
    return key[order], order  # pragma: no cover


def _pairs(cust: np.ndarray, item: np.ndarray, n_cust: int, n_items: int, net: np.ndarray,
           purchase_index: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Customer x item pairs: sorted keys ``customer * n_items + item``, net sales, and the index of the first
    purchase day (:class:`_CustomerHistory`; ``_NO_DAY`` when no line of the pair is a purchase). Purchase day
    indices grow with the day within a customer, so the smallest index is the first day."""
    if cust.size == 0:
        return np.zeros(0, np.int64), np.zeros(0), np.zeros(0, np.int64)
    sorted_key, order = _sort_with_order(cust * n_items + item, n_cust * n_items)
    starts = np.flatnonzero(np.r_[True, sorted_key[1:] != sorted_key[:-1]])
    pair_net = np.add.reduceat(net[order], starts)
    pair_first = np.minimum.reduceat(purchase_index[order], starts)
    return sorted_key[starts], pair_net, pair_first


def _item_measures(h: _CustomerHistory, item_col: str, config: ItemLtvConfig) -> pd.DataFrame:
    require_columns(h.lines, [item_col], "sales lines")
    if h.lines[item_col].isna().any():
        raise ValueError(f"{int(h.lines[item_col].isna().sum())} sales line(s) have no {item_col!r}")
    item_codes, items = pd.factorize(h.lines[item_col], sort=True)
    n_items = max(len(items), 1)
    identified = h.identified

    out = pd.DataFrame(index=pd.Index(items, name=item_col))
    out["net_sales_jpy"] = np.bincount(item_codes, weights=h.net, minlength=len(items))
    out["identified_net_sales_jpy"] = np.bincount(item_codes[identified], weights=h.v, minlength=len(items))
    out["anonymous_sales_share"] = safe_ratio(out["net_sales_jpy"].to_numpy() - out["identified_net_sales_jpy"]
                                              .to_numpy(), out["net_sales_jpy"].to_numpy())
    if h.gross_profit is not None:
        out["gross_profit_jpy"] = np.bincount(item_codes, weights=h.gross_profit, minlength=len(items))
        out["gross_margin_rate"] = safe_ratio(out["gross_profit_jpy"].to_numpy(), out["net_sales_jpy"].to_numpy())
    if h.units is not None:
        out["units"] = np.bincount(item_codes, weights=h.units, minlength=len(items))

    # -- customer x item pairs ----------------------------------------------------------------------------
    pair_keys, pair_net, pair_first_index = _pairs(h.cust, item_codes[identified].astype(np.int64), h.n_cust,
                                                   n_items, h.v, h.purchase_index)
    pair_cust = pair_keys // n_items
    pair_item = pair_keys - pair_cust * n_items
    buyer = (pair_net > 0) & (pair_first_index < _NO_DAY)

    share_base = np.where(buyer, pair_net, 0.0)
    cust_total = np.bincount(pair_cust, weights=share_base, minlength=h.n_cust)
    is_buyer_customer = cust_total > 0
    bi = pair_item[buyer]
    bc = pair_cust[buyer]
    b_share = share_base[buyer] / cust_total[bc]
    out["buyers"] = np.bincount(bi, minlength=len(items)).astype(np.int64)
    bc_clv = h.clv[bc]
    out["clv_of_buyers_jpy"] = np.bincount(bi, weights=bc_clv, minlength=len(items)).astype(np.float64)
    out["clv_contribution_jpy"] = np.bincount(bi, weights=bc_clv * b_share, minlength=len(items)).astype(np.float64)
    total_contribution = float(out["clv_contribution_jpy"].sum())
    out["clv_share"] = (out["clv_contribution_jpy"] / total_contribution) if total_contribution > 0 else 0.0
    out["high_ltv_buyers"] = np.bincount(bi, weights=h.is_high[bc], minlength=len(items)).astype(np.int64)
    out["high_ltv_buyer_share"] = safe_ratio(out["high_ltv_buyers"].to_numpy(), out["buyers"].to_numpy())
    n_buyer_customers = int(is_buyer_customer.sum())
    # baseline: the buyer-weighted average item (sum of high-LTV buyers / sum of buyers over all items), not the
    # share of high-LTV customers among buyers (see the module docstring)
    n_pairs = float(out["buyers"].sum())
    base_high = float(out["high_ltv_buyers"].sum()) / n_pairs if n_pairs > 0 else float("nan")
    customer_high = float(h.is_high[is_buyer_customer].mean()) if n_buyer_customers else float("nan")
    out["high_ltv_buyer_lift"] = (out["high_ltv_buyer_share"] / base_high) if base_high > 0 else np.nan

    # -- repeat rate of the item's buyers -----------------------------------------------------------------
    b_index = pair_first_index[buyer]
    b_first = h.day_of[b_index]
    nxt = h.next_day_of[b_index]
    eligible, repeated = h.came_back(b_first, nxt < _NO_DAY, nxt)
    out["repeat_eligible_buyers"] = np.bincount(bi[eligible], minlength=len(items)).astype(np.int64)
    out["repeat_buyers"] = np.bincount(bi[repeated], minlength=len(items)).astype(np.int64)
    out["repeat_rate"] = safe_ratio(out["repeat_buyers"].to_numpy(), out["repeat_eligible_buyers"].to_numpy())

    # -- gateway: the item was in the customer's first purchase with the retailer --------------------------
    gateway = h.new_customer[bc] & (b_first == h.cust_first[bc])
    out["gateway_buyers"] = np.bincount(bi[gateway], minlength=len(items)).astype(np.int64)
    out["gateway_eligible_buyers"] = np.bincount(bi[gateway & h.new_eligible[bc]],
                                                 minlength=len(items)).astype(np.int64)
    out["gateway_repeat_buyers"] = np.bincount(bi[gateway & h.new_repeated[bc]],
                                               minlength=len(items)).astype(np.int64)
    out["gateway_repeat_rate"] = safe_ratio(out["gateway_repeat_buyers"].to_numpy(),
                                            out["gateway_eligible_buyers"].to_numpy())
    n_new_eligible = int(h.new_eligible.sum())
    base_gateway = float(h.new_repeated.sum() / n_new_eligible) if n_new_eligible else float("nan")
    out["gateway_repeat_lift"] = (out["gateway_repeat_rate"] / base_gateway) if base_gateway > 0 else np.nan

    out = out.join(classify_item_ltv(out, config))
    net_total = float(out["net_sales_jpy"].sum())
    anonymous_net = float(net_total - out["identified_net_sales_jpy"].sum())
    out.attrs["totals"] = {
        "as_of": as_date(h.as_of_day).date().isoformat(),
        "item_col": item_col,
        "items": int(len(items)),
        "lines": int(len(h.lines)),
        "net_sales_jpy": net_total,
        "anonymous_net_sales_jpy": anonymous_net,
        "anonymous_sales_share": anonymous_net / net_total if net_total else float("nan"),
        "identified_customers": int(h.n_cust),
        "buyers": n_buyer_customers,
        "unscored_buyers": int((is_buyer_customer & ~h.scored).sum()),
        "clv_of_buyers_jpy": float(h.clv[is_buyer_customer].sum()),
        "clv_attributed_jpy": total_contribution,
        "baseline_high_ltv_buyer_share": base_high,
        "high_ltv_share_of_buyers": customer_high,
        "new_customers_measured": n_new_eligible,
        "baseline_gateway_repeat_rate": base_gateway,
    }
    return out
