"""Campaigns (施策): the retailer's sales, member weeks, point campaigns, EC coupons and the malls' events.

Every campaign has real effects on the world (ground truth, never in the landing zone):

* **traffic uplift**: more shopping trips in its locations while it runs;
* **item uplift**: targeted styles win a larger share of each basket, ``(1 - discount) ** -elasticity``
  scaled by the share of shoppers eligible (coupon redemption, members only) — the share they win is taken
  from the other styles in the same baskets (**cannibalisation**);
* **pull-forward**: part of the extra demand is borrowed from the following days, so trips and targeted
  items dip below normal after it ends (the **post-campaign dip**), decaying linearly over ``dip_days``.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

from .calendar import CHANNELS
from .catalog import CATEGORIES, Catalog
from .network import Network
from .rng import stream

MECHANISMS = ("percent_off", "coupon", "points", "mall_sale")
MEMBER_ONLY_ELIGIBILITY = 0.6
MAX_DIP = 0.6


@dataclass(frozen=True)
class CampaignSpec:
    """A campaign as planned; :func:`build_schedule` turns it into a :class:`Campaign`."""
    name: str
    tag: str
    mechanism: str
    channels: tuple[str, ...]
    start: date
    days: int
    discount: float = 0.0
    points_multiplier: int = 1
    member_only: bool = False
    target_level: str = "all"            # all / category / style
    categories: tuple[str, ...] = ()
    style_share: float = 0.15
    malls: tuple[str, ...] = ()          # mall keys when channels include "mall"; empty = every mall
    traffic_uplift: float = 0.1
    pull_forward: float = 0.35
    dip_days: int = 14
    redemption: float = 1.0
    announce_days: int = 28


@dataclass(frozen=True)
class Campaign:
    index: int
    code: str
    spec: CampaignSpec
    locations: np.ndarray    # location indices where it runs
    start_day: int
    end_day: int             # inclusive
    announce_day: int
    target: np.ndarray       # bool per style
    target_codes: tuple[str, ...]
    coupon_code: str
    item_multiplier: np.ndarray  # per style (1 off target): the true item uplift
    eligibility: float

    @property
    def n_days(self) -> int:
        return self.end_day - self.start_day + 1

    def dip_weight(self, day: int) -> float:
        """Share of the pulled-forward demand missing on ``day`` (0 outside the dip window)."""
        k = day - self.end_day - 1
        d = self.spec.dip_days
        if not 0 <= k < d:
            return 0.0
        return 2.0 * (d - k) / (d * (d + 1))

    def is_active(self, day: int) -> bool:
        return self.start_day <= day <= self.end_day

    def is_relevant(self, day: int) -> bool:
        return self.start_day <= day <= self.end_day + self.spec.dip_days


@dataclass
class CampaignEffects:
    traffic: np.ndarray      # [location] trip-rate multiplier
    item: np.ndarray         # [location, style] basket-share multiplier
    offer: np.ndarray        # [location, style] campaign index of the discount on the line, -1 none
    points: np.ndarray       # [location] points multiplier in force


def _nth_weekday(year: int, month: int, weekday: int, n: int) -> date:
    first = date(year, month, 1)
    return first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))


def yearly_plan(year: int, rng: np.random.Generator) -> list[CampaignSpec]:
    """The campaign calendar of one year, with this year's true effect sizes."""
    jit = lambda x: float(x * rng.lognormal(0.0, 0.2))  # noqa: E731
    pf = lambda: float(rng.uniform(0.25, 0.5))  # noqa: E731
    cat_pick = lambda k: tuple(str(c) for c in rng.choice([c.code for c in CATEGORIES], k, replace=False))  # noqa: E731
    own = ("store", "ec")
    black_friday = _nth_weekday(year, 11, 3, 4) + timedelta(days=1)
    plan = [
        CampaignSpec("初売りセール", "HATSU", "percent_off", own, date(year, 1, 2), 3, 0.2, target_level="category",
                     categories=("outerwear", "knitwear"), traffic_uplift=jit(0.15), pull_forward=pf()),
        CampaignSpec("ポイント5倍ウィーク", "PT5", "points", own, date(year, 3, 1), 7, points_multiplier=5,
                     traffic_uplift=jit(0.08), pull_forward=pf()),
        CampaignSpec("GWセール", "GW", "percent_off", own, date(year, 4, 26), 11, 0.15, target_level="style",
                     style_share=0.15, traffic_uplift=jit(0.1), pull_forward=pf()),
        CampaignSpec("会員ウィーク", "MEMBER", "percent_off", own, date(year, 5, 15), 7, 0.1, member_only=True,
                     traffic_uplift=jit(0.2), pull_forward=pf()),
        CampaignSpec("ポイント5倍ウィーク", "PT5", "points", own, date(year, 9, 1), 7, points_multiplier=5,
                     traffic_uplift=jit(0.08), pull_forward=pf()),
        CampaignSpec("会員ウィーク", "MEMBER", "percent_off", own, date(year, 11, 6), 7, 0.1, member_only=True,
                     traffic_uplift=jit(0.2), pull_forward=pf()),
        CampaignSpec("ブラックフライデー", "BF", "percent_off", own, black_friday, 4, 0.2, target_level="category",
                     categories=cat_pick(2), traffic_uplift=jit(0.25), pull_forward=pf()),
        CampaignSpec("バザール ブラックフライデー", "BZBF", "mall_sale", ("mall",), black_friday, 4, 0.15,
                     target_level="style", style_share=0.3, malls=("bazaar",), traffic_uplift=jit(0.8),
                     pull_forward=pf(), announce_days=14),
        CampaignSpec("バザール プライムデー", "PRIME", "mall_sale", ("mall",), _nth_weekday(year, 7, 1, 2), 2, 0.2,
                     target_level="style", style_share=0.3, malls=("bazaar",), traffic_uplift=jit(2.0),
                     pull_forward=pf(), dip_days=10, announce_days=14),
        CampaignSpec("バザール 新生活セール", "NEWLIFE", "mall_sale", ("mall",), date(year, 3, 1), 5, 0.1,
                     target_level="style", style_share=0.2, malls=("bazaar",), traffic_uplift=jit(0.3),
                     pull_forward=pf(), announce_days=14),
    ]
    for month in (2, 4, 6, 8, 10, 12):
        plan.append(CampaignSpec("ECクーポン", f"EC{month:02d}", "coupon", ("ec",), date(year, month, 10), 7,
                                 float(rng.choice([0.1, 0.15, 0.2])), target_level="category",
                                 categories=cat_pick(1), traffic_uplift=jit(0.12), pull_forward=pf(),
                                 redemption=float(rng.uniform(0.4, 0.6)), announce_days=7))
    for month in range(1, 13):
        if month in (3, 6, 9, 12):
            plan.append(CampaignSpec("楽市スーパーSALE", "RSS", "mall_sale", ("mall",), date(year, month, 4), 7, 0.2,
                                     target_level="style", style_share=0.25, malls=("ichiba",),
                                     traffic_uplift=jit(1.5), pull_forward=pf(), announce_days=14))
        else:
            plan.append(CampaignSpec("楽市お買い物マラソン", "MARA", "mall_sale", ("mall",), date(year, month, 18), 6,
                                     0.1, target_level="style", style_share=0.12, malls=("ichiba",),
                                     traffic_uplift=jit(0.4), pull_forward=pf(), announce_days=14))
        for day in (5, 15, 25):
            plan.append(CampaignSpec("プラザ 5のつく日", "P5", "points", ("mall",), date(year, month, day), 1,
                                     points_multiplier=5, malls=("plaza",), traffic_uplift=jit(0.6),
                                     pull_forward=pf(), dip_days=4, announce_days=7))
    return plan


def item_multiplier(spec: CampaignSpec, elasticity: np.ndarray, eligibility: float) -> np.ndarray:
    """True basket-share uplift of a targeted style under the campaign's mechanism."""
    if spec.mechanism == "points":
        return 1 + eligibility * elasticity * (spec.points_multiplier - 1) * 0.01
    return 1 + eligibility * ((1 - spec.discount) ** -elasticity - 1)


@dataclass(frozen=True)
class CampaignSchedule:
    campaigns: tuple[Campaign, ...]

    def __len__(self) -> int:
        return len(self.campaigns)

    def relevant(self, day: int) -> list[Campaign]:
        return [c for c in self.campaigns if c.is_relevant(day)]

    def announced(self, day: int) -> list[Campaign]:
        return [c for c in self.campaigns if c.announce_day <= day]

    def traffic(self, day: int, n_locations: int, exclude: int | None = None) -> np.ndarray:
        t = np.ones(n_locations)
        for c in self.relevant(day):
            if c.index == exclude:
                continue
            if c.is_active(day):
                t[c.locations] *= 1 + c.spec.traffic_uplift
            else:
                dip = c.spec.pull_forward * c.spec.traffic_uplift * c.n_days * c.dip_weight(day)
                t[c.locations] *= 1 - min(MAX_DIP, dip)
        return t

    def effects(self, day: int, n_locations: int, n_styles: int, exclude: int | None = None) -> CampaignEffects:
        """Multipliers and offers of every campaign running (or dipping) on ``day``, except ``exclude``."""
        item = np.ones((n_locations, n_styles))
        offer = np.full((n_locations, n_styles), -1, dtype=np.int32)
        best = np.zeros((n_locations, n_styles))
        points = np.ones(n_locations)
        for c in self.relevant(day):
            if c.index == exclude:
                continue
            targ = np.flatnonzero(c.target)
            grid = np.ix_(c.locations, targ)
            if c.is_active(day):
                item[grid] *= c.item_multiplier[targ][None, :]
                if c.spec.mechanism == "points":
                    points[c.locations] = np.maximum(points[c.locations], c.spec.points_multiplier)
                else:
                    better = best[grid] < c.spec.discount
                    best[grid] = np.where(better, c.spec.discount, best[grid])
                    offer[grid] = np.where(better, c.index, offer[grid])
            else:
                dip = c.spec.pull_forward * (c.item_multiplier[targ] - 1) * c.n_days * c.dip_weight(day)
                item[grid] *= 1 - np.minimum(MAX_DIP, dip)[None, :]
        return CampaignEffects(traffic=self.traffic(day, n_locations, exclude), item=item, offer=offer,
                               points=points)


def _locations_of(spec: CampaignSpec, network: Network) -> np.ndarray:
    locs = []
    for ch in spec.channels:
        idx = CHANNELS.index(ch)
        for loc in np.flatnonzero(network.channel == idx):
            if ch == "mall" and spec.malls and network.mall_key[loc] not in spec.malls:
                continue
            locs.append(loc)
    return np.array(sorted(locs), dtype=np.int64)


def build_schedule(catalog: Catalog, network: Network, start: date, horizon: int, seed: int,
                   enabled: bool = True, extra: tuple[CampaignSpec, ...] = ()) -> CampaignSchedule:
    """Every campaign running within ``[start, start + horizon)``: the yearly plan (when enabled) and ``extra``."""
    specs: list[tuple[CampaignSpec, np.random.Generator]] = []
    end = start + timedelta(days=horizon)
    if enabled:
        for year in range(start.year, end.year + 1):
            rng = stream(seed, "campaigns", year)
            for spec in yearly_plan(year, rng):
                specs.append((spec, rng))
    for i, spec in enumerate(extra):
        specs.append((spec, stream(seed, "campaigns", 100_000 + i)))
    campaigns: list[Campaign] = []
    codes: set[str] = set()
    for spec, rng in sorted(specs, key=lambda s: (s[0].start, s[0].tag)):
        s_day = (spec.start - start).days
        e_day = s_day + spec.days - 1
        if e_day < 0 or s_day >= horizon:
            continue
        locs = _locations_of(spec, network)
        if len(locs) == 0:
            continue
        live = catalog.on_sale(max(s_day, 0)) & network.carried[locs].any(axis=0)
        if spec.target_level == "all":
            target, codes_t = live.copy(), ()
        elif spec.target_level == "category":
            live_count = np.bincount(catalog.category[live], minlength=len(CATEGORIES))
            cats = [i for i, c in enumerate(CATEGORIES) if c.code in spec.categories and live_count[i] > 0]
            if not cats:  # nothing of those categories on sale there: the planner picks the broadest one
                cats = [int(np.argmax(live_count))]
            target = live & np.isin(catalog.category, cats)
            codes_t = tuple(CATEGORIES[i].code for i in cats)
        else:
            cand = np.flatnonzero(live)
            k = max(1, int(round(spec.style_share * len(cand)))) if len(cand) else 0
            chosen = np.sort(rng.choice(cand, size=k, replace=False)) if k else np.array([], dtype=np.int64)
            target = np.zeros(catalog.n_styles, dtype=bool)
            target[chosen] = True
            codes_t = tuple(str(x) for x in catalog.style_code[chosen])
        code = f"CP{spec.start:%y%m%d}-{spec.tag}"
        while code in codes:
            code += "X"
        codes.add(code)
        eligibility = spec.redemption if spec.mechanism == "coupon" else (
            MEMBER_ONLY_ELIGIBILITY if spec.member_only else 1.0)
        mult = np.where(target, item_multiplier(spec, catalog.elasticity, eligibility), 1.0)
        campaigns.append(Campaign(
            index=len(campaigns), code=code, spec=spec, locations=locs, start_day=s_day, end_day=e_day,
            announce_day=s_day - spec.announce_days, target=target, target_codes=codes_t,
            coupon_code=f"LTVZ{spec.start:%y%m}{spec.tag}" if spec.mechanism == "coupon" else "",
            item_multiplier=mult, eligibility=eligibility))
    return CampaignSchedule(tuple(campaigns))
