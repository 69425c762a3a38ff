"""Write a landing zone: ``<out>/<source>/<business_date>/<file>`` (SPEC §4)."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from .catalog import build_catalog
from .network import build_locations
from .scales import get_scale
from .store_pos import draw_store_day

MASTER_INTERNAL_COLUMNS = ["size_share", "popularity", "traffic"]


@dataclass(frozen=True)
class GeneratedWorld:
    out: Path
    dates: list[str]
    files: list[Path]


def landing_path(out: Path, source: str, business_date: str, filename: str) -> Path:
    return out / source / business_date / filename


def _write_csv(df: pd.DataFrame, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".part")
    df.drop(columns=[c for c in MASTER_INTERNAL_COLUMNS if c in df.columns]).to_csv(tmp, index=False,
                                                                                  lineterminator="\n")
    tmp.replace(path)  # a file appears whole or not at all
    return path


def generate_landing(scale: str, seed: int, start: str, days: int, out: Path,
                     progress: Callable[[int], None] | None = None) -> GeneratedWorld:
    """Generate ``days`` business days from ``start`` into ``out``, deterministically from ``seed``."""
    sc = get_scale(scale)
    out = Path(out)
    start_ts = pd.Timestamp(start)
    rng = np.random.default_rng(seed)
    catalog = build_catalog(sc.n_styles, rng, start_ts)
    stores = build_locations(sc.n_stores, rng)
    files: list[Path] = []
    dates: list[str] = []
    for i in range(days):
        day = start_ts + pd.Timedelta(days=i)
        d = day.strftime("%Y-%m-%d")
        day_rng = np.random.default_rng([seed, i])  # each day reproducible on its own
        files.append(_write_csv(catalog.products, landing_path(out, "product_master", d, "products.csv")))
        files.append(_write_csv(stores, landing_path(out, "locations", d, "locations.csv")))
        pos = draw_store_day(day, catalog.products, stores, sc.base_daily_units_per_sku_store, day_rng)
        files.append(_write_csv(pos, landing_path(out, "store_pos", d, f"pos_lines_{day:%Y%m%d}.csv")))
        dates.append(d)
        if progress:
            progress(1)
    return GeneratedWorld(out=out, dates=dates, files=files)
