"""Master extracts, full snapshots per business date.

* ``product_master/<date>/products.csv`` — the ingest contract ``PRODUCT_MASTER`` (商品マスタ);
* ``locations/<date>/locations.csv`` — the ingest contract ``LOCATIONS`` (拠点マスタ);
* ``product_status/<date>/product_status.csv`` — lifecycle and selling price of every SKU (商品ステータス・売価).
"""
from __future__ import annotations

import numpy as np

from ...ingest.sources import LOCATIONS, PRODUCT_MASTER
from ..calendar import CHANNELS
from ..catalog import BRAND, CATEGORIES, NEVER

PRODUCTS_SOURCE, PRODUCTS_FILE, PRODUCTS_COLUMNS = (getattr(PRODUCT_MASTER, "folder", PRODUCT_MASTER.name),
                                                    "products.csv", PRODUCT_MASTER.columns)
LOCATIONS_SOURCE, LOCATIONS_FILE, LOCATIONS_COLUMNS = (getattr(LOCATIONS, "folder", LOCATIONS.name), "locations.csv",
                                                       LOCATIONS.columns)
STATUS_SOURCE, STATUS_FILE = "product_status", "product_status.csv"
STATUS_COLUMNS = ("sku_code", "style_code", "status", "launch_date", "end_date", "last_order_date",
                  "regular_price_jpy", "selling_price_jpy", "markdown_pct")


def _dates(world, days: np.ndarray) -> list[str]:
    return ["" if abs(d) >= NEVER // 2 else world.date_of(int(d)).isoformat() for d in np.asarray(days).tolist()]


def listed_from_day(world) -> np.ndarray:
    """Per style, the first day it is in the product master: its season set-up, or earlier when its initial
    buy is placed earlier (a long lead time): a purchase order never names a SKU the master does not know."""
    from ..ordering import seasonal_initial_order_day

    return np.minimum(world.catalog.setup_day, seasonal_initial_order_day(world))


def set_up_skus(world, day: int) -> np.ndarray:
    """SKUs in the master on ``day`` (set up ahead of launch, kept after they leave the shop floor)."""
    cat = world.catalog
    return np.flatnonzero(listed_from_day(world)[cat.sku_style] <= day)


def products(world, day: int) -> dict:
    cat, sup = world.catalog, world.suppliers
    k = set_up_skus(world, day)
    s = cat.sku_style[k]
    seasonal = cat.seasonal[s]
    return {
        "sku_code": cat.sku_code[k], "style_code": cat.style_code[s], "style_name": cat.style_name[s],
        "color_code": cat.colour_code[k], "color_name": cat.colour_name[k], "size_code": cat.size_code[k],
        "category": np.array([c.code for c in CATEGORIES], dtype=object)[cat.category[s]],
        "brand": np.full(len(k), BRAND, dtype=object), "season_code": cat.season_code[s],
        "item_type": np.where(seasonal, "seasonal", "staple"),
        "season_start": np.where(seasonal, _dates(world, cat.launch_day[s]), ""),
        "season_end": np.where(seasonal, _dates(world, cat.end_day[s] - 1), ""),
        "list_price_jpy": cat.list_price[s], "unit_cost_jpy": cat.unit_cost[s],
        "supplier_code": sup.code[cat.supplier[s]],
        "lead_time_mean_days": sup.declared_mean[cat.supplier[s]],
        "lead_time_sd_days": sup.declared_sd[cat.supplier[s]],
        "moq": cat.moq[s], "case_pack": cat.case_pack[s],
    }


def locations(world) -> dict:
    net = world.network
    return {"location_code": net.code, "location_name": net.name,
            "channel": np.array(CHANNELS, dtype=object)[net.channel], "region": net.region,
            "prefecture": net.prefecture, "size_class": net.size_class, "opened_on": net.opened_on}


def product_status(world, day: int) -> dict:
    cat = world.catalog
    k = set_up_skus(world, day)
    s = cat.sku_style[k]
    announced = cat.end_announced_day[s] <= day
    end = np.where(announced & (cat.end_day[s] < NEVER), cat.end_day[s] - 1, NEVER)
    last_order = np.where(announced, cat.last_order_day[s], NEVER)
    return {
        "sku_code": cat.sku_code[k], "style_code": cat.style_code[s], "status": cat.status(day)[s],
        "launch_date": _dates(world, cat.launch_day[s]), "end_date": _dates(world, end),
        "last_order_date": _dates(world, last_order), "regular_price_jpy": cat.list_price[s],
        "selling_price_jpy": cat.selling_price(day)[s],
        "markdown_pct": np.round(cat.markdown_rate(day)[s] * 100).astype(np.int64),
    }
