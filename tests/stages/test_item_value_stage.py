"""Item value stage: item LTV classes and ZPM cells from lines, customer scores and stock."""
from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd

from ltvzaiko_tasks.stages.item_value_stage import ITEM_VALUE_COLUMNS, compute_item_value

AS_OF = date(2025, 6, 30)


def _inputs(seed=1):
    rng = np.random.default_rng(seed)
    skus = [f"SKU{i:02d}" for i in range(20)]
    rows = []
    for d in range(120):
        day = (AS_OF - timedelta(days=d)).isoformat()
        for _ in range(30):
            sku = skus[min(int(rng.exponential(5)), 19)]
            cust = f"C{int(rng.integers(0, 200)):03d}" if rng.random() < 0.8 else None
            net = float(rng.integers(1000, 5000))
            rows.append((cust, sku, day, 1, net, net * 0.5))
    lines = pd.DataFrame(rows, columns=["customer_key", "sku_id", "sales_date", "units", "net_sales_jpy",
                                        "gross_profit_jpy"])
    # the first 10 customers are worth far more than the rest
    scores = pd.DataFrame({"customer_key": [f"C{i:03d}" for i in range(200)],
                           "clv": [100_000.0 if i < 10 else 1_000.0 for i in range(200)],
                           "segment": ["high" if i < 10 else "low" for i in range(200)]})
    stock = pd.DataFrame([(s, (AS_OF - timedelta(days=d)).isoformat(), 50 if s != "SKU19" else 5000, 1500)
                          for s in skus for d in range(0, 56, 7)],
                         columns=["sku_id", "snapshot_date", "on_hand_units", "unit_cost_jpy"])
    dead = pd.DataFrame({"sku_id": ["SKU99"], "snapshot_date": [AS_OF.isoformat()], "on_hand_units": [40],
                         "unit_cost_jpy": [900]})  # in stock, never sold: unbounded cover
    return lines, scores, pd.concat([stock, dead], ignore_index=True)


def test_every_sku_gets_a_class_and_a_zpm_cell():
    lines, scores, stock = _inputs()
    out = compute_item_value(lines, scores, stock, AS_OF)
    assert list(out.columns) == list(ITEM_VALUE_COLUMNS)
    assert set(out["sku_id"]) == set(lines["sku_id"]) | set(stock["sku_id"])
    assert out["ltv_class"].isin(["高", "中", "低"]).all() and out["zpm_cell"].notna().all()
    # contributions add up to the CLV of the identified buyers
    buyers = set(lines["customer_key"].dropna())
    total = scores.set_index("customer_key").loc[sorted(buyers), "clv"].sum()
    assert abs(out["clv_contribution_jpy"].sum() - total) < 1e-6 * total
    # the item with 5,000 units on hand and few sales has the longest measurable cover; a never-sold one has none
    assert out.set_index("sku_id")["weeks_of_cover"].idxmax() == "SKU19"
    assert pd.isna(out.set_index("sku_id").loc["SKU99", "weeks_of_cover"])
    assert not np.isinf(out.select_dtypes("number").to_numpy(dtype=float)).any()  # numeric has no infinity
    assert out.set_index("sku_id").loc["SKU00", "ltv_class"] == "高"  # the best seller of the best customers


def test_without_customer_scores_items_are_average():
    lines, _, stock = _inputs()
    out = compute_item_value(lines, pd.DataFrame(columns=["customer_key", "clv", "segment"]), stock, AS_OF)
    assert set(out.loc[out["sku_id"].isin(lines["sku_id"]), "ltv_class"]) == {"中"}
