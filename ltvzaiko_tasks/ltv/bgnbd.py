"""The BG/NBD model of repeat purchasing ("buy till you die"), fitted by maximum likelihood.

Notation (Fader, Hardie & Lee 2005a): a customer's purchase history over an observation window is
summarised by ``x`` (``frequency``: number of *repeat* purchases), ``t_x`` (``recency``: time of the last
purchase, measured from the first) and ``T`` (time from the first purchase to the end of observation). All
times are in one *model time unit* chosen when summarising the transactions (days or weeks, see
:func:`~ltvzaiko_tasks.ltv.summary.summarise_transactions`); ``alpha`` is in that same unit.

Assumptions: while alive, a customer buys as a Poisson process with rate ``lambda``; after each repeat
purchase they drop out with probability ``p``; ``lambda ~ Gamma(shape r, rate alpha)`` and
``p ~ Beta(a, b)`` across customers, independently.

References:
    Fader, P. S., Hardie, B. G. S. and Lee, K. L. (2005a). "Counting Your Customers" the Easy Way: An
    Alternative to the Pareto/NBD Model. *Marketing Science* 24(2), 275-284.

    Fader, P. S., Hardie, B. G. S. and Lee, K. L. (2008). Computing P(alive) Using the BG/NBD Model.
    Technical note, brucehardie.com/notes/021.

    Fader, P. S. and Hardie, B. G. S. (2013). Overcoming the BG/NBD Model's #NUM! Error Problem.
    Technical note, brucehardie.com/notes/027.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
from scipy import integrate
from scipy.special import betaln, digamma, expit, gammaln, hyp2f1

from ._fitting import FitInfo, fit_log_params, standard_errors
from ._inputs import (GROUP_THRESHOLD, as_float_array, check_rfm, check_weights, dot, group_rows, index_of,
                      wrap)

PARAM_NAMES = ("r", "alpha", "a", "b")


# --------------------------------------------------------------------------------------------------------
# Formulas on plain arrays (params = (r, alpha, a, b))
# --------------------------------------------------------------------------------------------------------

def bgnbd_log_likelihood(params: tuple[float, float, float, float], x: np.ndarray, t_x: np.ndarray,
                         T: np.ndarray) -> np.ndarray:
    """Per-customer log-likelihood of the BG/NBD model.

    Equations used (FHL 2005a, eq. 6, taken to logs):

    .. math::

        L = \\frac{B(a,b+x)}{B(a,b)} \\frac{\\Gamma(r+x)\\alpha^r}{\\Gamma(r)(\\alpha+T)^{r+x}}
          + \\delta_{x>0} \\frac{B(a+1,b+x-1)}{B(a,b)} \\frac{\\Gamma(r+x)\\alpha^r}{\\Gamma(r)(\\alpha+t_x)^{r+x}}

        \\ln L = \\ln\\Gamma(r+x) - \\ln\\Gamma(r) + r\\ln\\alpha + \\mathrm{logaddexp}(A_1, A_2)

    with :math:`A_1 = \\ln B(a,b+x) - \\ln B(a,b) - (r+x)\\ln(\\alpha+T)` and
    :math:`A_2 = \\ln B(a+1,b+x-1) - \\ln B(a,b) - (r+x)\\ln(\\alpha+t_x)` (:math:`-\\infty` when x = 0),
    so nothing is exponentiated before the logs are added: no overflow for hundreds of purchases.
    """
    r, alpha, a, b = (float(v) for v in params)
    x, t_x, T = np.broadcast_arrays(*(np.asarray(v, dtype=np.float64) for v in (x, t_x, T)))
    ln_bab = betaln(a, b)
    a1 = betaln(a, b + x) - ln_bab - (r + x) * np.log(alpha + T)
    has_repeat = x > 0
    b_shift = np.where(has_repeat, b + x - 1.0, 1.0)
    a2 = np.where(has_repeat, betaln(a + 1.0, b_shift) - ln_bab - (r + x) * np.log(alpha + t_x), -np.inf)
    return gammaln(r + x) - gammaln(r) + r * np.log(alpha) + np.logaddexp(a1, a2)


def bgnbd_probability_alive(params: tuple[float, float, float, float], x: np.ndarray, t_x: np.ndarray,
                            T: np.ndarray) -> np.ndarray:
    """P(alive at T | x, t_x, T).

    Equations used (FHL 2008, eq. 2):

    .. math::

        P(\\text{alive}) = \\left[1 + \\delta_{x>0}\\frac{a}{b+x-1}
                           \\left(\\frac{\\alpha+T}{\\alpha+t_x}\\right)^{r+x}\\right]^{-1}

    evaluated as :math:`\\mathrm{expit}(-\\ln(\\ldots))` so that the power never overflows.
    A customer without repeat purchases is alive with probability 1: in the BG/NBD model dropout can only
    happen right after a repeat purchase.
    """
    r, alpha, a, b = (float(v) for v in params)
    x, t_x, T = np.broadcast_arrays(*(np.asarray(v, dtype=np.float64) for v in (x, t_x, T)))
    has_repeat = x > 0
    b_shift = np.where(has_repeat, b + x - 1.0, 1.0)
    log_odds_dead = np.log(a) - np.log(b_shift) + (r + x) * (np.log(alpha + T) - np.log(alpha + t_x))
    return np.where(has_repeat, expit(-log_odds_dead), 1.0)


def _alive_expectation_closed_form(r: float, alpha: float, a: float, b: float, t: np.ndarray,
                                   x: np.ndarray, T: np.ndarray) -> np.ndarray:
    """E[purchases in (T, T+t] | alive at T, x, T] by the Gaussian hypergeometric closed form (a != 1)."""
    z = t / (alpha + T + t)
    log_1mz = np.log1p(-z)
    c = a + b + x - 1.0
    # Two equal forms (Euler's transformation 2F1(A,B;C;z) = (1-z)^(C-A-B) 2F1(C-A,C-B;C;z)); take the one
    # whose series converges at z = 1 (C-A-B > 0), so the 2F1 stays bounded and the power takes the decay.
    direct = (a - 1.0 - r - x) > 0
    A_ = np.where(direct, r + x, a + b - 1.0 - r)
    B_ = np.where(direct, b + x, a - 1.0)
    power = np.where(direct, r + x, a - 1.0)
    with np.errstate(over="ignore", invalid="ignore", under="ignore"):
        decay = np.exp(power * log_1mz) * hyp2f1(A_, B_, c, z)
        return c / (a - 1.0) * (1.0 - decay)


def _alive_expectation_quadrature(r: float, alpha: float, a: float, b: float, t: float, x: float,
                                  T: float) -> float:
    """Same quantity by adaptive quadrature over the posterior Beta(a, b+x) of the dropout probability.

    Given alive at T: ``lambda | x, T ~ Gamma(r+x, alpha+T)`` and ``p ~ Beta(a, b+x)``; a customer with
    (lambda, p) makes ``(1 - exp(-lambda p t)) / p`` purchases in expectation over the next ``t``, whose mean
    over lambda is ``(1 - (1 + p t/(alpha+T))^-(r+x)) / p``. The Beta integral is taken over the log-odds
    ``y = log(p / (1-p))``, where the density ``p^a (1-p)^(b+x) / B(a, b+x)`` is smooth, log-concave and
    free of endpoint singularities whatever the parameters.
    """
    if t <= 0:
        return 0.0
    k, s, beta = r + x, t / (alpha + T), b + x
    log_norm = float(betaln(a, beta))

    def integrand(y: float) -> float:
        log_p, log_q = -np.logaddexp(0.0, -y), -np.logaddexp(0.0, y)
        p = np.exp(log_p)
        g = -np.expm1(-k * np.log1p(p * s)) / p if p > 0 else k * s
        return float(np.exp(a * log_p + beta * log_q - log_norm) * g)

    mode = float(np.log(a / beta))
    left, _ = integrate.quad(integrand, -np.inf, mode, limit=200, epsabs=0.0, epsrel=1e-10)
    right, _ = integrate.quad(integrand, mode, np.inf, limit=200, epsabs=0.0, epsrel=1e-10)
    return left + right


def bgnbd_expected_purchases_if_alive(params: tuple[float, float, float, float], t: Any, x: Any,
                                      T: Any, *, group: bool = True) -> np.ndarray:
    """Expected number of purchases in (T, T+t] for a customer still alive at T, given x and T.

    Equations used (FHL 2005a, eq. 10, numerator over its denominator; the denominator is 1/P(alive)):

    .. math::

        E[Y(t) \\mid \\text{alive}, x, T] = \\frac{a+b+x-1}{a-1}\\left[1 - \\left(\\frac{\\alpha+T}
        {\\alpha+T+t}\\right)^{r+x} {}_2F_1\\left(r+x, b+x; a+b+x-1; \\frac{t}{\\alpha+T+t}\\right)\\right]

    The hypergeometric factor is evaluated in whichever of its two Euler-equivalent forms converges at
    z = 1 (FH 2013, note 027), so it stays bounded for hundreds of purchases and years of history.
    At ``a == 1`` the closed form is 0/0; within 1e-4 of it the value is interpolated linearly between the
    closed form at ``1 ± 1e-4`` (error O(1e-8) relative; the function is smooth in ``a``). Any value the
    closed form cannot deliver (non-finite, or outside its bounds ``0 <= E <= (r+x) t / (alpha+T)``; scipy's
    2F1 fails for extreme parameters such as a = 30 with hundreds of purchases) is recomputed by adaptive
    quadrature of the integral it solves (:func:`_alive_expectation_quadrature`).
    Independent of ``t_x``: recency enters only through P(alive). Large inputs are evaluated once per
    distinct (t, x, T) unless ``group=False`` (for callers that pass distinct rows already).
    """
    r, alpha, a, b = (float(v) for v in params)
    t, x, T = np.broadcast_arrays(*(np.asarray(v, dtype=np.float64) for v in (t, x, T)))
    shape = t.shape
    t, x, T = t.ravel(), x.ravel(), T.ravel()
    codes = None
    if group and t.size > GROUP_THRESHOLD:
        codes, rep = group_rows(t, x, T)
        if len(rep) < 0.8 * t.size:
            t, x, T = t[rep], x[rep], T[rep]
        else:
            codes = None
    if abs(a - 1.0) < 1e-4:
        h = 1e-4
        below = _alive_expectation_closed_form(r, alpha, 1.0 - h, b, t, x, T)
        above = _alive_expectation_closed_form(r, alpha, 1.0 + h, b, t, x, T)
        out = below + (a - (1.0 - h)) / (2.0 * h) * (above - below)
    else:
        out = _alive_expectation_closed_form(r, alpha, a, b, t, x, T)
    upper = (r + x) * t / (alpha + T)
    bad = ~np.isfinite(out) | (out < -1e-9 * (1.0 + upper)) | (out > upper * (1.0 + 1e-7) + 1e-12)
    for i in np.flatnonzero(bad):
        out[i] = _alive_expectation_quadrature(r, alpha, a, b, t[i], x[i], T[i])
    out = np.clip(out, 0.0, upper)
    out = np.where(t > 0, out, 0.0)
    if codes is not None:
        out = out[codes]
    return out.reshape(shape)


# --------------------------------------------------------------------------------------------------------
# Likelihood with gradient over grouped data
# --------------------------------------------------------------------------------------------------------

class _GroupedHistories:
    """Distinct (x, t_x, T) rows with summed weights, plus the distinct x values (for x-only terms)."""

    def __init__(self, x: np.ndarray, t_x: np.ndarray, T: np.ndarray, w: np.ndarray):
        keep = w > 0
        x, t_x, T, w = x[keep], t_x[keep], T[keep], w[keep]
        if x.size > GROUP_THRESHOLD:
            codes, rep = group_rows(x, t_x, T)
            w = np.bincount(codes, weights=w, minlength=len(rep))
            x, t_x, T = x[rep], t_x[rep], T[rep]
        self.x, self.t_x, self.T, self.w = x, t_x, T, w
        self.ux, self.ux_index = np.unique(x, return_inverse=True)
        self.w_by_x = np.bincount(self.ux_index, weights=w, minlength=len(self.ux))
        self.total_weight = float(w.sum())
        self.n_rows = int(x.size)

    def neg_mean_ll_and_grad(self, theta: np.ndarray, l2_penalty: float) -> tuple[float, np.ndarray]:
        r, alpha, a, b = np.exp(theta)
        ux, W_u, inv = self.ux, self.w_by_x, self.ux_index
        x, w = self.x, self.w
        ux_pos = ux > 0
        ln_bab = betaln(a, b)
        c1 = betaln(a, b + ux) - ln_bab
        b_shift_u = np.where(ux_pos, b + ux - 1.0, 1.0)
        c2 = np.where(ux_pos, betaln(a + 1.0, b_shift_u) - ln_bab, -np.inf)

        log_aT = np.log(alpha + self.T)
        log_atx = np.log(alpha + self.t_x)
        rx = r + x
        a1 = c1[inv] - rx * log_aT
        a2 = c2[inv] - rx * log_atx
        lse = np.logaddexp(a1, a2)
        w2 = np.exp(a2 - lse)          # posterior weight of "dropped out right after the last purchase"
        w1 = 1.0 - w2

        W = self.total_weight
        ll = dot(W_u, gammaln(r + ux) - gammaln(r)) + W * r * np.log(alpha) + dot(w, lse)

        s2_u = np.bincount(inv, weights=w * w2, minlength=len(ux))
        s1_u = W_u - s2_u
        psi_ab, psi_abx = digamma(a + b), digamma(a + b + ux)
        psi_bx1 = np.where(ux_pos, digamma(b_shift_u), 0.0)
        d_r = (dot(W_u, digamma(r + ux) - digamma(r)) + W * np.log(alpha)
               - dot(w, w1 * log_aT + w2 * log_atx))
        d_alpha = W * r / alpha - dot(w, rx * (w1 / (alpha + self.T) + w2 / (alpha + self.t_x)))
        d_a = dot(W_u, psi_ab - psi_abx) + s2_u.sum() / a
        d_b = dot(W_u, psi_ab - psi_abx - digamma(b)) + dot(s1_u, digamma(b + ux)) + dot(s2_u, psi_bx1)
        grad_ll = np.array([d_r * r, d_alpha * alpha, d_a * a, d_b * b])

        value = -ll / W + l2_penalty * float(theta @ theta)
        grad = -grad_ll / W + 2.0 * l2_penalty * theta
        return float(value), grad


# --------------------------------------------------------------------------------------------------------
# The model object
# --------------------------------------------------------------------------------------------------------

class BetaGeoModel:
    """BG/NBD model: repeat purchases, P(alive) and expected future purchases per customer.

    Fit by maximum likelihood (L-BFGS-B on log-parameters with the analytic gradient). Identical
    (frequency, recency, T) rows are fitted once with their count as weight, so a million customers with
    day- or week-resolution histories fit in one to two seconds on two cores (see ``benchmark.py``).

    Args:
        l2_penalty: L2 penalty on the *log*-parameters, added to the mean negative log-likelihood per
            customer: ``objective = -LL/N + l2_penalty * sum(log(param)**2)``. 0 (default) is plain maximum
            likelihood; a small value (1e-4 .. 1e-2) keeps weakly identified parameters (typically ``a`` and
            ``b`` with few repeat buyers) finite by shrinking them towards 1.
        initial_params: starting values ``{"r", "alpha", "a", "b"}``; by default r = 1, a = 1, b = 3 and
            alpha = r * mean(T) / mean(frequency), which puts the prior mean purchase rate r/alpha at the
            observed one whatever the time unit.
        max_iter: iteration cap of the optimiser.

    Attributes (after :meth:`fit`):
        params: dict ``{"r", "alpha", "a", "b"}`` (``alpha`` in the model time unit).
        log_likelihood_: total (weighted) log-likelihood at the estimate, without the penalty.
        n_customers_: number (sum of weights) of customers fitted.
        n_distinct_histories_: distinct (frequency, recency, T) rows the likelihood was evaluated on.
        standard_errors_: asymptotic standard errors of the parameters (observed information, delta
            method; of the unpenalised likelihood, NaN where it is not identified).
        fit_info_: optimiser report (:class:`~ltvzaiko_tasks.ltv._fitting.FitInfo`).

    Equations used: see :func:`bgnbd_log_likelihood`, :func:`bgnbd_probability_alive`,
    :func:`bgnbd_expected_purchases_if_alive`.

    References: Fader, Hardie & Lee (2005a), *Marketing Science* 24(2) 275-284; Fader, Hardie & Lee (2008),
    "Computing P(alive) Using the BG/NBD Model".

    Example (the CDNOW parameters published in FHL 2005a; a customer with x = 2, t_x = 30.43, T = 38.86
    weeks is expected to make 1.226 purchases in the next 39 weeks, p. 281):

    >>> bg = BetaGeoModel.from_params(r=0.243, alpha=4.414, a=0.793, b=2.426)
    >>> round(bg.expected_purchases(39, frequency=2, recency=30.43, T=38.86), 3)
    1.226
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
        self.n_distinct_histories_: int | None = None
        self.fit_info_: FitInfo | None = None
        self.standard_errors_: dict[str, float] | None = None

    # -- parameters --------------------------------------------------------------------------------------
    @classmethod
    def from_params(cls, r: float, alpha: float, a: float, b: float) -> BetaGeoModel:
        """A model with given parameters (e.g. published ones, or a stored fit), ready to predict."""
        model = cls()
        model._set_params({"r": r, "alpha": alpha, "a": a, "b": b})
        return model

    def _set_params(self, params: Mapping[str, float]) -> None:
        missing = [k for k in PARAM_NAMES if k not in params]
        if missing:
            raise ValueError(f"BG/NBD parameters missing: {missing}; give r, alpha, a and b")
        values = {k: float(params[k]) for k in PARAM_NAMES}
        if not all(np.isfinite(v) and v > 0 for v in values.values()):
            raise ValueError(f"BG/NBD parameters must all be finite and > 0, got {values}")
        self._params = values

    @property
    def params(self) -> dict[str, float]:
        """``{"r", "alpha", "a", "b"}`` (a copy)."""
        if self._params is None:
            raise RuntimeError("BetaGeoModel is not fitted: call .fit(frequency, recency, T) or .from_params()")
        return dict(self._params)

    def _tuple(self) -> tuple[float, float, float, float]:
        p = self.params
        return p["r"], p["alpha"], p["a"], p["b"]

    def __repr__(self) -> str:
        if self._params is None:
            return f"BetaGeoModel(l2_penalty={self.l2_penalty:g}, unfitted)"
        body = ", ".join(f"{k}={v:.4g}" for k, v in self._params.items())
        return f"BetaGeoModel({body})"

    # -- fitting -----------------------------------------------------------------------------------------
    def fit(self, frequency: Any, recency: Any, T: Any, weights: Any = None) -> BetaGeoModel:
        """Estimate (r, alpha, a, b) by maximum likelihood; returns ``self``.

        Args:
            frequency: repeat purchases per customer (x), whole numbers >= 0.
            recency: time of the last purchase after the first (t_x), model time units; 0 when x = 0.
            T: time from the first purchase to the end of observation, model time units (>= recency).
            weights: optional count of customers each row stands for (aggregated input); default 1 each.
        """
        x, t_x, T_arr = check_rfm(frequency, recency, T)
        x, t_x, T_arr = x.ravel(), t_x.ravel(), T_arr.ravel()
        w = check_weights(weights, x.size)
        if not np.any((x > 0) & (w > 0)):
            raise ValueError("no customer has a repeat purchase: the BG/NBD model cannot be fitted on this data")
        data = _GroupedHistories(x, t_x, T_arr, w)

        theta0 = np.log(self._initial(data))
        penalty = self.l2_penalty
        theta, info = fit_log_params(lambda th: data.neg_mean_ll_and_grad(th, penalty), theta0,
                                     max_iter=self.max_iter, gtol=1e-9, model_name="BG/NBD")
        self._set_params(dict(zip(PARAM_NAMES, np.exp(theta))))
        value, _ = data.neg_mean_ll_and_grad(theta, 0.0)
        self.log_likelihood_ = float(-value * data.total_weight)
        se = standard_errors(lambda th: data.neg_mean_ll_and_grad(th, 0.0), theta, data.total_weight)
        self.standard_errors_ = dict(zip(PARAM_NAMES, (float(v) for v in se)))
        self.n_customers_ = data.total_weight
        self.n_distinct_histories_ = data.n_rows
        self.fit_info_ = info
        return self

    def _initial(self, data: _GroupedHistories) -> np.ndarray:
        if self.initial_params is not None:
            start = {k: float(self.initial_params[k]) for k in PARAM_NAMES}
            if not all(np.isfinite(v) and v > 0 for v in start.values()):
                raise ValueError(f"initial_params must all be finite and > 0, got {start}")
            return np.array([start[k] for k in PARAM_NAMES])
        W = data.total_weight
        mean_x = dot(data.w, data.x) / W
        mean_T = dot(data.w, data.T) / W
        r0 = 1.0
        alpha0 = r0 * max(mean_T, 1e-6) / max(mean_x, 1e-6)
        return np.array([r0, alpha0, 1.0, 3.0])

    # -- predictions -------------------------------------------------------------------------------------
    def log_likelihood(self, frequency: Any, recency: Any, T: Any):
        """Per-customer log-likelihood at the current parameters (Series if given Series)."""
        x, t_x, T_arr = check_rfm(frequency, recency, T)
        return wrap(bgnbd_log_likelihood(self._tuple(), x, t_x, T_arr), index_of(frequency, recency, T),
                    "log_likelihood")

    def probability_alive(self, frequency: Any, recency: Any, T: Any):
        """P(the customer is still alive at T | x, t_x, T) in [0, 1] (FHL 2008, eq. 2)."""
        x, t_x, T_arr = check_rfm(frequency, recency, T)
        return wrap(bgnbd_probability_alive(self._tuple(), x, t_x, T_arr), index_of(frequency, recency, T),
                    "p_alive")

    def expected_purchases_if_alive(self, t: Any, frequency: Any, T: Any):
        """Expected purchases in (T, T+t] for a customer known to be alive at T (``t`` in model units)."""
        t_arr = as_float_array("t", t)
        if np.any(t_arr < 0):
            raise ValueError("t (the forecast horizon, in model time units) must be >= 0")
        x, _, T_arr = check_rfm(frequency, 0.0, T)
        return wrap(bgnbd_expected_purchases_if_alive(self._tuple(), t_arr, x, T_arr), index_of(frequency, T),
                    "expected_purchases_if_alive")

    def expected_purchases(self, t: Any, frequency: Any, recency: Any, T: Any):
        """Conditional expected number of purchases in (T, T+t] given the history (x, t_x, T).

        Equations used (FHL 2005a, eq. 10):

        .. math::

            E[Y(t) \\mid x, t_x, T] = P(\\text{alive} \\mid x, t_x, T) \\cdot
            \\frac{a+b+x-1}{a-1}\\left[1 - \\left(\\frac{\\alpha+T}{\\alpha+T+t}\\right)^{r+x}
            {}_2F_1\\left(r+x, b+x; a+b+x-1; \\frac{t}{\\alpha+T+t}\\right)\\right]

        Args:
            t: horizon length in model time units (scalar, or broadcastable against the customers).
            frequency, recency, T: the customers' histories, as in :meth:`fit`.
        """
        t_arr = as_float_array("t", t)
        if np.any(t_arr < 0):
            raise ValueError("t (the forecast horizon, in model time units) must be >= 0")
        x, t_x, T_arr = check_rfm(frequency, recency, T)
        params = self._tuple()
        alive = bgnbd_probability_alive(params, x, t_x, T_arr)
        out = alive * bgnbd_expected_purchases_if_alive(params, t_arr, x, T_arr)
        return wrap(out, index_of(frequency, recency, T), "expected_purchases")

    def expected_purchases_new_customer(self, t: Any):
        """Unconditional E[X(t)]: expected repeat purchases of a new customer in (0, t] (model units).

        Equations used (FHL 2005a, eq. 9):

        .. math::

            E[X(t)] = \\frac{a+b-1}{a-1}\\left[1 - \\left(\\frac{\\alpha}{\\alpha+t}\\right)^r
                      {}_2F_1\\left(r, b; a+b-1; \\frac{t}{\\alpha+t}\\right)\\right]

        i.e. :func:`bgnbd_expected_purchases_if_alive` at x = 0, T = 0.
        """
        t_arr = as_float_array("t", t)
        if np.any(t_arr < 0):
            raise ValueError("t (in model time units) must be >= 0")
        out = bgnbd_expected_purchases_if_alive(self._tuple(), t_arr, 0.0, 0.0)
        return wrap(out, index_of(t), "expected_purchases_new_customer")
