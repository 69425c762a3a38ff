"""The Gamma-Gamma model of spend per transaction, fitted by maximum likelihood.

A customer with ``x`` repeat transactions (``frequency``) of average value ``m_x`` (``monetary_value``, the
mean of the repeat transactions only) has transactions ``z ~ Gamma(shape p, rate nu)`` with a customer-level
rate ``nu ~ Gamma(shape q, rate v)`` (``v`` is the paper's gamma; it is in money units). The mean
transaction value of a customer, ``zeta = p / nu``, is what is predicted. Spend is assumed independent of
the purchase process; check ``frequency_monetary_correlation_`` after fitting (near 0 is what the model
needs).

References:
    Fader, P. S., Hardie, B. G. S. and Lee, K. L. (2005b). RFM and CLV: Using Iso-Value Curves for
    Customer Base Analysis. *Journal of Marketing Research* 42(4), 415-430.

    Fader, P. S. and Hardie, B. G. S. (2013). The Gamma-Gamma Model of Monetary Value. Technical note,
    brucehardie.com/notes/025.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
from scipy.special import digamma, gammaln

from ._fitting import FitInfo, fit_log_params, standard_errors
from ._inputs import as_float_array, check_frequency, check_weights, dot, index_of, wrap

PARAM_NAMES = ("p", "q", "v")


def gamma_gamma_log_likelihood(params: tuple[float, float, float], x: np.ndarray,
                               m_x: np.ndarray) -> np.ndarray:
    """Per-customer log-density of the observed average spend ``m_x`` given ``x`` (> 0) transactions.

    Equations used (FH 2013, eq. 3; FHL 2005b, appendix):

    .. math::

        f(m_x \\mid p, q, v, x) = \\frac{\\Gamma(px+q)}{\\Gamma(px)\\Gamma(q)}
            \\frac{v^q\\, m_x^{px-1}\\, x^{px}}{(v + x m_x)^{px+q}}

    in logs with ``gammaln``. Defined for x > 0 and m_x > 0 only.
    """
    p, q, v = (float(t) for t in params)
    x, m_x = np.broadcast_arrays(np.asarray(x, dtype=np.float64), np.asarray(m_x, dtype=np.float64))
    px = p * x
    return (gammaln(px + q) - gammaln(px) - gammaln(q) + q * np.log(v) + (px - 1.0) * np.log(m_x)
            + px * np.log(x) - (px + q) * np.log(v + x * m_x))


def gamma_gamma_expected_spend(params: tuple[float, float, float], x: np.ndarray,
                               m_x: np.ndarray) -> np.ndarray:
    """E[zeta | x, m_x]: the customer's expected mean transaction value.

    Equations used (FH 2013, eq. 5; FHL 2005b, eq. 3):

    .. math::

        E(M \\mid p,q,v,m_x,x) = \\frac{p(v + x m_x)}{px + q - 1}
          = \\frac{q-1}{px+q-1}\\cdot\\frac{pv}{q-1} + \\frac{px}{px+q-1}\\cdot m_x

    a weighted mean of the population mean ``pv/(q-1)`` and the customer's own ``m_x``; with x = 0 it is the
    population mean (requires q > 1).
    """
    p, q, v = (float(t) for t in params)
    x, m_x = np.broadcast_arrays(np.asarray(x, dtype=np.float64), np.asarray(m_x, dtype=np.float64))
    m_used = np.where(x > 0, m_x, 0.0)
    return p * (v + x * m_used) / (p * x + q - 1.0)


class GammaGammaModel:
    """Gamma-Gamma spend model: expected mean transaction value per customer.

    Fitted on customers with at least one repeat purchase; rows with ``frequency == 0`` are ignored by
    :meth:`fit` (their ``monetary_value`` carries no information; it is 0 by convention), so the whole
    customer summary can be passed.

    Args:
        l2_penalty: L2 penalty on the log-parameters added to the mean negative log-likelihood per customer
            (``objective = -LL/N + l2_penalty * sum(log(param)**2)``); default 0 (plain maximum likelihood).
        initial_params: starting ``{"p", "q", "v"}``; default p = 2, q = 3 and v = the weighted mean of
            ``monetary_value``, which makes the starting population mean pv/(q-1) equal the observed one
            whatever the currency unit.
        max_iter: iteration cap of the optimiser.

    Attributes (after :meth:`fit`):
        params: ``{"p", "q", "v"}`` (``v`` in money units).
        log_likelihood_: total (weighted) log-likelihood at the estimate, without the penalty.
        n_customers_: number (sum of weights) of customers with repeat purchases fitted.
        frequency_monetary_correlation_: weighted Pearson correlation of frequency and monetary value among
            those customers; the model assumes it is close to 0.
        standard_errors_: asymptotic standard errors of the parameters (observed information, delta
            method; of the unpenalised likelihood, NaN where it is not identified).
        fit_info_: optimiser report.

    References: Fader, Hardie & Lee (2005b), *JMR* 42(4) 415-430; Fader & Hardie (2013), note 025.

    Example (the CDNOW estimates p = 6.25, q = 3.74, v = 15.44 of FHL 2005b; a customer without repeat
    purchases is expected to spend the population mean pv/(q-1)):

    >>> gg = GammaGammaModel.from_params(p=6.25, q=3.74, v=15.44)
    >>> round(gg.expected_spend(frequency=0, monetary_value=0), 2)
    35.22
    """

    PARAM_NAMES = PARAM_NAMES

    def __init__(self, l2_penalty: float = 0.0, *, initial_params: Mapping[str, float] | None = None,
                 max_iter: int = 2_000):
        if not (np.isfinite(l2_penalty) and l2_penalty >= 0):
            raise ValueError(f"l2_penalty must be a finite number >= 0, got {l2_penalty!r}")
        self.l2_penalty = float(l2_penalty)
        self.initial_params = dict(initial_params) if initial_params is not None else None
        self.max_iter = int(max_iter)
        self._params: dict[str, float] | None = None
        self.log_likelihood_: float | None = None
        self.n_customers_: float | None = None
        self.frequency_monetary_correlation_: float | None = None
        self.fit_info_: FitInfo | None = None
        self.standard_errors_: dict[str, float] | None = None

    @classmethod
    def from_params(cls, p: float, q: float, v: float) -> GammaGammaModel:
        """A model with given parameters, ready to predict."""
        model = cls()
        model._set_params({"p": p, "q": q, "v": v})
        return model

    def _set_params(self, params: Mapping[str, float]) -> None:
        missing = [k for k in PARAM_NAMES if k not in params]
        if missing:
            raise ValueError(f"Gamma-Gamma parameters missing: {missing}; give p, q and v")
        values = {k: float(params[k]) for k in PARAM_NAMES}
        if not all(np.isfinite(t) and t > 0 for t in values.values()):
            raise ValueError(f"Gamma-Gamma parameters must all be finite and > 0, got {values}")
        self._params = values

    @property
    def params(self) -> dict[str, float]:
        """``{"p", "q", "v"}`` (a copy)."""
        if self._params is None:
            raise RuntimeError("GammaGammaModel is not fitted: call .fit(frequency, monetary_value) "
                               "or .from_params()")
        return dict(self._params)

    def _tuple(self) -> tuple[float, float, float]:
        p = self.params
        return p["p"], p["q"], p["v"]

    @property
    def population_mean_spend(self) -> float:
        """pv/(q-1): the mean transaction value across customers (infinite when q <= 1)."""
        p, q, v = self._tuple()
        return p * v / (q - 1.0) if q > 1.0 else float("inf")

    def __repr__(self) -> str:
        if self._params is None:
            return f"GammaGammaModel(l2_penalty={self.l2_penalty:g}, unfitted)"
        return "GammaGammaModel(" + ", ".join(f"{k}={v:.4g}" for k, v in self._params.items()) + ")"

    # -- fitting -----------------------------------------------------------------------------------------
    def fit(self, frequency: Any, monetary_value: Any, weights: Any = None) -> GammaGammaModel:
        """Estimate (p, q, v) by maximum likelihood on the customers with frequency > 0; returns ``self``.

        Args:
            frequency: repeat purchases per customer (x).
            monetary_value: mean value of those repeat purchases (m_x), > 0 where x > 0.
            weights: optional count of customers each row stands for; default 1 each.
        """
        x, m_x = _check_spend_inputs(frequency, monetary_value)
        x, m_x = x.ravel(), m_x.ravel()
        w = check_weights(weights, x.size)
        keep = (x > 0) & (w > 0)
        if np.any(keep & (m_x <= 0)):
            n_bad = int(np.count_nonzero(keep & (m_x <= 0)))
            raise ValueError(
                f"{n_bad} customer(s) with repeat purchases have monetary_value <= 0 (returns or free items?); "
                "the Gamma-Gamma model needs positive spend: exclude them or floor their value first"
            )
        if np.count_nonzero(keep) < 2:
            raise ValueError("fewer than 2 customers with repeat purchases: the Gamma-Gamma model cannot be fitted")
        x, m_x, w = x[keep], m_x[keep], w[keep]
        data = _SpendData(x, m_x, w)

        theta0 = np.log(self._initial(data))
        penalty = self.l2_penalty
        theta, info = fit_log_params(lambda th: data.neg_mean_ll_and_grad(th, penalty), theta0,
                                     max_iter=self.max_iter, gtol=1e-9, model_name="Gamma-Gamma")
        self._set_params(dict(zip(PARAM_NAMES, np.exp(theta))))
        value, _ = data.neg_mean_ll_and_grad(theta, 0.0)
        self.log_likelihood_ = float(-value * data.total_weight)
        se = standard_errors(lambda th: data.neg_mean_ll_and_grad(th, 0.0), theta, data.total_weight)
        self.standard_errors_ = dict(zip(PARAM_NAMES, (float(v) for v in se)))
        self.n_customers_ = data.total_weight
        self.frequency_monetary_correlation_ = _weighted_corr(x, m_x, w)
        self.fit_info_ = info
        return self

    def _initial(self, data: _SpendData) -> np.ndarray:
        if self.initial_params is not None:
            start = {k: float(self.initial_params[k]) for k in PARAM_NAMES}
            if not all(np.isfinite(t) and t > 0 for t in start.values()):
                raise ValueError(f"initial_params must all be finite and > 0, got {start}")
            return np.array([start[k] for k in PARAM_NAMES])
        mean_m = dot(data.w, data.m_x) / data.total_weight
        return np.array([2.0, 3.0, mean_m])

    # -- predictions -------------------------------------------------------------------------------------
    def log_likelihood(self, frequency: Any, monetary_value: Any):
        """Per-customer log-density of ``monetary_value`` (NaN where frequency == 0: nothing observed)."""
        x, m_x = _check_spend_inputs(frequency, monetary_value)
        with np.errstate(divide="ignore", invalid="ignore"):
            out = np.where(x > 0, gamma_gamma_log_likelihood(self._tuple(), np.where(x > 0, x, 1.0),
                                                             np.where(x > 0, m_x, 1.0)), np.nan)
        return wrap(out, index_of(frequency, monetary_value), "log_likelihood")

    def expected_spend(self, frequency: Any, monetary_value: Any):
        """Conditional expected mean transaction value E(M | x, m_x) (money units); see
        :func:`gamma_gamma_expected_spend`. Customers with x = 0 get the population mean pv/(q-1)."""
        x, m_x = _check_spend_inputs(frequency, monetary_value)
        p, q, v = self._tuple()
        if q <= 1.0 and np.any(x == 0):
            raise ValueError(
                f"q = {q:.4g} <= 1: the population mean spend is infinite, so customers without repeat "
                "purchases have no finite expected spend; refit with a small l2_penalty or trim outliers"
            )
        if np.any((x > 0) & (m_x < 0)):
            raise ValueError("monetary_value must be >= 0")
        return wrap(gamma_gamma_expected_spend((p, q, v), x, m_x), index_of(frequency, monetary_value),
                    "expected_spend")


def _check_spend_inputs(frequency: Any, monetary_value: Any) -> tuple[np.ndarray, np.ndarray]:
    x = as_float_array("frequency", frequency)
    m_x = as_float_array("monetary_value", monetary_value)
    try:
        x, m_x = np.broadcast_arrays(x, m_x)
    except ValueError:
        raise ValueError(f"frequency and monetary_value must have the same length "
                         f"(got {np.shape(frequency)} and {np.shape(monetary_value)})") from None
    check_frequency("frequency", x)
    return x, m_x


def _weighted_corr(x: np.ndarray, y: np.ndarray, w: np.ndarray) -> float:
    W = w.sum()
    mx, my = dot(w, x) / W, dot(w, y) / W
    cov = dot(w, (x - mx) * (y - my))
    var = np.sqrt(dot(w, (x - mx) ** 2) * dot(w, (y - my) ** 2))
    return float(cov / var) if var > 0 else float("nan")


class _SpendData:
    """Sufficient pieces of the Gamma-Gamma likelihood: x-only terms by distinct x, the rest as sums."""

    def __init__(self, x: np.ndarray, m_x: np.ndarray, w: np.ndarray):
        self.x, self.m_x, self.w = x, m_x, w
        self.spend = x * m_x                    # total repeat spend s = x m_x
        self.wx = w * x
        self.total_weight = float(w.sum())
        self.ux, inv = np.unique(x, return_inverse=True)
        self.w_by_x = np.bincount(inv, weights=w, minlength=len(self.ux))
        log_m = np.log(m_x)
        self.sum_wx_log_m = dot(self.wx, log_m)
        self.sum_w_log_m = dot(w, log_m)
        self.sum_wx_log_x = dot(self.wx, np.log(x))

    def neg_mean_ll_and_grad(self, theta: np.ndarray, l2_penalty: float) -> tuple[float, np.ndarray]:
        p, q, v = np.exp(theta)
        ux, W_u, W = self.ux, self.w_by_x, self.total_weight
        pu = p * ux
        log_vs = np.log(v + self.spend)
        sum_wx_log_vs = dot(self.wx, log_vs)
        sum_w_log_vs = dot(self.w, log_vs)
        ll = (dot(W_u, gammaln(pu + q) - gammaln(pu)) - W * gammaln(q) + W * q * np.log(v)
              + p * self.sum_wx_log_m - self.sum_w_log_m + p * self.sum_wx_log_x
              - p * sum_wx_log_vs - q * sum_w_log_vs)
        psi_puq = digamma(pu + q)
        d_p = dot(W_u, ux * (psi_puq - digamma(pu))) + self.sum_wx_log_m + self.sum_wx_log_x - sum_wx_log_vs
        d_q = dot(W_u, psi_puq) - W * digamma(q) + W * np.log(v) - sum_w_log_vs
        d_v = W * q / v - dot(p * self.wx + q * self.w, 1.0 / (v + self.spend))
        grad_ll = np.array([d_p * p, d_q * q, d_v * v])
        value = -ll / W + l2_penalty * float(theta @ theta)
        grad = -grad_ll / W + 2.0 * l2_penalty * theta
        return float(value), grad
