"""The standard normal loss function G(k) and its inverse (the unit normal linear loss integral).

For a standard normal Z, the loss function is the expected amount by which Z exceeds k:

    G(k) = E[(Z − k)+] = φ(k) − k (1 − Φ(k))

Silver, Pyke & Thomas (2017) write it G_u(k) and tabulate it in an appendix; Snyder & Shen (2019) write
𝓛(z); Nahmias calls it L(z). For demand X ~ N(μ, σ²) the expected shortage beyond a stock level x is
σ G((x − μ)/σ): this is what turns a fill-rate (P2) target into a safety factor.

References:
    E. A. Silver, D. F. Pyke, D. J. Thomas, *Inventory and Production Management in Supply Chains*, 4th ed.,
    CRC Press, 2017, ch. 6 and the appendix table of G_u(k).
    L. V. Snyder, Z.-J. M. Shen, *Fundamentals of Supply Chain Theory*, 2nd ed., Wiley, 2019, appendix C
    (loss functions).
"""
from __future__ import annotations

import numpy as np
from scipy.special import erfcx, ndtr

from ._checks import as_float, out, positive
from .errors import ReplenishmentInputError

_INV_SQRT_2PI = 1.0 / np.sqrt(2.0 * np.pi)
_SQRT_2 = np.sqrt(2.0)
_Z_MAX = 1e6


def _loss_parts(z: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(log G(z), (1 − Φ(z)) / G(z))`` without cancellation in the right tail.

    For z > 0, both φ(z) and z(1 − Φ(z)) are factored as exp(−z²/2) × (something of order 1) with the scaled
    complementary error function erfcx, so G(z) stays accurate where the textbook formula loses all its
    digits (z > 8).
    """
    log_g = np.empty_like(z)
    hazard = np.empty_like(z)
    right = z > 0
    zr = z[right]
    scaled_sf = 0.5 * erfcx(zr / _SQRT_2)             # (1 − Φ(z)) · exp(z²/2)
    bracket = _INV_SQRT_2PI - zr * scaled_sf          # G(z) · exp(z²/2) > 0
    log_g[right] = -0.5 * zr * zr + np.log(bracket)
    hazard[right] = scaled_sf / bracket
    zl = z[~right]
    sf = ndtr(-zl)
    g = _INV_SQRT_2PI * np.exp(-0.5 * zl * zl) - zl * sf
    log_g[~right] = np.log(g)
    hazard[~right] = sf / g
    return log_g, hazard


def standard_normal_loss(safety_factor):
    """Standard normal loss function G(k) = E[(Z − k)+], Z ~ N(0, 1).

    Parameters:
        safety_factor: k, number of standard deviations of stock above the mean (scalar or array).

    Returns:
        G(k) ≥ 0, the expected shortage per unit of σ. A float for a scalar input.

    Equations used:
        G(k) = φ(k) − k (1 − Φ(k))              (Silver, Pyke & Thomas 2017, ch. 6; Snyder & Shen 2019, (C.22))

    Examples (values of the G_u(k) table in the appendix of Silver, Pyke & Thomas 2017):

    >>> round(standard_normal_loss(0.0), 4), round(standard_normal_loss(1.0), 4), round(standard_normal_loss(2.0), 4)
    (0.3989, 0.0833, 0.0085)
    """
    k = as_float("safety_factor", safety_factor, allow_inf=True)
    flat = np.clip(np.atleast_1d(k), -_Z_MAX, _Z_MAX).astype(float)
    log_g, _ = _loss_parts(flat)
    g = np.exp(log_g)
    g = np.where(np.atleast_1d(k) == np.inf, 0.0, np.where(np.atleast_1d(k) == -np.inf, np.inf, g))
    return out(g.reshape(k.shape), safety_factor)


def standard_normal_loss_complement(safety_factor):
    """Complementary loss Ḡ(k) = E[(k − Z)+] = k + G(k): expected stock left over per unit of σ.

    Equations used:
        Ḡ(k) = k + G(k)                                             (Snyder & Shen 2019, (C.23))

    >>> round(standard_normal_loss_complement(1.3), 6)
    1.345528
    """
    k = as_float("safety_factor", safety_factor)
    return out(k + np.asarray(standard_normal_loss(k)), safety_factor)


def normal_loss(stock_level, demand_mean, demand_sd):
    """Expected shortage E[(X − x)+] for demand X ~ N(μ, σ²) and stock level x.

    Parameters:
        stock_level: x, units available against the demand.
        demand_mean: μ, mean demand (units).
        demand_sd: σ ≥ 0, standard deviation of demand (units); σ = 0 means certain demand.

    Equations used:
        n(x) = σ G((x − μ)/σ);  n(x) = max(μ − x, 0) when σ = 0.   (Snyder & Shen 2019, (C.31))

    >>> round(normal_loss(18.6, 15, 3), 6)
    0.168307
    """
    x = as_float("stock_level", stock_level)
    mu = as_float("demand_mean", demand_mean)
    sd = as_float("demand_sd", demand_sd)
    if (sd < 0).any():
        raise ReplenishmentInputError(f"demand_sd must be >= 0, got min {sd.min():g}")
    x, mu, sd = np.broadcast_arrays(x, mu, sd)
    safe_sd = np.where(sd > 0, sd, 1.0)
    loss = np.where(sd > 0, safe_sd * np.asarray(standard_normal_loss((x - mu) / safe_sd)),
                    np.maximum(mu - x, 0.0))
    return out(loss, stock_level, demand_mean, demand_sd)


def inverse_standard_normal_loss(expected_shortage, *, tolerance: float = 1e-12, max_iterations: int = 100):
    """The safety factor k with G(k) = g, for g > 0 (vectorised).

    Parameters:
        expected_shortage: g > 0, the target value of G(k) (expected shortage per unit of σ).
        tolerance: stop when |Δk| < tolerance for every element.
        max_iterations: Newton steps at most (convergence takes 5-10).

    Returns:
        k such that G(k) = g; k < 0 when g > G(0) = 0.3989 (the target is met with less than mean stock).

    Method:
        G is strictly decreasing and log-concave, so Newton's method on h(k) = log G(k) − log g lands to the
        right of the root after its first step and then converges monotonically:
        k ← k + (log G(k) − log g) · G(k) / (1 − Φ(k)).

    >>> round(inverse_standard_normal_loss(0.0833), 2)
    1.0
    """
    g = positive("expected_shortage", expected_shortage)
    target = np.log(np.atleast_1d(g)).astype(float)
    k = np.zeros_like(target)
    active = np.ones(k.shape, dtype=bool)
    for _ in range(max_iterations):
        if not active.any():
            break
        log_g, hazard = _loss_parts(k[active])
        step = (log_g - target[active]) / hazard
        k_new = np.clip(k[active] + step, -_Z_MAX, 40.0)
        done = np.abs(k_new - k[active]) < tolerance * np.maximum(1.0, np.abs(k_new))
        k[active] = k_new
        idx = np.flatnonzero(active)
        active[idx[done]] = False
    return out(k.reshape(np.shape(g)), expected_shortage)
