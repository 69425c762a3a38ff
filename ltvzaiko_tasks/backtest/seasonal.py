"""Remaining-season demand of seasonal styles: a selling profile learnt from past seasons, and the buyer's
plan corrected by the style's own sales.

**Profile.** Daily sales of seasonal styles (summed over the locations that were not out of stock) are
modelled as Poisson with mean ``a · θ_s · g_c(x) · m_p``: ``a`` the share of the style's planned demand at
the observed locations, ``θ_s`` the style's level, ``g_c`` the selling curve of season type ``c`` (SS/AW)
over season progress ``x = (day − launch) / (end − launch)`` in ``profile_bins`` bins, ``m_p`` the lift of
markdown phase ``p`` (full price, first, second markdown). Fitted by alternating maximum likelihood
(each factor's closed-form update given the others) on every seasonal style-day of the history. With no
seasonal history the profile is flat — an assumption, never the world's own curve.

**Belief about a style's season total.** The buyer's plan ``T0`` (season units, buyer's error included)
is the prior: the true total is ``φ · T0`` with ``log φ`` normal, mean 1 and coefficient of variation
``plan_error_cv``. The style's own sales ``Y`` against the exposure ``E = T0 · Σ a · c_s(day)`` (``c_s`` the
profile's daily share of the season, ``a`` the share of the style in stock) estimate ``log(Y / E)``, with
variance ``κ / Y`` (over-dispersed counting noise) plus ``(σ_shape · (1 − F))²`` — a style's curve differs
from the profile, so extrapolating from the share ``F`` of the season seen so far is uncertain until the
season is mostly over. Prior and data are combined by precision (:meth:`SeasonalModel.belief`). Demand of a
location × SKU over ``[t0, t1)`` is ``φ · plan(loc, style) · split(SKU) · F_s(t0, t1)``, its variance that of
``φ`` plus over-dispersed Poisson noise.
"""
from __future__ import annotations

import numpy as np

from .knowledge import RetailerKnowledge
from .observations import RetailerHistory

PHASES = 3
OVERDISPERSION = 2.0
"""κ: effective counts are halved, so one season's sales move the belief as much as half as many
independent Poisson draws would (retail daily demand is typically over-dispersed by a factor 1.5-3)."""


class SeasonalModel:
    def __init__(self, knowledge: RetailerKnowledge, bins: int, plan_error_cv: float, shape_cv: float = 0.3):
        k = knowledge
        self.k, self.bins = k, bins
        self.shape_cv = shape_cv
        self.prior_mu = -np.log1p(plan_error_cv ** 2) / 2      # log φ prior: mean 1, cv plan_error_cv
        self.prior_var = np.log1p(plan_error_cv ** 2)
        self.shape_grid: np.ndarray | None = None              # calibrated σ_shape at season shares F
        self.shape_sd: np.ndarray | None = None
        self.calibration: dict = {"styles": 0, "source": "defaults"}
        self.styles = np.flatnonzero(k.seasonal)
        self.codes = ("SS", "AW")
        self.g = np.ones((2, bins))
        self.m = np.ones(PHASES)
        total = k.season_plan.sum(axis=0)
        self.plan_total = total
        self.loc_share = np.divide(k.season_plan, total[None, :], out=np.zeros_like(k.season_plan),
                                   where=total[None, :] > 0)
        self.length = np.maximum(k.end_day - k.launch_day, 1)
        self._build_curves()
        self.fitted = False

    # -------------------------------------------------------------------------------- profile
    def _weights(self, style: np.ndarray, day: np.ndarray) -> np.ndarray:
        k = self.k
        x = (day - k.launch_day[style] + 0.5) / self.length[style]
        b = np.clip((x * self.bins).astype(np.int64), 0, self.bins - 1)
        code = (k.season_code[style] == "AW").astype(np.int64)
        phase = (day >= k.md1_day[style]).astype(np.int64) + (day >= k.md2_day[style])
        return self.g[code, b] * self.m[phase]

    def _build_curves(self) -> None:
        k = self.k
        n = int(self.length[self.styles].max(initial=1))
        self.cum = np.zeros((k.n_styles, n + 1))
        for s in self.styles.tolist():
            days = k.launch_day[s] + np.arange(self.length[s])
            w = self._weights(np.full(len(days), s), days)
            c = np.cumsum(w) / w.sum()
            self.cum[s, 1:len(c) + 1] = c
            self.cum[s, len(c) + 1:] = 1.0

    def share(self, style: np.ndarray, t0: np.ndarray, t1: np.ndarray) -> np.ndarray:
        """Share of the style's season demand falling in days ``[t0, t1)``."""
        k = self.k
        n = self.cum.shape[1] - 1
        a = np.clip(np.asarray(t0, dtype=np.int64) - k.launch_day[style], 0, n)
        b = np.clip(np.ceil(np.asarray(t1)).astype(np.int64) - k.launch_day[style], 0, n)
        return np.maximum(self.cum[style, b] - self.cum[style, np.minimum(a, b)], 0.0)

    def _observations(self, history: RetailerHistory, day: int, styles: np.ndarray):
        """Flat arrays over (style, day) with data up to ``day``: style, day, sales Y, exposure share a.

        ``a`` is the share of the style's planned demand that could be served: each location's plan share
        times the part of the style (by the plan's SKU split) in stock at close. Days a location was out of
        the whole style add nothing; partly out, they count in proportion."""
        k = self.k
        out_s, out_d, out_y, out_a = [], [], [], []
        for s in styles.tolist():
            d0, d1 = max(int(k.launch_day[s]), 0), min(int(k.end_day[s]), day + 1, history.n_days)
            if d1 <= d0:
                continue
            served = history.present[d0:d1, :, s] * (1.0 - history.out_share[d0:d1, :, s])
            y = np.where(history.present[d0:d1, :, s], history.sales[d0:d1, :, s], 0.0).sum(axis=1)
            a = (served * self.loc_share[None, :, s]).sum(axis=1)
            keep = a > 0.05
            out_s.append(np.full(int(keep.sum()), s))
            out_d.append(np.arange(d0, d1)[keep])
            out_y.append(y[keep])
            out_a.append(a[keep])
        if not out_s:
            z = np.zeros(0)
            return z.astype(np.int64), z.astype(np.int64), z, z
        return (np.concatenate(out_s), np.concatenate(out_d), np.concatenate(out_y), np.concatenate(out_a))

    def fit_profile(self, history: RetailerHistory, day: int, iterations: int = 30) -> None:
        k = self.k
        s, d, y, a = self._observations(history, day, self.styles[k.launch_day[self.styles] <= day])
        if len(s) == 0 or y.sum() <= 0:
            return
        x = (d - k.launch_day[s] + 0.5) / self.length[s]
        b = np.clip((x * self.bins).astype(np.int64), 0, self.bins - 1)
        code = (k.season_code[s] == "AW").astype(np.int64)
        cb = code * self.bins + b
        phase = (d >= k.md1_day[s]).astype(np.int64) + (d >= k.md2_day[s])
        g = np.ones(2 * self.bins)
        m = np.ones(PHASES)
        theta = np.ones(k.n_styles)
        for _ in range(iterations):
            base = a * g[cb] * m[phase]
            theta_new = np.bincount(s, weights=y, minlength=k.n_styles)
            expo = np.bincount(s, weights=base, minlength=k.n_styles)
            theta = np.divide(theta_new, expo, out=np.zeros_like(theta_new), where=expo > 0)
            base = a * theta[s] * m[phase]
            num = np.bincount(cb, weights=y, minlength=2 * self.bins)
            den = np.bincount(cb, weights=base, minlength=2 * self.bins)
            g = np.where(den > 0, num / np.where(den > 0, den, 1.0), np.nan)
            g = _fill_bins(g.reshape(2, self.bins)).ravel()
            base = a * theta[s] * g[cb]
            num = np.bincount(phase, weights=y, minlength=PHASES)
            den = np.bincount(phase, weights=base, minlength=PHASES)
            m = np.where(den > 0, num / np.where(den > 0, den, 1.0), np.nan)
            m = np.nan_to_num(m / (m[0] if np.isfinite(m[0]) and m[0] > 0 else 1.0), nan=1.0)
            m[1] = m[1] if np.isfinite(m[1]) and m[1] > 0 else 1.0
            m[2] = m[2] if np.isfinite(m[2]) and m[2] > 0 else m[1]
        g = g.reshape(2, self.bins)
        g = g / np.maximum(g.mean(axis=1, keepdims=True), 1e-12)
        self.g, self.m = np.maximum(g, 0.02), m
        self._build_curves()
        self.fitted = True

    # -------------------------------------------------------------------------------- belief
    # ---------------------------------------------------------------------------- calibration
    CHECKPOINTS = np.array([0.03, 0.06, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9])
    MIN_CALIBRATION_STYLES = 6

    def calibrate(self, history: RetailerHistory, day: int) -> None:
        """Learn from the seasons that ended inside the history how good the buyer's plan was (the prior of
        φ: mean and spread of log(actual / plan)) and how well part of a season predicts the whole (σ_shape at
        each share F of the season seen): what a merchandiser reads off last season's plan-vs-actual."""
        k = self.k
        done = self.styles[(k.end_day[self.styles] <= day) & (k.launch_day[self.styles] >= 0)]
        if len(done) < self.MIN_CALIBRATION_STYLES:
            return
        s, d, y, a = self._observations(history, day, done)
        if len(s) == 0:
            return
        n = k.n_styles
        expo = a * self.share(s, d, d + 1) * self.plan_total[s]
        Y = np.bincount(s, weights=y, minlength=n)[done]
        E = np.bincount(s, weights=expo, minlength=n)[done]
        ok = (E > 20) & (Y > 20)
        if ok.sum() < self.MIN_CALIBRATION_STYLES:
            return
        final = np.log(Y[ok] / E[ok])
        self.prior_mu = float(final.mean())
        self.prior_var = float(max(final.var(ddof=1), 0.1 ** 2))
        F_day = self.share(s, k.launch_day[s], d + 1)                 # season share elapsed by each day
        pos = np.searchsorted(done, s)
        sd = []
        for F in self.CHECKPOINTS:
            m = F_day <= F
            Yj = np.bincount(pos[m], weights=y[m], minlength=len(done))[ok]
            Ej = np.bincount(pos[m], weights=expo[m], minlength=len(done))[ok]
            good = (Yj > 5) & (Ej > 0)
            if good.sum() < 3:
                sd.append(np.nan)
                continue
            err = np.log(Yj[good] / Ej[good]) - final[good]
            sd.append(float(np.sqrt(max(np.mean(err ** 2) - np.mean(OVERDISPERSION / Yj[good]), 0.0))))
        sd = np.array(sd)
        if np.isfinite(sd).sum() >= 3:
            keep = np.isfinite(sd)
            # never claim more certainty early than later: the error can only shrink as the season goes on
            self.shape_grid = self.CHECKPOINTS[keep]
            self.shape_sd = np.maximum.accumulate(sd[keep][::-1])[::-1]
        self.calibration = {"styles": int(ok.sum()), "source": "history",
                            "plan_log_error_mean": round(self.prior_mu, 4),
                            "plan_log_error_sd": round(float(np.sqrt(self.prior_var)), 4),
                            "shape_sd_by_season_share": {f"{g:.2f}": round(float(v), 3) for g, v in
                                                         zip(self.shape_grid if self.shape_grid is not None else [],
                                                             self.shape_sd if self.shape_sd is not None else [])}}

    def _shape_var(self, F: np.ndarray) -> np.ndarray:
        if self.shape_grid is None:
            return (self.shape_cv * (1.0 - F)) ** 2
        sd = np.interp(F, self.shape_grid, self.shape_sd, left=self.shape_sd[0], right=self.shape_sd[-1])
        return (sd * (1.0 - np.clip((F - self.shape_grid[-1]) / max(1 - self.shape_grid[-1], 1e-9), 0, 1))) ** 2

    # -------------------------------------------------------------------------------- belief
    def belief(self, history: RetailerHistory, day: int, styles: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Posterior mean and variance of φ (true season total / buyer's plan) per style in ``styles``.

        In log space: the prior is the plan, log φ ~ N(μ0, σ0²) (calibrated on past seasons, else mean 1 and
        cv ``plan_error_cv``); the data say log(Y / E) with variance κ/Y (over-dispersed counting noise) plus
        σ_shape(F)², the error of extrapolating from the share F of the season seen so far (a style's curve
        differs from the profile). The two are combined by precision, so early in the season the plan keeps
        most of its weight.
        """
        styles = np.asarray(styles)
        mu = np.full(len(styles), self.prior_mu)
        var = np.full(len(styles), self.prior_var)
        started = styles[self.k.launch_day[styles] <= day]
        if len(started):
            s, d, y, a = self._observations(history, day, np.unique(started))
            if len(s):
                n = self.k.n_styles
                c = self.share(s, d, d + 1)
                Y = np.bincount(s, weights=y, minlength=n)[styles]
                E = np.bincount(s, weights=a * c * self.plan_total[s], minlength=n)[styles]
                F = self.share(styles, self.k.launch_day[styles], np.full(len(styles), day + 1))
                ok = E > 1.0
                v_data = OVERDISPERSION / np.maximum(Y, 1.0) + self._shape_var(F)
                m_data = np.log(np.maximum(Y, 0.5) / np.maximum(E, 1e-9))
                prec = 1.0 / var + np.where(ok, 1.0 / np.maximum(v_data, 1e-6), 0.0)
                mu = np.where(ok, (mu / var + m_data / np.maximum(v_data, 1e-6)) / prec, mu)
                var = 1.0 / prec
        mean = np.exp(mu + var / 2)
        return mean, (np.exp(var) - 1.0) * mean * mean

    def interval(self, loc, sku, t0, t1, phi_mean, phi_var) -> tuple[np.ndarray, np.ndarray]:
        """Mean and variance of demand of location × SKU over ``[t0, t1)`` given φ's mean and variance (per row)."""
        k = self.k
        style = k.sku_style[sku]
        base = k.season_plan[loc, style] * k.plan_split[sku] * self.share(style, t0, t1)
        mean = phi_mean * base
        return mean, base * base * phi_var + mean * OVERDISPERSION


def _fill_bins(g: np.ndarray) -> np.ndarray:
    """Bins without data take the other season type's value (scaled on the bins both have), else the
    nearest known bin of their own type, else 1."""
    out = g.copy()
    for c in (0, 1):
        other = g[1 - c]
        miss = ~np.isfinite(out[c])
        if not miss.any():
            continue
        both = np.isfinite(g[c]) & np.isfinite(other)
        if both.any() and np.isfinite(other[miss]).any():
            ratio = np.nansum(g[c][both]) / max(np.nansum(other[both]), 1e-12)
            out[c][miss] = other[miss] * ratio
        miss = ~np.isfinite(out[c])
        known = np.flatnonzero(~miss)
        if len(known):
            for i in np.flatnonzero(miss):
                out[c][i] = out[c][known[np.abs(known - i).argmin()]]
        else:
            out[c][:] = 1.0
    return out
