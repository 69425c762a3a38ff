"""The product master: styles (商品番号) and their SKUs (colour × size)."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

CATEGORIES = ["tops", "bottoms", "outerwear", "dresses", "knitwear", "accessories"]
COLOURS = [("BK", "black"), ("WH", "white"), ("NV", "navy"), ("GY", "grey"), ("BE", "beige"), ("KH", "khaki")]
SIZES = ["S", "M", "L", "XL"]
SIZE_CURVE = np.array([0.2, 0.35, 0.3, 0.15])
SUPPLIERS = ["SUP01", "SUP02", "SUP03", "SUP04"]

PRODUCT_COLUMNS = [
    "sku_code", "style_code", "style_name", "color_code", "color_name", "size_code", "category", "brand",
    "season_code", "item_type", "season_start", "season_end", "list_price_jpy", "unit_cost_jpy",
    "supplier_code", "lead_time_mean_days", "lead_time_sd_days", "moq", "case_pack", "size_share",
    "popularity",
]
"""Columns of ``products.csv``; ``size_share`` and ``popularity`` are world internals, dropped when written."""


@dataclass(frozen=True)
class Catalog:
    products: pd.DataFrame


def build_catalog(n_styles: int, rng: np.random.Generator, start: pd.Timestamp) -> Catalog:
    rows = []
    for i in range(n_styles):
        style = f"ST{i + 1:05d}"
        category = CATEGORIES[i % len(CATEGORIES)]
        staple = rng.random() < 0.5
        n_colours = int(rng.integers(1, 4))
        colours = [COLOURS[j] for j in rng.choice(len(COLOURS), n_colours, replace=False)]
        list_price = int(rng.choice([1990, 2990, 3990, 4990, 6990, 9990, 12990]))
        cost = int(round(list_price * rng.uniform(0.35, 0.5)))
        popularity = float(rng.lognormal(0.0, 0.6))
        if staple:
            season, season_start, season_end = "ALL", "", ""
        else:
            season = "SS" if rng.random() < 0.5 else "AW"
            season_start = start.strftime("%Y-%m-%d")
            season_end = (start + pd.Timedelta(days=int(rng.integers(90, 180)))).strftime("%Y-%m-%d")
        for code, name in colours:
            for k, size in enumerate(SIZES):
                rows.append({
                    "sku_code": f"{style}-{code}-{size}", "style_code": style,
                    "style_name": f"{category.title()} {i + 1}", "color_code": code, "color_name": name,
                    "size_code": size, "category": category, "brand": "LTVZ",
                    "season_code": season, "item_type": "staple" if staple else "seasonal",
                    "season_start": season_start, "season_end": season_end,
                    "list_price_jpy": list_price, "unit_cost_jpy": cost,
                    "supplier_code": SUPPLIERS[i % len(SUPPLIERS)],
                    "lead_time_mean_days": 14 if staple else 45, "lead_time_sd_days": 3 if staple else 10,
                    "moq": 6 if staple else 30, "case_pack": 6 if staple else 10,
                    "size_share": float(SIZE_CURVE[k]) / n_colours, "popularity": popularity,
                })
    return Catalog(products=pd.DataFrame(rows, columns=PRODUCT_COLUMNS))
