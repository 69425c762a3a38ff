"""Selling locations: physical stores (店舗)."""
from __future__ import annotations

import numpy as np
import pandas as pd

PREFECTURES = [("13", "Tokyo", "kanto"), ("27", "Osaka", "kansai"), ("23", "Aichi", "chubu"),
               ("40", "Fukuoka", "kyushu"), ("01", "Hokkaido", "hokkaido"), ("14", "Kanagawa", "kanto")]
LOCATION_COLUMNS = ["location_code", "location_name", "channel", "region", "prefecture", "size_class", "opened_on",
                    "traffic"]
"""Columns of ``locations.csv``; ``traffic`` is a world internal, dropped when written."""


def build_locations(n_stores: int, rng: np.random.Generator) -> pd.DataFrame:
    rows = []
    for i in range(n_stores):
        pref_code, pref, region = PREFECTURES[i % len(PREFECTURES)]
        size = ["S", "M", "L"][int(rng.integers(0, 3))]
        rows.append({
            "location_code": f"S{i + 1:03d}", "location_name": f"{pref} store {i + 1}", "channel": "store",
            "region": region, "prefecture": pref_code, "size_class": size, "opened_on": "2015-04-01",
            "traffic": {"S": 0.6, "M": 1.0, "L": 1.6}[size] * float(rng.uniform(0.8, 1.2)),
        })
    return pd.DataFrame(rows, columns=LOCATION_COLUMNS)
