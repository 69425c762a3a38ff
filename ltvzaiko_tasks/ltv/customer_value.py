"""Customer lifetime value from a fitted BG/NBD and Gamma-Gamma pair, and CLV segments.

CLV here is the *discounted expected gross margin* over a finite horizon (SPEC §6.1): the expected number
of purchases in each future period (BG/NBD), times the expected spend per purchase (Gamma-Gamma), times the
gross margin rate, discounted to the observation end. Multiplying the two expectations is exact because
spend is independent of the purchase process in these models (Fader, Hardie & Lee 2005b, §"Linking").

Time units: ``recency``, ``T`` and ``period_length`` are all in the *model time unit* (the unit the models
were fitted in, e.g. weeks); ``discount_rate_per_period`` is per period of ``period_length``.
"""
from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ._inputs import GROUP_THRESHOLD, as_float_array, check_rfm, group_rows, index_of, wrap
from .bgnbd import BetaGeoModel, bgnbd_expected_purchases_if_alive, bgnbd_probability_alive
from .config import LtvConfig, check_shares
from .gamma_gamma import GammaGammaModel


def discounted_expected_purchases(bgnbd: BetaGeoModel, frequency: Any, recency: Any, T: Any,
                                  horizon_periods: int, discount_rate_per_period: float, *,
                                  period_length: float):
    """Discounted expected number of purchases over ``horizon_periods`` periods after T.

    Equations used (period k covers model time ((k-1)Δ, kΔ] after T, Δ = ``period_length``, its purchases
    are discounted by (1+d)^-k, i.e. as if they fell at the end of the period):

    .. math::

        \\mathrm{DEP} = P(\\text{alive} \\mid x, t_x, T) \\sum_{k=1}^{K}
            \\frac{E[Y(k\\Delta) \\mid \\text{alive}, x, T] - E[Y((k-1)\\Delta) \\mid \\text{alive}, x, T]}{(1+d)^k}

    with :math:`E[Y(t) \\mid \\text{alive}, x, T]` and P(alive) from FHL (2005a, eq. 10) and FHL (2008).
    The expectation given alive depends on (x, T) only, so it is computed once per distinct (x, T).

    Args:
        bgnbd: fitted :class:`BetaGeoModel`.
        frequency, recency, T: customer histories in model time units.
        horizon_periods: K, number of periods (e.g. 12 for a year in months).
        discount_rate_per_period: d, per period (e.g. 0.00797 per month for 10 % a year); 0 for none.
        period_length: Δ, length of one period in model time units (e.g. 365.25/12/7 = 4.348 weeks per
            month when the model is in weeks).
    """
    horizon_periods = _check_horizon(horizon_periods, discount_rate_per_period, period_length)
    x, t_x, T_arr = check_rfm(frequency, recency, T)
    x, t_x, T_arr = np.atleast_1d(x).ravel(), np.atleast_1d(t_x).ravel(), np.atleast_1d(T_arr).ravel()
    params = bgnbd._tuple()
    alive = bgnbd_probability_alive(params, x, t_x, T_arr)

    if x.size > GROUP_THRESHOLD:
        codes, rep = group_rows(x, T_arr)
        ux, uT = x[rep], T_arr[rep]
    else:
        codes, ux, uT = None, x, T_arr
    times = float(period_length) * np.arange(horizon_periods + 1, dtype=np.float64)
    cumulative = bgnbd_expected_purchases_if_alive(params, times[None, :], ux[:, None], uT[:, None],
                                                   group=False)
    per_period = np.diff(cumulative, axis=1)
    discount = (1.0 + float(discount_rate_per_period)) ** -np.arange(1, horizon_periods + 1, dtype=np.float64)
    if_alive = per_period @ discount if per_period.shape[0] else np.zeros(0)
    if codes is not None:
        if_alive = if_alive[codes]
    out = alive * if_alive
    index = index_of(frequency, recency, T)
    if np.ndim(frequency) == 0 and np.ndim(recency) == 0 and np.ndim(T) == 0:
        return float(out[0])
    return wrap(out, index, "discounted_expected_purchases")


def clv(bgnbd: BetaGeoModel, gg: GammaGammaModel, frequency: Any, recency: Any, T: Any, monetary_value: Any,
        horizon_periods: int, margin: Any, discount_rate_per_period: float, *, period_length: float):
    """Customer lifetime value: discounted expected gross margin over the horizon (money units).

    Equations used:

    .. math::

        \\mathrm{CLV} = \\text{margin} \\cdot E(M \\mid x, m_x) \\cdot \\mathrm{DEP}(x, t_x, T)

    where :math:`E(M \\mid x, m_x)` is the Gamma-Gamma expected spend per purchase (FH 2013, eq. 5) and DEP the
    discounted expected purchases of :func:`discounted_expected_purchases`.

    Args:
        bgnbd, gg: fitted models (same customers' summary, same time unit).
        frequency, recency, T: histories in model time units.
        monetary_value: mean value of the repeat purchases (0 where frequency is 0).
        horizon_periods: number of periods K (e.g. 12).
        margin: gross margin rate in [0, 1], scalar or one per customer.
        discount_rate_per_period: per-period discount rate d.
        period_length: one period in model time units (keyword-only, so the unit is always stated: with a
            weekly model, ``period_length=4.348`` gives monthly periods, ``1`` weekly ones).

    Returns:
        CLV per customer (Series aligned with the input when given Series).

    References: Fader, Hardie & Lee (2005b), *JMR* 42(4) 415-430 (CLV as margin × spend × discounted
    transactions); Fader & Hardie (2013), note 025.
    """
    margin_arr = as_float_array("margin", margin)
    if np.any((margin_arr < 0) | (margin_arr > 1)):
        raise ValueError("margin is a gross margin rate in [0, 1] (0.45 means 45 %)")
    dep = discounted_expected_purchases(bgnbd, frequency, recency, T, horizon_periods, discount_rate_per_period,
                                        period_length=period_length)
    spend = gg.expected_spend(frequency, monetary_value)
    out = margin_arr * np.asarray(spend, dtype=np.float64) * np.asarray(dep, dtype=np.float64)
    return wrap(out, index_of(frequency, recency, T, monetary_value), "clv")


def ltv_segments(clv: Any, shares: tuple[float, ...] = (0.2, 0.3, 0.5),
                 labels: tuple[str, ...] = ("high", "mid", "low")):
    """Label customers by CLV rank: the top ``shares[0]`` get ``labels[0]``, the next ``shares[1]`` ...

    Customers are ranked from the highest CLV down; a customer's position is the midpoint of its rank,
    ``(rank - 0.5) / n``, and falls into the segment whose cumulative share interval contains it. Customers
    with equal CLV get the average of their ranks, so identical customers always share a segment (segment
    sizes can then differ from the shares by the size of a tie).

    Args:
        clv: CLV per customer (array or Series; Series index is kept).
        shares: fraction of customers per segment, best first; positive, summing to 1 (default 20/30/50 %).
        labels: segment names, best first (default high / mid / low).

    Returns:
        Labels per customer (Series of str aligned with a Series input, else an object array).
    """
    shares = tuple(float(s) for s in shares)
    labels = tuple(str(s) for s in labels)
    check_shares(shares, labels)
    values = as_float_array("clv", clv)
    if values.ndim != 1:
        values = values.ravel()
    n = values.size
    if n == 0:
        out = np.array([], dtype=object)
    else:
        rank = pd.Series(values).rank(method="average", ascending=False).to_numpy()
        position = (rank - 0.5) / n
        bounds = np.cumsum(shares)
        bounds[-1] = np.inf
        out = np.asarray(labels, dtype=object)[np.searchsorted(bounds, position, side="right")]
    index = index_of(clv)
    if index is not None:
        return pd.Series(out, index=index, name="segment")
    return out


def score_customers(summary: pd.DataFrame, bgnbd: BetaGeoModel, gg: GammaGammaModel,
                    config: LtvConfig | None = None, *, margin: Any = None) -> pd.DataFrame:
    """Everything the customer-LTV mart needs per customer, from a summary and two fitted models.

    Args:
        summary: output of :func:`~ltvzaiko_tasks.ltv.summary.summarise_transactions` (columns
            ``frequency``, ``recency``, ``T``, ``monetary_value``), in ``config.time_unit``.
        bgnbd, gg: fitted models.
        config: horizon, discounting, margin and segments (default :class:`LtvConfig()`).
        margin: per-customer gross margin rate (Series aligned with ``summary`` or array), overriding
            ``config.margin``.

    Returns:
        DataFrame on ``summary``'s index: ``p_alive``, ``expected_purchases`` (undiscounted, over the whole
        horizon), ``expected_spend`` (per purchase), ``discounted_expected_purchases``, ``clv``, ``segment``.
    """
    config = config or LtvConfig()
    missing = [c for c in ("frequency", "recency", "T", "monetary_value") if c not in summary.columns]
    if missing:
        raise ValueError(f"summary lacks columns {missing}; build it with summarise_transactions()")
    x, t_x, T_arr, m_x = (summary[c].to_numpy(dtype=np.float64) for c in ("frequency", "recency", "T",
                                                                          "monetary_value"))
    margin_values = config.margin if margin is None else (
        margin.reindex(summary.index).to_numpy(dtype=np.float64) if isinstance(margin, pd.Series) else margin)
    p_alive = bgnbd.probability_alive(x, t_x, T_arr)
    expected = bgnbd.expected_purchases(config.horizon_length, x, t_x, T_arr)
    spend = gg.expected_spend(x, m_x)
    dep = discounted_expected_purchases(bgnbd, x, t_x, T_arr, config.horizon_periods,
                                        config.discount_rate_per_period, period_length=config.period_length)
    margin_arr = as_float_array("margin", margin_values)
    if np.any((margin_arr < 0) | (margin_arr > 1)):
        raise ValueError("margin is a gross margin rate in [0, 1] (0.45 means 45 %)")
    value = margin_arr * spend * dep
    out = pd.DataFrame({
        "p_alive": p_alive,
        "expected_purchases": expected,
        "expected_spend": spend,
        "discounted_expected_purchases": dep,
        "clv": value,
    }, index=summary.index)
    out["segment"] = ltv_segments(out["clv"], config.segment_shares, config.segment_labels)
    return out


def _check_horizon(horizon_periods: Any, discount_rate_per_period: Any, period_length: Any) -> int:
    if int(horizon_periods) != horizon_periods or horizon_periods < 1:
        raise ValueError(f"horizon_periods must be a whole number >= 1, got {horizon_periods!r}")
    if not (np.isfinite(discount_rate_per_period) and discount_rate_per_period > -1):
        raise ValueError(f"discount_rate_per_period must be > -1 (0.01 = 1 % a period), "
                         f"got {discount_rate_per_period!r}")
    if not (np.isfinite(period_length) and period_length > 0):
        raise ValueError(f"period_length must be > 0, in model time units (e.g. 4.348 weeks per month), "
                         f"got {period_length!r}")
    return int(horizon_periods)
