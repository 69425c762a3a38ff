"""Maximum likelihood on log-parameters with L-BFGS-B (internal, shared by both models)."""
from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy.optimize import minimize

LOG_BOUND = 18.0
"""Log-parameters are kept in [-18, 18], i.e. parameters in [1.5e-8, 6.6e7]: wide, and never overflowing."""

CONVERGED_GRADIENT = 1e-6
"""Largest |gradient| of the mean negative log-likelihood per customer (w.r.t. log-parameters) that counts as
converged when L-BFGS-B stops on a failed line search (which it does at an optimum it cannot improve)."""


@dataclass(frozen=True)
class FitInfo:
    """What the optimiser reported: kept on the fitted model as ``fit_info_``."""

    converged: bool
    n_iter: int
    n_evaluations: int
    max_abs_gradient: float
    message: str


def fit_log_params(
    objective: Callable[[np.ndarray], tuple[float, np.ndarray]],
    theta0: np.ndarray,
    *,
    max_iter: int,
    gtol: float,
    model_name: str,
) -> tuple[np.ndarray, FitInfo]:
    """Minimise ``objective(theta) -> (value, gradient)`` over log-parameters ``theta``.

    L-BFGS-B with the analytic gradient; if it stops short (e.g. a failed line search far from the optimum)
    it is restarted once from where it stopped with a fresh curvature memory. Convergence is judged by
    the gradient, not by the optimiser's flag, because a line search that cannot improve on an already
    optimal point is also reported as a failure.
    """
    bounds = [(-LOG_BOUND, LOG_BOUND)] * len(theta0)
    options = {"maxiter": max_iter, "ftol": 1e-15, "gtol": gtol, "maxcor": 20}
    res = minimize(objective, theta0, jac=True, method="L-BFGS-B", bounds=bounds, options=options)
    n_iter, n_eval = int(res.nit), int(res.nfev)
    if not res.success and _max_free_gradient(objective, res.x) >= CONVERGED_GRADIENT:
        res2 = minimize(objective, res.x, jac=True, method="L-BFGS-B", bounds=bounds, options=options)
        n_iter, n_eval = n_iter + int(res2.nit), n_eval + int(res2.nfev)
        if res2.fun <= res.fun:
            res = res2
    theta = np.asarray(res.x, dtype=np.float64)
    value, _ = objective(theta)
    at_bound = np.abs(theta) >= LOG_BOUND - 1e-9
    max_grad = _max_free_gradient(objective, theta)
    converged = bool(np.isfinite(value) and (res.success or max_grad < CONVERGED_GRADIENT))
    info = FitInfo(converged, n_iter, n_eval, max_grad, str(res.message))
    if not converged:
        warnings.warn(
            f"{model_name} fit did not converge ({info.message}; max |gradient| {max_grad:.2e}). "
            "Check the inputs' time unit and outliers, or set a small l2_penalty.",
            RuntimeWarning,
            stacklevel=3,
        )
    if np.any(at_bound):
        warnings.warn(
            f"{model_name}: a parameter hit its bound (exp(±{LOG_BOUND:g})); the data hardly identify it. "
            "A small l2_penalty keeps it finite.",
            RuntimeWarning,
            stacklevel=3,
        )
    return theta, info


def _max_free_gradient(objective: Callable[[np.ndarray], tuple[float, np.ndarray]], theta: np.ndarray) -> float:
    """Largest |gradient| component, ignoring parameters pinned at their bound."""
    _, grad = objective(np.asarray(theta, dtype=np.float64))
    at_bound = np.abs(theta) >= LOG_BOUND - 1e-9
    return float(np.max(np.abs(np.where(at_bound, 0.0, grad))))


def standard_errors(objective: Callable[[np.ndarray], tuple[float, np.ndarray]], theta: np.ndarray,
                    total_weight: float) -> np.ndarray:
    """Asymptotic standard errors of the parameters exp(theta) from the observed information.

    ``objective`` is the *unpenalised* mean negative log-likelihood per customer; its Hessian in theta is
    taken by central differences of the analytic gradient, the covariance of theta is
    ``inv(H) / total_weight`` and the delta method gives ``se(param) = param * se(theta)``. NaN where the
    Hessian is not positive definite (e.g. a parameter at its bound).
    """
    k = len(theta)
    h = 1e-5
    hess = np.empty((k, k))
    for j in range(k):
        step = np.zeros(k)
        step[j] = h
        hess[:, j] = (objective(theta + step)[1] - objective(theta - step)[1]) / (2 * h)
    hess = 0.5 * (hess + hess.T)
    try:
        np.linalg.cholesky(hess)
        cov = np.linalg.inv(hess) / total_weight
    except np.linalg.LinAlgError:
        return np.full(k, np.nan)
    return np.exp(theta) * np.sqrt(np.diag(cov))
