"""How long item LTV contribution and the ZPM portfolio take at retail scale (not a test).

Run ``python -m ltvzaiko_tasks.portfolio.benchmark [N_CUSTOMERS] [N_SKUS]`` for a JSON of the figures.
Default: one million customers and 10,000 SKUs (2,000 styles), about 7.5 million sales lines over two years,
20 locations with weekly stock snapshots over the 8-week window.
"""
from __future__ import annotations

import json
import os
import platform
import sys
import time

import numpy as np
import pandas as pd

from .item_ltv import item_ltv_contribution, item_ltv_contribution_by_grain
from .zpm import ZpmConfig, classify_zpm, zpm_item_inputs

SKUS_PER_STYLE = 5
DAYS = 730
AS_OF = pd.Timestamp("2026-03-31")


def simulate_lines(n_customers: int = 1_000_000, n_skus: int = 10_000, seed: int = 0,
                   *, string_keys: bool = True) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Synthetic sales lines and customer scores (vectorised; about 7.5 lines per customer).

    Each customer makes 1 + Poisson(2) purchases on uniform days of the last two years, each of
    1 + Poisson(1.5) lines; SKUs follow a Zipf-like popularity; 8 % of lines are anonymous; CLV is lognormal.
    """
    rng = np.random.default_rng(seed)
    n_purchases = 1 + rng.poisson(2.0, n_customers)
    purchase_customer = np.repeat(np.arange(n_customers), n_purchases)
    purchase_day = rng.integers(0, DAYS, purchase_customer.size)
    n_lines = 1 + rng.poisson(1.5, purchase_customer.size)
    line_purchase = np.repeat(np.arange(purchase_customer.size), n_lines)
    popularity = 1.0 / np.arange(1, n_skus + 1) ** 0.8
    sku = rng.choice(n_skus, size=line_purchase.size, p=popularity / popularity.sum())
    price = 1_000.0 * (1 + (sku % 17))
    units = 1 + rng.poisson(0.2, line_purchase.size)
    net = price * units * np.where(rng.random(line_purchase.size) < 0.02, -1.0, 1.0)  # 2 % returns
    customer = purchase_customer[line_purchase]
    anonymous = rng.random(line_purchase.size) < 0.08
    if string_keys:  # one str object per line, as read from a database
        names = pd.Index(pd.Series(np.arange(n_customers)).astype(str).radd("C"))
        customer_key = pd.Series(customer).astype(str).radd("C").astype(object)
        customer_key[anonymous] = None
    else:  # integer surrogate keys (nullable)
        customer_key = pd.Series(customer, dtype="Int64")
        customer_key[anonymous] = pd.NA
        names = pd.Index(np.arange(n_customers, dtype=np.int64))
    day0 = (AS_OF - pd.Timedelta(days=DAYS - 1)).to_datetime64().astype("datetime64[D]")
    lines = pd.DataFrame({
        "customer_key": customer_key.to_numpy(),
        "sku_id": sku.astype(np.int64),
        "style_id": (sku // SKUS_PER_STYLE).astype(np.int64),
        "sales_date": day0 + purchase_day[line_purchase].astype("timedelta64[D]"),
        "units": units * np.sign(net),
        "net_sales_jpy": net,
        "gross_profit_jpy": net * (0.35 + 0.3 * ((sku % 7) / 6.0)),
    })
    lines = lines.sort_values("sales_date", kind="stable", ignore_index=True)  # date order, as extracted
    clv = rng.lognormal(mean=8.5, sigma=1.2, size=n_customers)
    scores = pd.DataFrame({"clv": clv}, index=names)
    rank = pd.Series(clv).rank(ascending=False, pct=True).to_numpy()
    scores["segment"] = np.where(rank <= 0.2, "high", np.where(rank <= 0.5, "mid", "low"))
    return lines, scores


def simulate_stock(n_skus: int, seed: int = 0, *, n_locations: int = 20, weeks: int = 8,
                   weekly_units: np.ndarray | None = None) -> pd.DataFrame:
    """Weekly end-of-day stock snapshots per location × SKU over the last ``weeks`` weeks.

    Stock per location is Poisson around the SKU's weekly units per location (``weekly_units``, default 1)
    times a cover drawn per SKU from a lognormal around 8 weeks, so every ZPM cell is populated.
    """
    rng = np.random.default_rng(seed + 1)
    rate = np.ones(n_skus) if weekly_units is None else np.maximum(np.asarray(weekly_units, float), 0.05)
    cover = rng.lognormal(mean=np.log(8.0), sigma=1.0, size=n_skus)
    mean_stock = rate / n_locations * cover
    days = AS_OF.to_datetime64().astype("datetime64[D]") - (7 * np.arange(weeks)).astype("timedelta64[D]")
    n = n_skus * n_locations * weeks
    sku = np.tile(np.repeat(np.arange(n_skus), n_locations), weeks)
    return pd.DataFrame({
        "sku_id": sku.astype(np.int64),
        "style_id": (sku // SKUS_PER_STYLE).astype(np.int64),
        "location_id": np.tile(np.arange(n_locations), n_skus * weeks),
        "snapshot_date": np.repeat(days, n_skus * n_locations),
        "on_hand_units": rng.poisson(mean_stock[sku]).astype(np.int64),
        "unit_cost_jpy": 450.0 * (1 + (sku % 17)),
    })


def bench_portfolio(n_customers: int = 1_000_000, n_skus: int = 10_000, seed: int = 0,
                    *, string_keys: bool = True) -> dict:
    t0 = time.perf_counter()
    lines, scores = simulate_lines(n_customers, n_skus, seed, string_keys=string_keys)
    recent = lines["sales_date"].to_numpy() > (AS_OF - pd.Timedelta(weeks=8)).to_datetime64()
    weekly = np.bincount(lines["sku_id"].to_numpy()[recent], minlength=n_skus) / 8.0
    stock = simulate_stock(n_skus, seed, weekly_units=weekly)
    t_sim = time.perf_counter()
    by_sku = item_ltv_contribution(lines, scores, item_col="sku_id", as_of=AS_OF)
    t_sku = time.perf_counter()
    both = item_ltv_contribution_by_grain(lines, scores, as_of=AS_OF)
    by_style = both[both["grain"] == "style"]
    t_style = time.perf_counter()
    inputs = zpm_item_inputs(lines, stock, as_of=AS_OF, window_weeks=8)
    t_inputs = time.perf_counter()
    inputs["ltv_class"] = by_sku["ltv_class"]
    portfolio = classify_zpm(inputs, ZpmConfig())
    t_zpm = time.perf_counter()
    totals = by_sku.attrs["totals"]
    return {
        "n_customers": n_customers,
        "n_skus": n_skus,
        "n_lines": len(lines),
        "n_stock_rows": len(stock),
        "string_customer_keys": string_keys,
        "simulate_s": round(t_sim - t0, 3),
        "item_ltv_sku_s": round(t_sku - t_sim, 3),
        "item_ltv_sku_and_style_s": round(t_style - t_sku, 3),
        "zpm_inputs_s": round(t_inputs - t_style, 3),
        "zpm_classify_s": round(t_zpm - t_inputs, 3),
        "total_s": round(t_zpm - t_sku, 3),
        "clv_of_buyers_jpy": round(totals["clv_of_buyers_jpy"]),
        "clv_attributed_jpy": round(totals["clv_attributed_jpy"]),
        "anonymous_sales_share": round(totals["anonymous_sales_share"], 4),
        "ltv_classes_sku": by_sku["ltv_class"].value_counts().to_dict(),
        "ltv_classes_style": by_style["ltv_class"].value_counts().to_dict(),
        "zpm_cells": portfolio["cell_code"].value_counts().to_dict(),
        "ltv_overlays": int(portfolio["ltv_overlay"].sum()),
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count(), "platform": platform.platform()},
    }


if __name__ == "__main__":  # pragma: no cover - manual benchmark
    args = [int(a) for a in sys.argv[1:3]]
    keys = os.environ.get("BENCH_KEYS", "str")
    print(json.dumps(bench_portfolio(*args, string_keys=keys == "str"), indent=2, ensure_ascii=False))
