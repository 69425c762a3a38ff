"""Selling locations: physical stores (店舗), the own EC warehouse and one stock point per mall (モール),
with the assortment each carries."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

from .calendar import EC, MALL, STORE

PREFECTURES = (  # JIS code, name, region, weight, areas for store names
    ("13", "東京", "kanto", 14, ("新宿", "渋谷", "池袋", "銀座", "吉祥寺", "町田", "立川", "二子玉川", "北千住", "自由が丘")),
    ("14", "神奈川", "kanto", 9, ("横浜", "川崎", "藤沢", "相模原", "海老名", "港北")),
    ("27", "大阪", "kansai", 9, ("梅田", "心斎橋", "なんば", "天王寺", "枚方", "堺")),
    ("23", "愛知", "chubu", 7, ("名古屋栄", "名駅", "豊田", "岡崎", "一宮")),
    ("11", "埼玉", "kanto", 7, ("大宮", "浦和", "川越", "越谷", "所沢")),
    ("12", "千葉", "kanto", 6, ("千葉", "船橋", "柏", "幕張", "松戸")),
    ("28", "兵庫", "kansai", 5, ("神戸三宮", "西宮", "姫路", "明石")),
    ("01", "北海道", "hokkaido", 5, ("札幌", "旭川", "函館", "帯広")),
    ("40", "福岡", "kyushu", 5, ("天神", "博多", "小倉", "久留米")),
    ("22", "静岡", "chubu", 3, ("静岡", "浜松", "沼津")),
    ("26", "京都", "kansai", 3, ("四条河原町", "京都駅", "伏見")),
    ("34", "広島", "chugoku", 3, ("広島", "福山", "呉")),
    ("04", "宮城", "tohoku", 2, ("仙台", "石巻")),
    ("33", "岡山", "chugoku", 2, ("岡山", "倉敷")),
    ("43", "熊本", "kyushu", 2, ("熊本", "八代")),
    ("15", "新潟", "chubu", 2, ("新潟", "長岡")),
    ("20", "長野", "chubu", 2, ("長野", "松本")),
    ("47", "沖縄", "kyushu", 1, ("那覇", "北谷")),
)
SIZE_CLASSES = ("S", "M", "L")
SIZE_SHARES = np.array([0.35, 0.45, 0.20])
SIZE_TRAFFIC = {"S": 0.6, "M": 1.0, "L": 1.7}
SIZE_BREADTH = {"S": 0.45, "M": 0.7, "L": 0.95}
"""Share of styles a store of each size carries (popular styles are carried more widely)."""
MALLS = (  # location code, landing folder key, name, prefecture of its fulfilment stock, assortment breadth
    ("M01", "ichiba", "楽市モール店", "11", 0.8),
    ("M02", "bazaar", "バザールモール店", "12", 0.6),
    ("M03", "plaza", "プラザモール店", "14", 0.5),
)
EC_LOCATION = ("EC01", "自社EC 物流センター", "12")
REGION_CATEGORY_AFFINITY = {  # by category index (tops, bottoms, outerwear, dresses, knitwear, accessories)
    "hokkaido": (0.95, 1.0, 1.35, 0.9, 1.2, 1.05),
    "tohoku": (0.95, 1.0, 1.3, 0.9, 1.2, 1.05),
    "kyushu": (1.1, 1.0, 0.75, 1.1, 0.85, 1.0),
}


@dataclass(frozen=True)
class Network:
    code: np.ndarray
    name: np.ndarray
    channel: np.ndarray        # STORE / EC / MALL
    region: np.ndarray
    prefecture: np.ndarray
    size_class: np.ndarray     # "" for EC and malls
    opened_on: np.ndarray      # ISO date strings
    traffic: np.ndarray        # relative footfall of stores (1 = medium store); 0 for EC and malls
    mall_key: np.ndarray       # "ichiba" / "bazaar" / "plaza" for malls, "" otherwise
    carried: np.ndarray        # [location, style] the location sells the style
    category_affinity: np.ndarray  # [location, category] regional taste

    @property
    def n(self) -> int:
        return len(self.code)

    @property
    def stores(self) -> np.ndarray:
        return np.flatnonzero(self.channel == STORE)

    @property
    def ec(self) -> int:
        return int(np.flatnonzero(self.channel == EC)[0])

    @property
    def malls(self) -> np.ndarray:
        return np.flatnonzero(self.channel == MALL)


def build_network(n_stores: int, popularity: np.ndarray, start: date, rng: np.random.Generator) -> Network:
    """``n_stores`` stores spread by population, plus EC01 and the malls M01-M03."""
    weights = np.array([p[3] for p in PREFECTURES], dtype=float)
    pref_idx = rng.choice(len(PREFECTURES), size=n_stores, p=weights / weights.sum())
    pref_idx[: min(n_stores, 3)] = [0, 2, 1][: min(n_stores, 3)]  # the flagship regions first
    used: dict[int, int] = {}
    rows = []
    for i, p in enumerate(pref_idx):
        code, name, region, _, areas = PREFECTURES[p]
        k = used.get(p, 0)
        used[p] = k + 1
        area = areas[k % len(areas)] + ("" if k < len(areas) else str(k // len(areas) + 1))
        size = SIZE_CLASSES[int(rng.choice(3, p=SIZE_SHARES))]
        opened = start - timedelta(days=int(rng.integers(200, 6000)))
        rows.append((f"S{i + 1:03d}", f"{area}店", STORE, region, code, size, opened.isoformat(),
                     SIZE_TRAFFIC[size] * float(rng.uniform(0.8, 1.25)), ""))
    rows.append((EC_LOCATION[0], EC_LOCATION[1], EC, "national", EC_LOCATION[2], "", "2016-10-01", 0.0, ""))
    for code, key, name, pref, _ in MALLS:
        rows.append((code, name, MALL, "national", pref, "", "2018-04-01", 0.0, key))
    cols = list(zip(*rows))
    channel = np.array(cols[2], dtype=np.int8)
    size_class = np.array(cols[5], dtype=object)
    # assortment: popular styles are carried more widely
    n_styles = len(popularity)
    pop_pct = (np.argsort(np.argsort(popularity)) + 0.5) / n_styles
    breadth = np.array([SIZE_BREADTH[s] if ch == STORE else 1.0 for s, ch in zip(size_class, channel)])
    for j, (_, _, _, _, b) in enumerate(MALLS):
        breadth[n_stores + 1 + j] = b
    u = rng.random((len(rows), n_styles))
    carried = u < np.clip(breadth[:, None] * (0.55 + 0.9 * pop_pct[None, :]), 0, 1)
    carried[channel == EC] = True
    region = np.array(cols[3], dtype=object)
    affinity = np.array([REGION_CATEGORY_AFFINITY.get(r, (1.0,) * 6) for r in region])
    return Network(code=np.array(cols[0], dtype=object), name=np.array(cols[1], dtype=object), channel=channel,
                   region=region, prefecture=np.array(cols[4], dtype=object), size_class=size_class,
                   opened_on=np.array(cols[6], dtype=object), traffic=np.array(cols[7], dtype=float),
                   mall_key=np.array(cols[8], dtype=object), carried=carried, category_affinity=affinity)
