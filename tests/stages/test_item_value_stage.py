"""Item value stage: item LTV classes and ZPM cells from lines, customer scores and stock."""
from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd
import psycopg
import pytest

from ltvzaiko_tasks.stages.item_value_stage import (ITEM_VALUE_COLUMNS, STYLE_VALUE_COLUMNS, compute_item_value,
                                                    compute_item_values)

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


def _with_styles(lines, stock):
    """Styles of four SKUs each (SKU00-03 -> ST0, ...); SKU99 (stock only) in its own style."""
    style = {f"SKU{i:02d}": f"ST{i // 4}" for i in range(20)} | {"SKU99": "ST9"}
    return lines.assign(style_id=lines["sku_id"].map(style)), stock.assign(style_id=stock["sku_id"].map(style))


def test_styles_are_valued_as_items_of_their_own():
    lines, scores, stock = _inputs()
    lines, stock = _with_styles(lines, stock)
    out = compute_item_values(lines, scores, stock, AS_OF)
    sku, style = out["sku"], out["style"]
    assert list(style.columns) == list(STYLE_VALUE_COLUMNS) and "style_id" in style and "sku_id" not in style
    assert set(style["style_id"]) == set(lines["style_id"]) | {"ST9"}
    assert style["ltv_class"].isin(["高", "中", "低"]).all() and style["zpm_cell"].notna().all()
    # every buyer's value is attributed once at each grain (no returns here)
    assert style["clv_contribution_jpy"].sum() == pytest.approx(sku["clv_contribution_jpy"].sum())
    # a style's buyers are its SKUs' buyers counted once, not summed
    by_style = sku.assign(style_id=sku["sku_id"].map(dict(zip(lines["sku_id"], lines["style_id"]))))
    st0 = style.set_index("style_id").loc["ST0"]
    assert st0["buyers"] <= by_style.loc[by_style["style_id"] == "ST0", "buyers"].sum()
    assert st0["buyers"] == lines.loc[lines["style_id"] == "ST0", "customer_key"].nunique()
    assert st0["units_sold_window"] == pytest.approx(by_style.loc[by_style["style_id"] == "ST0",
                                                                  "units_sold_window"].sum())
    # the SKU grain is what it was
    pd.testing.assert_frame_equal(sku, compute_item_value(lines, scores, stock, AS_OF))


# -- the output gate ---------------------------------------------------------------------------------------

def test_real_item_values_pass_their_rules():
    from ltvzaiko_tasks.portfolio.output_rules import item_value_rules
    from ltvzaiko_tasks.quality.output_gate import gate_output

    lines, scores, stock = _inputs()
    lines, stock = _with_styles(lines, stock)
    out = compute_item_values(lines, scores, stock, AS_OF)
    assert gate_output(out["sku"], "item_value", item_value_rules("sku_id")).success
    assert gate_output(out["style"], "item_value_by_style", item_value_rules("style_id")).success


@pytest.mark.parametrize("corrupt,rule,example", [
    (lambda f: f.assign(ltv_class=f["ltv_class"].replace({"高": "A"})),
     "expect_column_values_to_be_in_set(ltv_class)", "A"),
    (lambda f: f.assign(zpm_cell=f["zpm_cell"].where(f.index != 0, "ZX-PH-MH")),
     "expect_column_values_to_be_in_set(zpm_cell)", "ZX-PH-MH"),
    (lambda f: f.assign(zpm_cell=f["zpm_cell"].where(f.index != 0, None)),
     "expect_column_values_to_not_be_null(zpm_cell)", None),
    (lambda f: f.assign(clv_share=f["clv_share"].where(f.index != 1, 1.5)),
     "expect_column_values_to_be_between(clv_share)", "1.5"),
    (lambda f: f.assign(repeat_rate=f["repeat_rate"].where(f.index != 1, -0.1)),
     "expect_column_values_to_be_between(repeat_rate)", "-0.1"),
    (lambda f: pd.concat([f, f.iloc[[2]]], ignore_index=True),
     "expect_column_values_to_be_unique(sku_id)", None),
])
def test_broken_item_values_are_rejected_naming_the_rule(corrupt, rule, example):
    from ltvzaiko_tasks.portfolio.output_rules import item_value_rules
    from ltvzaiko_tasks.quality.output_gate import OutputCheckFailed, gate_output

    lines, scores, stock = _inputs()
    bad = corrupt(compute_item_value(lines, scores, stock, AS_OF))
    with pytest.raises(OutputCheckFailed) as err:
        gate_output(bad, "item_value", item_value_rules("sku_id"))
    broken = {v.rule: v for v in err.value.verdict.violations}
    assert rule in broken, list(broken)
    if example:
        assert any(example in str(e) for e in broken[rule].examples), broken[rule]


def test_a_failing_gate_writes_neither_grain(scratch_db, monkeypatch):
    """A broken style frame stops the run before the (valid) SKU frame is written: models.item_value and
    models.item_value_by_style keep the previous run's rows."""
    from ltvzaiko_tasks.quality.output_gate import OutputCheckFailed
    from ltvzaiko_tasks.stages import item_value_stage as stage
    from ltvzaiko_tasks.warehouse.frames import read_frame

    lines, scores, stock = _inputs()
    lines, stock = _with_styles(lines, stock)
    good = compute_item_values(lines, scores, stock, AS_OF)
    # the stage's own reads are not under test here: it gets its frames from compute_item_values
    monkeypatch.setattr(stage, "read_frame", lambda *a, **k: pd.DataFrame())

    def published():
        with psycopg.connect(scratch_db) as conn:
            return {t: read_frame(conn, f"select * from models.{t} order by 2")
                    for t in ("item_value", "item_value_by_style")}

    monkeypatch.setattr(stage, "compute_item_values", lambda *a, **k: good)
    with psycopg.connect(scratch_db) as conn:
        assert stage.value_items(conn, AS_OF)["styles"] == len(good["style"]) > 0
    before = published()
    broken = {"sku": good["sku"].assign(clv_share=good["sku"]["clv_share"] * 0.5),   # valid, but different
              "style": good["style"].assign(ltv_class="最高")}
    monkeypatch.setattr(stage, "compute_item_values", lambda *a, **k: broken)
    with pytest.raises(OutputCheckFailed, match=r"models.item_value_by_style.*ltv_class"):
        with psycopg.connect(scratch_db) as conn:
            stage.value_items(conn, AS_OF)
    after = published()
    for table, frame in before.items():
        assert len(frame) > 0, table
        pd.testing.assert_frame_equal(after[table], frame, obj=table)
