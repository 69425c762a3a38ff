"""Quality rules for the customer-value outputs, checked before they are published (SPEC §2, §7).

The customer-value stage runs these Great Expectations rules on the frames it is about to write to
``models.customer_ltv`` and ``models.ltv_calibration`` (:func:`ltvzaiko_tasks.quality.output_gate.gate_output`).
A frame that breaks any of them is not written at all: the task fails naming the rule, and yesterday's scores
stay where they were.

Customer scores (:func:`customer_ltv_rules`):

* every score column present and not null (no NaN): frequency, recency, T, average spend, p(alive),
  expected purchases and spend, CLV, segment;
* ``p_alive`` in [0, 1]; ``clv_jpy``, ``expected_purchases_12m``, ``expected_spend_jpy``,
  ``monetary_value_jpy``, ``frequency``, ``recency_weeks`` >= 0; recency <= T;
* money below ¥1 trillion per customer (:data:`MAX_JPY`): finite, and a value the mart's ``bigint`` holds;
* one row per customer (``customer_key`` unique and not null);
* segments only the configured labels, and each segment's share of customers as configured (default high
  20 % / mid 30 % / low 50 %) within a tolerance (:func:`segment_share_tolerances`).

The tolerance on a segment's share is :data:`SEGMENT_SHARE_TOLERANCE` (2 percentage points) plus the share of
customers tied on the CLV at each of the segment's boundaries. Segments are cut by CLV rank and customers with
the same CLV always share a segment (:func:`~ltvzaiko_tasks.ltv.customer_value.ltv_segments`), so a group of
equal customers on a boundary moves the shares by its size. Equal customers are common: all one-time buyers
whose first purchase fell in the same week have the same history and so the same CLV. In the test suite's
50-day world (335 customers, 7 weeks) one such group of 44 sits on the 50 % boundary and the low segment
holds 56 %; over two years (104 weeks) a week's first-time buyers are about 1 % of the customers, so the
tolerance stays within a few points. The tie allowance comes from the CLV column alone, never from the labels
being checked.
"""
from __future__ import annotations

from collections.abc import Sequence

import great_expectations as gx
import numpy as np

from .config import LtvConfig

SEGMENT_SHARE_TOLERANCE = 0.02
"""Tolerance on each segment's share of customers beyond ties, absolute (0.02 = ±2 percentage points)."""

MAX_JPY = 1e12
"""Upper bound of any per-customer money figure: a sanity bound that also rejects infinity (the marts store
whole yen as ``bigint``)."""

SCORE_COLUMNS = ("frequency", "recency_weeks", "tenure_weeks", "monetary_value_jpy", "p_alive",
                 "expected_purchases_12m", "expected_spend_jpy", "clv_jpy", "segment")
"""The columns of ``models.customer_ltv`` that the models compute: none may be null."""


def customer_ltv_rules(config: LtvConfig | None = None, clv: Sequence[float] | None = None,
                       share_tolerance: float = SEGMENT_SHARE_TOLERANCE) -> list:
    """Rules for one as-of date's customer scores (the frame written to ``models.customer_ltv``).

    Args:
        config: gives the segment labels and their shares (default :class:`LtvConfig()`).
        clv: the frame's CLV column, for the tie allowance of the share rules (:func:`segment_share_tolerances`);
            without it the shares get ``share_tolerance`` alone.
        share_tolerance: allowed absolute difference between a segment's share of customers and its configured
            share, beyond ties.
    """
    config = config or LtvConfig()
    tolerances = segment_share_tolerances(clv if clv is not None else [], config, share_tolerance)
    e = gx.expectations
    rules: list = [e.ExpectColumnValuesToNotBeNull(column=c) for c in ("as_of_date", "customer_key", *SCORE_COLUMNS)]
    rules += [
        e.ExpectColumnValuesToBeUnique(column="customer_key", description="one row per customer"),
        e.ExpectColumnValuesToBeBetween(column="p_alive", min_value=0, max_value=1,
                                        description="p(alive) is a probability"),
        e.ExpectColumnValuesToBeBetween(column="clv_jpy", min_value=0, max_value=MAX_JPY,
                                        description="CLV >= 0 and finite"),
        e.ExpectColumnValuesToBeBetween(column="expected_purchases_12m", min_value=0, max_value=1e6,
                                        description="expected purchases >= 0 and finite"),
        e.ExpectColumnValuesToBeBetween(column="expected_spend_jpy", min_value=0, max_value=MAX_JPY,
                                        description="expected spend per purchase >= 0 and finite"),
        e.ExpectColumnValuesToBeBetween(column="monetary_value_jpy", min_value=0, max_value=MAX_JPY,
                                        description="average repeat spend >= 0 and finite"),
        e.ExpectColumnValuesToBeBetween(column="frequency", min_value=0, description="repeat purchases >= 0"),
        e.ExpectColumnValuesToBeBetween(column="recency_weeks", min_value=0, description="recency >= 0"),
        e.ExpectColumnPairValuesAToBeGreaterThanB(column_A="tenure_weeks", column_B="recency_weeks",
                                                  or_equal=True, description="recency <= T"),
        e.ExpectColumnValuesToBeInSet(column="segment", value_set=list(config.segment_labels),
                                      description="segments are the configured labels"),
    ]
    for label, share in zip(config.segment_labels, config.segment_shares):
        rules += segment_share_rules(label, share, tolerances[label])
    return rules


def segment_share_tolerances(clv: Sequence[float], config: LtvConfig | None = None,
                             share_tolerance: float = SEGMENT_SHARE_TOLERANCE) -> dict[str, float]:
    """Allowed deviation of each segment's share: ``share_tolerance`` plus, at each boundary of the segment
    (the configured cumulative shares, ranked by CLV from the highest), the share of customers whose CLV equals
    the CLV of the customer ranked at the boundary (at least one customer: ``1 / n``, the rounding of a share of
    ``n`` customers).

    >>> segment_share_tolerances([9, 8, 7, 6, 5, 5, 5, 5, 2, 1])   # four equal customers at the 50 % boundary
    {'high': 0.12, 'mid': 0.52, 'low': 0.42}
    """
    config = config or LtvConfig()
    if not 0 <= share_tolerance < 1:
        raise ValueError(f"share_tolerance is a share in [0, 1), e.g. 0.02 for 2 points, got {share_tolerance!r}")
    values = np.sort(np.asarray(clv, dtype=np.float64))[::-1]
    n = values.size
    ties = []
    for bound in np.cumsum(config.segment_shares)[:-1]:
        if n == 0:
            ties.append(0.0)
            continue
        at = values[min(int(bound * n), n - 1)]
        ties.append(float(np.count_nonzero(values == at)) / n)
    out = {}
    for k, label in enumerate(config.segment_labels):
        above = ties[k - 1] if k > 0 else 0.0
        below = ties[k] if k < len(ties) else 0.0
        out[label] = round(share_tolerance + above + below, 6)
    return out


def segment_share_rules(label: str, share: float, tolerance: float, column: str = "segment") -> list:
    """Two rules: the share of rows with ``column == label`` is at least ``share - tolerance`` and at most
    ``share + tolerance``. A failure is named ``segment_share_min(<label>)`` / ``segment_share_max(<label>)``
    and reports the observed share."""
    e = gx.expectations
    low, high = share - tolerance, share + tolerance
    rules = []
    if low > 0:
        rules.append(e.ExpectColumnValuesToBeInSet(
            column=column, value_set=[label], mostly=round(low, 6),
            meta={"rule": f"segment_share_min({label})", "observed": "expected_share"},
            description=f"at least {low:.1%} of customers in segment {label!r}, configured {share:.0%}"))
    if high < 1:
        rules.append(e.ExpectColumnValuesToNotBeInSet(
            column=column, value_set=[label], mostly=round(1 - high, 6),
            meta={"rule": f"segment_share_max({label})", "observed": "unexpected_share"},
            description=f"at most {high:.1%} of customers in segment {label!r}, configured {share:.0%}"))
    return rules


def calibration_rules(max_frequency: int | None = None) -> list:
    """Rules for one as-of date's calibration / hold-out rows (``models.ltv_calibration``): one row per
    frequency bucket, counts and means >= 0, predicted means finite."""
    e = gx.expectations
    rules: list = [e.ExpectColumnValuesToNotBeNull(column=c)
                   for c in ("as_of_date", "frequency_bucket", "frequency_min", "customers", "calibration_end_date")]
    rules += [
        e.ExpectColumnValuesToBeUnique(column="frequency_min", description="one row per frequency bucket"),
        e.ExpectColumnValuesToBeBetween(column="customers", min_value=0),
        e.ExpectColumnValuesToBeBetween(column="actual_holdout_purchases", min_value=0, max_value=1e6),
        e.ExpectColumnValuesToBeBetween(column="predicted_holdout_purchases", min_value=0, max_value=1e6),
        e.ExpectColumnValuesToBeBetween(column="holdout_weeks", min_value=0, strict_min=True),
    ]
    if max_frequency is not None:
        rules.append(e.ExpectColumnValuesToBeBetween(column="frequency_min", min_value=0, max_value=max_frequency))
    return rules
