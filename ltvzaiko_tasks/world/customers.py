"""Customers: a BG/NBD population with heterogeneous spend, channel preferences and membership.

Each customer is "born" with a first purchase on their acquisition day, then, while alive, makes shopping
trips at rate λ (scaled by the day's channel factors and campaigns); after every repeat purchase they drop
out for good with probability p (more after a visit with a stock-out). λ ~ Gamma(r, α), p ~ Beta(a, b): the
BG/NBD model of Fader, Hardie & Lee (2005), which the LTV stage later fits. Each trip buys 1 + Poisson(m)
items, m ~ Gamma, so spend per transaction is heterogeneous too.

A customer is known to the retailer (appears in the customers master) once they hold a member card (会員カード,
taken at a store purchase by members) or an EC account (created at their first EC order). Mall purchases
carry a mall-specific buyer id; customers who consented link it to their record (ID連携).
Customers are sorted by acquisition day, so "born by day d" is a prefix of the arrays.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .calendar import EC, MALL, STORE
from .params import CustomerParams
from .rng import hash64

NEVER = 10**7


@dataclass(frozen=True)
class Population:
    birth_day: np.ndarray     # acquisition (first purchase) day; negative before the first business date
    lam: np.ndarray           # purchase rate per day (true BG/NBD λ)
    p: np.ndarray             # drop-out probability after each repeat purchase (true BG/NBD p)
    basket_m: np.ndarray      # extra items per trip (mean of the Poisson part)
    tier: np.ndarray          # 0 value, 1 core, 2 premium
    pref: np.ndarray          # [customer, channel] channel preference (sums to 1)
    primary: np.ndarray       # main channel
    home_store: np.ndarray    # location index of the store they visit
    mall_loc: np.ndarray      # location index of the mall they use
    is_member: np.ndarray     # takes a member card at a store purchase
    capture: np.ndarray       # probability of showing the card at the till
    consent: np.ndarray       # links mall accounts (ID連携)
    pre_alive: np.ndarray     # alive on day 0 (always True for customers acquired later)
    pre_purchases: np.ndarray  # repeat purchases before day 0 (not in the landing zone)
    seed: int

    def __len__(self) -> int:
        return len(self.birth_day)

    def n_born(self, day: int) -> int:
        """Customers acquired on or before ``day`` (a prefix of the arrays)."""
        return int(np.searchsorted(self.birth_day, day, side="right"))

    # ------------------------------------------------------------------ identifiers (deterministic per index)
    @staticmethod
    def customer_key(idx: np.ndarray) -> list[str]:
        return [f"C{i + 1:08d}" for i in np.asarray(idx).tolist()]

    @staticmethod
    def member_card_id(idx: np.ndarray) -> list[str]:
        """13-digit card numbers starting 29, with a JAN-style (modulo 10, weights 1-3) check digit."""
        body = (np.asarray(idx, dtype=np.int64) * 6_364_136_223 + 1_234_567_891) % 10**10
        digits = np.concatenate([np.tile([[2, 9]], (len(body), 1)),
                                 (body[:, None] // 10 ** np.arange(9, -1, -1)[None, :]) % 10], axis=1)
        weights = np.tile([1, 3], 6)
        check = (10 - (digits * weights).sum(axis=1) % 10) % 10
        return [f"29{b:010d}{c}" for b, c in zip(body.tolist(), check.tolist())]

    @staticmethod
    def ec_customer_id(idx: np.ndarray) -> list[str]:
        body = (np.asarray(idx, dtype=np.int64) * 387_420_489 + 55_555_555) % 10**9
        return [f"E{b:09d}" for b in body.tolist()]

    def mall_buyer_id(self, idx: np.ndarray, mall_key: str) -> list[str]:
        """Each mall's own buyer id: nothing in it links to the retailer's customer key."""
        salt = {"ichiba": 11, "bazaar": 23, "plaza": 37}[mall_key] + self.seed * 101
        h = hash64(np.asarray(idx, dtype=np.uint64), salt).tolist()
        if mall_key == "ichiba":
            return [f"rk{x % 16**10:010x}" for x in h]
        if mall_key == "bazaar":
            return ["A" + _base36(x, 13) for x in h]
        return [f"yj_{x % 10**12:012d}" for x in h]


def _base36(x: int, width: int) -> str:
    chars = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    out = []
    for _ in range(width):
        x, r = divmod(x, 36)
        out.append(chars[r])
    return "".join(out)


@dataclass
class CustomerState:
    """What changes as the world runs."""
    alive: np.ndarray
    has_card: np.ndarray
    has_ec: np.ndarray
    registered_day: np.ndarray   # NEVER when not (yet) in the customers master
    registered_channel: np.ndarray  # STORE (member card) or EC (account): how the retailer first knew them
    linked: np.ndarray           # [customer, mall 0..2]
    purchases: np.ndarray        # transactions since day 0 (all channels, identified or not)
    last_purchase_day: np.ndarray
    death_day: np.ndarray        # day of the purchase after which they dropped out, NEVER while alive

    @property
    def registered(self) -> np.ndarray:
        return self.registered_day < NEVER


def build_population(n: int, horizon: int, nominal_horizon: int, acquisition_weight: np.ndarray,
                     store_traffic: np.ndarray, stores: np.ndarray, malls: np.ndarray, params: CustomerParams,
                     rng: np.random.Generator, seed: int) -> Population:
    """``n`` customers (scaled for horizons beyond the nominal one), sorted by acquisition day.

    ``acquisition_weight`` is the relative number of new customers on each day ``0 .. horizon-1``.
    """
    cp = params
    n_pre = int(round(cp.pre_existing_share * n))
    n_new = int(round((n - n_pre) * horizon / nominal_horizon))
    pre_days = int(cp.pre_existing_years * 365)
    birth_pre = -rng.integers(1, pre_days + 1, n_pre)
    w = acquisition_weight / acquisition_weight.sum()
    birth_new = rng.choice(horizon, size=n_new, p=w)
    birth = np.sort(np.concatenate([birth_pre, birth_new])).astype(np.int64)
    total = len(birth)
    lam = rng.gamma(cp.r, 1.0 / cp.alpha_days, total)
    p = rng.beta(cp.a, cp.b, total)
    m = rng.gamma(cp.basket_shape, cp.basket_scale, total)
    primary = rng.choice(3, size=total, p=np.asarray(cp.primary_channel_shares))
    conc = np.full((total, 3), cp.secondary_concentration)
    conc[np.arange(total), primary] += cp.channel_concentration
    g = rng.gamma(conc)
    pref = g / g.sum(axis=1, keepdims=True)
    sw = store_traffic[stores] / store_traffic[stores].sum()
    home = stores[rng.choice(len(stores), size=total, p=sw)]
    mall = malls[rng.choice(len(malls), size=total, p=np.asarray(cp.mall_preference))]
    is_member = rng.random(total) < cp.member_share
    if cp.card_capture_mean >= 1.0:
        capture = np.ones(total)
    else:
        k = cp.card_capture_concentration
        capture = rng.beta(cp.card_capture_mean * k, (1 - cp.card_capture_mean) * k, total)
    consent = rng.random(total) < cp.link_consent
    score = np.log(lam) + np.log1p(m) + rng.normal(0, 0.5, total)
    cuts = np.quantile(score, np.cumsum(cp.tier_shares)[:-1])
    tier = np.searchsorted(cuts, score).astype(np.int8)
    # the pre-existing base: sample its BG/NBD history up to day 0 exactly
    age = np.maximum(-birth, 0)
    k_death = rng.geometric(p)
    n_rep = rng.poisson(lam * age)
    pre = birth < 0
    pre_alive = ~pre | (n_rep < k_death)
    pre_purchases = np.where(pre, np.minimum(n_rep, k_death), 0)
    return Population(birth_day=birth, lam=lam, p=p, basket_m=m, tier=tier, pref=pref, primary=primary.astype(np.int8),
                      home_store=home.astype(np.int64), mall_loc=mall.astype(np.int64), is_member=is_member,
                      capture=capture, consent=consent, pre_alive=pre_alive, pre_purchases=pre_purchases, seed=seed)


def initial_customer_state(pop: Population, malls: np.ndarray) -> CustomerState:
    """State on the morning of day 0: who is alive, registered and linked from their past purchases."""
    n = len(pop)
    pre = pop.birth_day < 0
    has_card = pre & pop.is_member & ((pop.primary == STORE) | (pop.pref[:, STORE] > 0.2))
    has_ec = pre & ((pop.primary == EC) | (pop.pref[:, EC] > 0.2))
    registered = has_card | has_ec
    linked = np.zeros((n, 3), dtype=bool)
    mall_slot = np.searchsorted(malls, pop.mall_loc)
    lk = registered & pop.consent & ((pop.primary == MALL) | (pop.pref[:, MALL] > 0.2))
    linked[np.flatnonzero(lk), mall_slot[lk]] = True
    return CustomerState(
        alive=pop.pre_alive.copy(), has_card=has_card, has_ec=has_ec,
        registered_day=np.where(registered, pop.birth_day, NEVER).astype(np.int64),
        registered_channel=np.where(has_card & ((pop.primary != EC) | ~has_ec), STORE, EC).astype(np.int8),
        linked=linked,
        purchases=np.zeros(n, dtype=np.int64), last_purchase_day=np.full(n, -NEVER, dtype=np.int64),
        death_day=np.full(n, NEVER, dtype=np.int64))


def expected_purchases(lam_days: np.ndarray, p: np.ndarray, horizon_days: float) -> np.ndarray:
    """Expected purchases of an alive BG/NBD customer over the next ``horizon_days``: (1 - e^(-λpt)) / p."""
    return -np.expm1(-lam_days * p * horizon_days) / p
