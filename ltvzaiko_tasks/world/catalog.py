"""The catalogue: styles (商品番号) and their SKUs (colour × size), with seasons, lifecycles and prices.

Staples (定番品) sell all year with a mild category seasonality; some launch during the horizon and some
are discontinued (clearance markdowns, then off sale). Seasonal goods (シーズン品) belong to a spring/summer
(SS) or autumn/winter (AW) season: they are set up in the master about 100 days before the season, launch
in drops, sell along a hump-shaped curve, are marked down twice and leave the shop floor at season end.
Days are integers relative to the first business date (day 0).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

from .rng import stream
from .suppliers import Suppliers

NEVER = 10**7
"""A day that never comes (no discontinuation, no markdown)."""


@dataclass(frozen=True)
class Category:
    code: str
    name_ja: str
    prefix: str
    prices: tuple[int, ...]
    """Tax-exclusive list price points (本体価格)."""
    peak_day_of_year: int
    amplitude: float
    """Yearly seasonality of the category's staples: 1 + 0.6 · amplitude · cos(2π (doy − peak) / 365)."""
    return_multiplier: float
    case_pack: int
    items: tuple[str, ...]
    items_ss: tuple[str, ...]
    items_aw: tuple[str, ...]


CATEGORIES: tuple[Category, ...] = (
    Category("tops", "トップス", "TP", (1990, 2490, 2990, 3990, 4990, 5990), 170, 0.25, 1.0, 2,
             ("Tシャツ", "シャツ", "カットソー", "スウェット"), ("ブラウス", "ポロシャツ", "タンクトップ"),
             ("ロングスリーブシャツ", "フランネルシャツ", "パーカー")),
    Category("bottoms", "ボトムス", "BT", (3990, 4990, 5990, 6990, 7990), 120, 0.10, 1.1, 2,
             ("デニムパンツ", "チノパンツ", "スラックス"), ("ワイドパンツ", "ショートパンツ", "スカート"),
             ("コーデュロイパンツ", "ウールスカート", "カーゴパンツ")),
    Category("outerwear", "アウター", "OT", (7990, 9990, 12900, 15900, 19900, 24900), 350, 0.60, 0.9, 1,
             ("ブルゾン", "マウンテンパーカー"), ("リネンジャケット", "トレンチコート"),
             ("ダウンジャケット", "ウールコート", "ボアブルゾン")),
    Category("dresses", "ワンピース", "OP", (4990, 5990, 6990, 7990, 9990), 150, 0.30, 1.6, 1,
             ("シャツワンピース",), ("ワンピース", "キャミソールワンピース"), ("ニットワンピース", "ジャンパースカート")),
    Category("knitwear", "ニット", "KN", (3990, 4990, 5990, 6990, 8990), 340, 0.50, 1.0, 1,
             ("カーディガン", "クルーネックセーター"), ("サマーニット", "ニットベスト"),
             ("タートルネック", "ケーブルニット")),
    Category("accessories", "雑貨", "AC", (990, 1490, 1990, 2990, 3990), 350, 0.20, 0.4, 5,
             ("ソックス", "トートバッグ", "ベルト"), ("キャップ", "ハット", "サンダル"), ("マフラー", "手袋", "ニット帽")),
)
CATEGORY_MIX = {  # share of styles by category: staples, SS, AW
    "staple": np.array([0.35, 0.30, 0.05, 0.05, 0.10, 0.15]),
    "SS": np.array([0.32, 0.20, 0.10, 0.20, 0.06, 0.12]),
    "AW": np.array([0.15, 0.15, 0.30, 0.06, 0.24, 0.10]),
}
ADJECTIVES = {"staple": ("ベーシック", "スタンダード", "コットン", "ストレッチ", "定番"),
              "SS": ("リネン", "接触冷感", "UVカット", "シアー", "サマー"),
              "AW": ("ウール", "裏起毛", "ヒート", "ツイード", "コーデュロイ")}
COLOURS = (("BK", "black", "ブラック"), ("WH", "white", "ホワイト"), ("NV", "navy", "ネイビー"),
           ("GY", "grey", "グレー"), ("BE", "beige", "ベージュ"), ("KH", "khaki", "カーキ"),
           ("BR", "brown", "ブラウン"), ("RD", "red", "レッド"), ("BL", "blue", "ブルー"), ("GN", "green", "グリーン"))
APPAREL_SIZES = ("S", "M", "L", "XL")
APPAREL_SIZE_CURVE = np.array([0.22, 0.38, 0.28, 0.12])
"""Share of a style's demand by size (the size curve, サイズ構成比)."""
ONE_SIZE = ("F",)
BRAND = "LTVZ"
SEASON_SETUP_LEAD_DAYS = 100


@dataclass(frozen=True)
class Season:
    label: str          # "2025SS"
    code: str           # "SS" or "AW"
    launch: date        # first drop
    md1: date           # first markdown (30 %)
    md2: date           # second markdown (50 %)
    end: date           # first day off sale

    @property
    def setup(self) -> date:
        return self.launch - timedelta(days=SEASON_SETUP_LEAD_DAYS)


def season_of(year: int, code: str) -> Season:
    if code == "SS":
        return Season(f"{year}SS", "SS", date(year, 2, 15), date(year, 6, 27), date(year, 7, 20), date(year, 9, 1))
    return Season(f"{year}AW", "AW", date(year, 8, 25), date(year, 12, 26), date(year + 1, 1, 20),
                  date(year + 1, 3, 1))


def seasons_overlapping(start: date, n_days: int) -> list[Season]:
    """Seasons that are on sale or set up at some point of ``[start, start + n_days)``, oldest first."""
    end = start + timedelta(days=n_days)
    out = []
    for year in range(start.year - 1, end.year + 2):
        for code in ("SS", "AW"):
            s = season_of(year, code)
            if s.setup < end and s.end > start:
                out.append(s)
    return out


@dataclass(frozen=True)
class Catalog:
    """Styles and SKUs as parallel numpy arrays; SKUs of a style are contiguous."""
    start: date
    # style level
    style_code: np.ndarray
    style_name: np.ndarray
    category: np.ndarray
    seasonal: np.ndarray
    season_code: np.ndarray      # "ALL" / "SS" / "AW"
    season_label: np.ndarray     # "" / "2025SS"
    list_price: np.ndarray       # tax-exclusive JPY
    unit_cost: np.ndarray
    supplier: np.ndarray
    popularity: np.ndarray
    premium: np.ndarray          # how much premium-tier shoppers favour the style
    elasticity: np.ndarray       # price elasticity of campaign discounts
    setup_day: np.ndarray
    launch_day: np.ndarray
    end_day: np.ndarray          # first day off sale (NEVER for live staples)
    end_announced_day: np.ndarray
    last_order_day: np.ndarray   # the world's buyer places no order from this day on
    md1_day: np.ndarray
    md2_day: np.ndarray
    curve_a: np.ndarray
    curve_b: np.ndarray
    curve_norm: np.ndarray
    buy_error: np.ndarray        # the world's buyer misjudges each seasonal style by this factor
    case_pack: np.ndarray
    moq: np.ndarray
    first_sku: np.ndarray
    n_skus: np.ndarray
    # SKU level
    sku_code: np.ndarray
    sku_style: np.ndarray
    colour_code: np.ndarray
    colour_name: np.ndarray
    colour_name_ja: np.ndarray
    size_code: np.ndarray
    sku_share: np.ndarray        # share of the style's demand
    sku_search_key: np.ndarray   # style index + cumulative share within the style (for vectorised draws)

    @property
    def n_styles(self) -> int:
        return len(self.style_code)

    @property
    def n_skus_total(self) -> int:
        return len(self.sku_code)

    # ---------------------------------------------------------------- lifecycle and prices on a day
    def on_sale(self, day: int) -> np.ndarray:
        return (self.launch_day <= day) & (day < self.end_day)

    def markdown_rate(self, day: int) -> np.ndarray:
        """Markdown (値下げ率) of each style on ``day``: 0, 0.3 after the first and 0.5 after the second."""
        return np.where(day >= self.md2_day, 0.5, np.where(day >= self.md1_day, 0.3, 0.0))

    def selling_price(self, day: int) -> np.ndarray:
        """Tax-exclusive selling price after markdown, ending in 90 yen (e.g. 4,990 → 3,490)."""
        md = self.markdown_rate(day)
        raw = self.list_price * (1 - md)
        marked = np.maximum(np.floor(raw / 100) * 100 - 10, 90).astype(np.int64)
        return np.where(md > 0, marked, self.list_price).astype(np.int64)

    def demand_curve(self, day: int, doy: int) -> np.ndarray:
        """Relative demand of each style on ``day`` (0 when not on sale); ``doy`` is the day of year."""
        out = np.zeros(self.n_styles)
        live = self.on_sale(day)
        st = live & ~self.seasonal
        cat_peak = np.array([c.peak_day_of_year for c in CATEGORIES])[self.category[st]]
        cat_amp = np.array([c.amplitude for c in CATEGORIES])[self.category[st]]
        out[st] = 1 + 0.6 * cat_amp * np.cos(2 * np.pi * (doy - cat_peak) / 365.25)
        se = live & self.seasonal
        if se.any():
            x = (day - self.launch_day[se] + 0.5) / (self.end_day[se] - self.launch_day[se])
            out[se] = _hump(x, self.curve_a[se], self.curve_b[se]) / self.curve_norm[se]
        return out

    def status(self, day: int) -> np.ndarray:
        """planned / active / markdown / ended per style."""
        md = self.markdown_rate(day) > 0
        return np.where(day < self.launch_day, "planned",
                        np.where(day >= self.end_day, "ended", np.where(md, "markdown", "active")))

    def date_of(self, day: int) -> date:
        return self.start + timedelta(days=int(day))


def _hump(x: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """A beta-shaped selling curve over the season, kept off zero at both ends."""
    z = 0.05 + 0.9 * np.clip(x, 0, 1)
    return z ** (a - 1) * (1 - z) ** (b - 1)


def _hump_norm(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    grid = (np.arange(400) + 0.5) / 400
    return _hump(grid[None, :], a[:, None], b[:, None]).mean(axis=1)


# ------------------------------------------------------------------------------------------- building
def _style_rows(kind: str, n: int, rng: np.random.Generator, suppliers: Suppliers) -> dict[str, np.ndarray]:
    """Attributes every style has, for ``n`` styles of one kind ("staple", "SS" or "AW")."""
    cat = rng.choice(len(CATEGORIES), size=n, p=CATEGORY_MIX[kind])
    price = np.array([int(rng.choice(CATEGORIES[c].prices)) for c in cat], dtype=np.int64)
    if kind != "staple":  # seasonal goods sit one price point higher on average
        price = np.array([CATEGORIES[c].prices[min(CATEGORIES[c].prices.index(p) + int(rng.random() < 0.5),
                                                   len(CATEGORIES[c].prices) - 1)] for c, p in zip(cat, price)],
                         dtype=np.int64)
    cost = np.round(price * rng.uniform(0.28, 0.45, n)).astype(np.int64)
    overseas = np.flatnonzero(suppliers.overseas)
    domestic = np.flatnonzero(~suppliers.overseas)
    pool_all = np.arange(len(suppliers))
    sup = np.where(rng.random(n) < (0.85 if kind != "staple" else 0.5),
                   rng.choice(overseas, n), rng.choice(domestic if len(domestic) else pool_all, n))
    logp = np.log(price)
    z = np.zeros(n)
    for c in np.unique(cat):
        m = cat == c
        sd = logp[m].std()
        z[m] = (logp[m] - logp[m].mean()) / sd if sd > 0 else 0.0
    adjectives = ADJECTIVES[kind]
    items_of = {"staple": "items", "SS": "items_ss", "AW": "items_aw"}[kind]
    names = np.array([adjectives[int(rng.integers(len(adjectives)))] +
                      getattr(CATEGORIES[c], items_of)[int(rng.integers(len(getattr(CATEGORIES[c], items_of))))]
                      for c in cat], dtype=object)
    return {
        "category": cat.astype(np.int8), "list_price": price, "unit_cost": cost, "supplier": sup.astype(np.int16),
        "popularity": rng.lognormal(0.0, 0.75, n) * (1.2 if kind != "staple" else 1.0),
        "premium": z + rng.normal(0, 0.5, n), "elasticity": rng.uniform(1.6, 2.8, n), "style_name": names,
    }


def _staples(n: int, horizon: int, rng: np.random.Generator, suppliers: Suppliers) -> dict[str, np.ndarray]:
    rows = _style_rows("staple", n, rng, suppliers)
    new = rng.random(n) < 0.15
    launch = np.where(new, rng.integers(20, max(21, int(0.8 * horizon)), n), rng.integers(-900, -20, n))
    end = np.full(n, NEVER, dtype=np.int64)
    can_end = (launch < horizon - 240) & (rng.random(n) < 0.15)
    lo = np.maximum(launch + 200, 60)
    end[can_end] = (lo + rng.random(n) * np.maximum(horizon - 20 - lo, 1)).astype(np.int64)[can_end]
    ending = end < NEVER
    rows.update({
        "seasonal": np.zeros(n, bool), "season_code": np.full(n, "ALL", dtype=object),
        "season_label": np.full(n, "", dtype=object),
        "setup_day": launch - 60, "launch_day": launch, "end_day": end,
        "end_announced_day": np.where(ending, end - 90, NEVER), "last_order_day": np.where(ending, end - 75, NEVER),
        "md1_day": np.where(ending, end - 35, NEVER), "md2_day": np.where(ending, end - 14, NEVER),
        "curve_a": np.ones(n), "curve_b": np.ones(n), "buy_error": np.ones(n),
    })
    return rows


def _season_styles(season: Season, n: int, start: date, rng: np.random.Generator,
                   suppliers: Suppliers) -> dict[str, np.ndarray]:
    rows = _style_rows(season.code, n, rng, suppliers)
    day = lambda d: (d - start).days  # noqa: E731
    drop = rng.choice([0, 14, 28, 42], size=n, p=[0.4, 0.3, 0.2, 0.1])
    launch = day(season.launch) + drop
    end = np.full(n, day(season.end))
    rows.update({
        "seasonal": np.ones(n, bool), "season_code": np.full(n, season.code, dtype=object),
        "season_label": np.full(n, season.label, dtype=object),
        "setup_day": np.full(n, day(season.setup)), "launch_day": launch, "end_day": end,
        "end_announced_day": np.full(n, day(season.setup)), "last_order_day": np.full(n, day(season.md1) - 30),
        "md1_day": np.full(n, day(season.md1)), "md2_day": np.full(n, day(season.md2)),
        "curve_a": rng.uniform(1.6, 2.4, n), "curve_b": rng.uniform(2.2, 3.5, n),
        "buy_error": rng.lognormal(0.0, 1.0, n),  # rescaled by the supply parameters' sigma when used
    })
    return rows


def build_catalog(n_styles: int, start: date, horizon: int, nominal_horizon: int, seed: int,
                  suppliers: Suppliers) -> Catalog:
    """Staples (40 % of styles) and the styles of every season overlapping ``[start, start + horizon)``."""
    n_staples = max(2, int(round(0.4 * n_styles)))
    staples = _staples(n_staples, nominal_horizon, stream(seed, "catalog"), suppliers)
    nominal_seasons = seasons_overlapping(start, nominal_horizon)
    per_season = max(1, int(np.ceil((n_styles - n_staples) / max(1, len(nominal_seasons)))))
    parts = [staples]
    codes = [f"BS-{CATEGORIES[c].prefix}-{i + 1:04d}" for i, c in enumerate(staples["category"])]
    for season in seasons_overlapping(start, horizon):
        key = season.launch.year * 2 + (season.code == "AW")
        rows = _season_styles(season, per_season, start, stream(seed, "season", key), suppliers)
        parts.append(rows)
        tag = f"{season.launch.year % 100:02d}{season.code[0]}"
        codes += [f"{tag}-{CATEGORIES[c].prefix}-{i + 1:04d}" for i, c in enumerate(rows["category"])]
    cols = {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}
    n = len(codes)
    case_pack = np.array([CATEGORIES[c].case_pack for c in cols["category"]], dtype=np.int64)
    # SKUs: 1-3 colours × the category's sizes
    rng = stream(seed, "catalog", 1)
    sku_code, sku_style, colour_code, colour_name, colour_ja, size_code, share = [], [], [], [], [], [], []
    first_sku = np.zeros(n, dtype=np.int64)
    n_skus = np.zeros(n, dtype=np.int64)
    for s in range(n):
        accessories = CATEGORIES[cols["category"][s]].code == "accessories"
        sizes, curve = (ONE_SIZE, np.ones(1)) if accessories else (APPAREL_SIZES, APPAREL_SIZE_CURVE)
        k = int(rng.choice([1, 2, 3], p=[0.45, 0.37, 0.18]))
        colours = rng.choice(len(COLOURS), size=k, replace=False)
        cshare = np.sort(rng.dirichlet(np.full(k, 3.0)))[::-1]
        first_sku[s] = len(sku_code)
        for ci, cs in zip(colours, cshare):
            for size, ss in zip(sizes, curve):
                code, name, ja = COLOURS[ci]
                sku_code.append(f"{codes[s]}-{code}-{size}")
                sku_style.append(s)
                colour_code.append(code)
                colour_name.append(name)
                colour_ja.append(ja)
                size_code.append(size)
                share.append(cs * ss)
        n_skus[s] = len(sku_code) - first_sku[s]
    sku_style_a = np.array(sku_style, dtype=np.int64)
    share_a = np.array(share)
    cum = np.zeros_like(share_a)
    for s in range(n):
        a, b = first_sku[s], first_sku[s] + n_skus[s]
        c = np.cumsum(share_a[a:b])
        cum[a:b] = c / c[-1]
    return Catalog(
        start=start, style_code=np.array(codes, dtype=object), style_name=cols["style_name"],
        category=cols["category"], seasonal=cols["seasonal"], season_code=cols["season_code"],
        season_label=cols["season_label"], list_price=cols["list_price"], unit_cost=cols["unit_cost"],
        supplier=cols["supplier"], popularity=cols["popularity"], premium=cols["premium"],
        elasticity=cols["elasticity"], setup_day=cols["setup_day"].astype(np.int64),
        launch_day=cols["launch_day"].astype(np.int64), end_day=cols["end_day"].astype(np.int64),
        end_announced_day=cols["end_announced_day"].astype(np.int64),
        last_order_day=cols["last_order_day"].astype(np.int64), md1_day=cols["md1_day"].astype(np.int64),
        md2_day=cols["md2_day"].astype(np.int64), curve_a=cols["curve_a"], curve_b=cols["curve_b"],
        curve_norm=_hump_norm(cols["curve_a"], cols["curve_b"]), buy_error=cols["buy_error"],
        case_pack=case_pack, moq=case_pack.copy(), first_sku=first_sku, n_skus=n_skus,
        sku_code=np.array(sku_code, dtype=object), sku_style=sku_style_a,
        colour_code=np.array(colour_code, dtype=object), colour_name=np.array(colour_name, dtype=object),
        colour_name_ja=np.array(colour_ja, dtype=object), size_code=np.array(size_code, dtype=object),
        sku_share=share_a / np.bincount(sku_style_a, weights=share_a)[sku_style_a],
        sku_search_key=sku_style_a + cum,
    )
