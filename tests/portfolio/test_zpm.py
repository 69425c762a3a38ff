"""ZPM portfolio (SPEC §6.3): one item per cell by hand, the overlay, partition and threshold monotonicity."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from ltvzaiko_tasks.portfolio import ZPM_CELLS, ZpmConfig, classify_zpm, zpm_cells_table, zpm_item_inputs
from ltvzaiko_tasks.portfolio.zpm import WEEKS_PER_YEAR

# window 8 weeks, target cover 8 weeks, margin >= 50 %, GMROI >= 2, velocity >= median of selling items.
# Movement: fast items sell 80 units (10 / week), slow ones 8 (1 / week); median of the eight = 5.5 / week.
# Stock: low = 20 units (2 weeks of a fast item, 20 weeks of a slow one!), so set per item below.
CELL_ITEMS = {
    #        units  net      gp       on_hand  avg inv cost   expected cell
    "P01": (80, 800_000, 480_000, 20, 100_000, "protect"),         # M high, P high, Z low (2 wk)
    "P02": (80, 800_000, 480_000, 160, 1_000_000, "maintain"),     # Z high (16 wk)
    "P03": (80, 800_000, 160_000, 20, 100_000, "replenish_lean"),  # margin 20 %
    "P04": (80, 800_000, 160_000, 160, 1_000_000, "flow_through"),
    "P05": (8, 80_000, 48_000, 4, 2_000, "niche"),                 # 1 / week, 4 wk cover
    "P06": (8, 80_000, 48_000, 40, 20_000, "promote"),             # 40 wk cover; GMROI 48k*6.52/20k = 15.7
    "P07": (8, 80_000, 16_000, 4, 2_000, "review_range"),
    "P08": (8, 80_000, 16_000, 40, 20_000, "sell_down"),
}


def cell_inputs() -> pd.DataFrame:
    frame = pd.DataFrame.from_dict(CELL_ITEMS, orient="index",
                                   columns=["units_sold", "net_sales_jpy", "gross_profit_jpy", "on_hand_units",
                                            "avg_inventory_cost_jpy", "expected"])
    frame.index.name = "sku_id"
    return frame


def test_one_item_in_each_cell_by_hand():
    out = classify_zpm(cell_inputs())
    assert list(out["cell_code"]) == list(out["expected"])
    p01 = out.loc["P01"]
    assert p01["velocity_units_per_week"] == 10.0 and p01["weeks_of_cover"] == 2.0
    assert p01["cover_ratio"] == 0.25 and p01["gross_margin_rate"] == 0.6
    assert p01["gmroi"] == pytest.approx(480_000 * WEEKS_PER_YEAR / 8 / 100_000)
    assert p01["velocity_index"] == pytest.approx(10 / 5.5)
    assert p01["sell_through_rate"] == pytest.approx(80 / 100)
    assert (p01["zpm_cell"], p01["z_level"], p01["p_level"], p01["m_level"]) == ("ZL-PH-MH", "low", "high", "high")
    assert p01["action"] == "protect: replenish first" and p01["action_ja"].startswith("欠品防止")
    assert out.loc["P08", "action"].startswith("dead-stock risk: sell down")
    assert out.loc["P06", "weeks_of_cover"] == 40.0
    assert not out["ltv_overlay"].any() and (out["recommended_action"] == out["action"]).all()


def test_the_eight_cells_are_distinct_and_named_in_both_languages():
    table = zpm_cells_table()
    assert len(table) == 8 == len(ZPM_CELLS)
    assert table[["z_level", "p_level", "m_level"]].drop_duplicates().shape[0] == 8
    assert table["cell_code"].is_unique and table["zpm_cell"].is_unique
    assert table[["cell_name", "cell_name_ja", "action", "action_ja"]].notna().all().all()
    overlaid = table.dropna(subset=["ltv_overlay_action"])
    assert set(overlaid["cell_code"]) == {"sell_down", "review_range"}     # the liquidating/delisting cells
    assert overlaid["ltv_overlay_action_ja"].notna().all()


def test_ltv_overlay_never_sends_a_high_ltv_item_to_liquidation_blindly():
    inputs = cell_inputs()
    inputs["ltv_class"] = "高"
    inputs.loc["P07", "ltv_class"] = "中"
    out = classify_zpm(inputs)
    assert out.loc["P08", "ltv_overlay"] and out.loc["P08", "cell_code"] == "sell_down"
    assert "high-LTV" in out.loc["P08", "recommended_action"] and "高LTV" in out.loc["P08", "recommended_action_ja"]
    assert "markdown" not in out.loc["P08", "recommended_action"]
    assert not out.loc["P07", "ltv_overlay"]                               # 中: the plain action
    assert out.loc["P07", "recommended_action"] == out.loc["P07", "action"]
    assert not out.loc[["P01", "P02", "P03", "P04", "P05", "P06"], "ltv_overlay"].any()
    only_mid = classify_zpm(inputs, ZpmConfig(overlay_classes=("高", "中")))
    assert only_mid.loc["P07", "ltv_overlay"]


def test_edge_cases_no_sales_no_stock():
    inputs = pd.DataFrame({"units_sold": [0, 0, 5], "net_sales_jpy": [0, 0, 0], "gross_profit_jpy": [0, 0, 0],
                           "on_hand_units": [0, 12, 0], "avg_inventory_cost_jpy": [0, 5_000, 0]},
                          index=["nothing", "stock_only", "free"])
    out = classify_zpm(inputs)
    assert out.loc["nothing", "weeks_of_cover"] == 0 and out.loc["nothing", "cell_code"] == "review_range"
    assert np.isinf(out.loc["stock_only", "weeks_of_cover"]) and out.loc["stock_only", "z_level"] == "high"
    assert out.loc["stock_only", "cell_code"] == "sell_down"
    assert np.isnan(out.loc["free", "gross_margin_rate"]) and out.loc["free", "p_level"] == "low"
    assert out.loc["free", "velocity_index"] == 1.0     # the only selling item is the median


def test_per_item_targets_and_group_medians():
    inputs = cell_inputs().drop(columns="expected")
    inputs["category"] = ["tops"] * 4 + ["socks"] * 4
    inputs["target_weeks_of_cover"] = [np.nan] * 7 + [52.0]      # P08: a year's cover is its plan
    out = classify_zpm(inputs, ZpmConfig(m_group_col="category"))
    # within its own category every item sells at the median: all M high
    assert (out["velocity_index"] == 1.0).all() and (out["m_level"] == "high").all()
    assert out.loc["P08", "target_weeks_of_cover"] == 52.0 and out.loc["P08", "z_level"] == "low"
    assert out.loc["P07", "target_weeks_of_cover"] == 8.0


def random_inputs(seed: int, n: int = 400) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    units = rng.poisson(rng.lognormal(2.0, 1.2, n))
    price = rng.uniform(1_000, 10_000, n)
    net = units * price
    return pd.DataFrame({
        "units_sold": units,
        "net_sales_jpy": net,
        "gross_profit_jpy": net * rng.uniform(-0.1, 0.8, n),
        "on_hand_units": rng.poisson(rng.lognormal(2.5, 1.2, n)),
        "avg_inventory_cost_jpy": rng.lognormal(11, 1.0, n),
        "category": rng.choice(["a", "b", "c"], n),
    }, index=[f"S{i:04d}" for i in range(n)])


@pytest.mark.parametrize("seed", [0, 1])
def test_cells_partition_the_items(seed):
    out = classify_zpm(random_inputs(seed), ZpmConfig(m_group_col="category"))
    assert out["cell_code"].notna().all() and len(out) == 400
    assert out["cell_code"].value_counts().sum() == 400
    assert set(out["cell_code"]) == {c.code for c in ZPM_CELLS}       # every cell is reachable
    levels = out[["z_level", "p_level", "m_level"]]
    table = zpm_cells_table().set_index("cell_code")
    assert (levels.to_numpy() == table.loc[out["cell_code"], ["z_level", "p_level", "m_level"]].to_numpy()).all()


@pytest.mark.parametrize("field,values,level", [
    ("z_high_cover_ratio", [0.25, 0.5, 1.0, 2.0, 4.0], "z_level"),
    ("p_min_gross_margin_rate", [0.0, 0.2, 0.4, 0.6], "p_level"),
    ("p_min_gmroi", [0.5, 1.0, 2.0, 4.0, 8.0], "p_level"),
    ("m_min_velocity_index", [0.25, 0.5, 1.0, 2.0], "m_level"),
])
def test_raising_a_threshold_only_moves_items_from_high_to_low(field, values, level):
    inputs = random_inputs(2)
    previous = None
    moved = 0
    for value in values:
        out = classify_zpm(inputs, ZpmConfig(**{field: value}))
        high = (out[level] == "high").to_numpy()
        if previous is not None:
            assert not np.any(high & ~previous), f"{field}={value} promoted an item"
            moved += int(np.count_nonzero(previous & ~high))
        others = [c for c in ("z_level", "p_level", "m_level") if c != level]
        if previous is not None:
            assert (out[others].to_numpy() == other_levels).all()      # the other axes do not move
        other_levels = out[others].to_numpy()
        previous = high
    assert moved > 0


def test_inputs_from_sales_lines_and_stock_snapshots():
    sales = pd.DataFrame({
        "sku_id": ["A", "A", "A", "B", "B"],
        "style_id": ["S", "S", "S", "S", "S"],
        "sales_date": pd.to_datetime(["2026-01-01", "2026-02-20", "2026-03-31", "2026-03-30", "2026-04-01"]),
        "units": [9, 3, 2, 1, 5],
        "net_sales_jpy": [9_000, 3_000, 2_000, 1_500, 7_500],
        "gross_profit_jpy": [4_500, 1_500, 1_000, 900, 4_500],
    })
    stock = pd.DataFrame({
        "sku_id": ["A", "A", "B", "A", "A", "B", "B"],
        "style_id": ["S"] * 7,
        "location_id": ["x", "y", "x", "x", "y", "x", "y"],
        "snapshot_date": pd.to_datetime(["2026-03-24", "2026-03-24", "2026-03-24", "2026-03-31", "2026-03-31",
                                         "2026-03-31", "2026-03-31"]),
        "on_hand_units": [10, 5, 4, 6, 2, 3, 1],
        "unit_cost_jpy": [400, 400, 600, 400, 400, 600, 600],
    })
    attrs = pd.DataFrame({"category": ["tops", "tops"], "target_weeks_of_cover": [6.0, 10.0]}, index=["A", "B"])
    out = zpm_item_inputs(sales, stock, as_of="2026-03-31", window_weeks=8, attributes=attrs)
    # window = 56 days ending 2026-03-31: from 2026-02-04; the January and April lines are outside
    assert out.attrs["window_start"] == "2026-02-04" and out.attrs["snapshot_days"] == 2
    assert list(out["units_sold"]) == [5, 1] and list(out["net_sales_jpy"]) == [5_000, 1_500]
    assert list(out["gross_profit_jpy"]) == [2_500, 900]
    assert list(out["on_hand_units"]) == [8, 4]                    # 2026-03-31, both locations
    assert list(out["on_hand_cost_jpy"]) == [3_200, 2_400]
    # A: (15*400 + 8*400) / 2 = 4,600; B: (4*600 + 4*600) / 2 = 2,400
    assert list(out["avg_inventory_cost_jpy"]) == [4_600, 2_400]
    assert list(out["category"]) == ["tops", "tops"]
    by_style = zpm_item_inputs(sales, stock, as_of="2026-03-31", window_weeks=8, item_col="style_id")
    assert by_style.loc["S", "units_sold"] == 6 and by_style.loc["S", "on_hand_units"] == 12
    result = classify_zpm(out)
    assert result.loc["A", "weeks_of_cover"] == pytest.approx(8 / (5 / 8))
    assert result.loc["B", "target_weeks_of_cover"] == 10.0


def test_bad_input_is_refused():
    with pytest.raises(ValueError, match="lack column"):
        classify_zpm(cell_inputs().drop(columns="on_hand_units"))
    with pytest.raises(ValueError, match="P needs a threshold"):
        ZpmConfig(p_min_gross_margin_rate=None, p_min_gmroi=None)
    with pytest.raises(ValueError, match="window_weeks"):
        ZpmConfig(window_weeks=0)
    with pytest.raises(ValueError, match="lack column"):
        classify_zpm(cell_inputs(), ZpmConfig(m_group_col="category"))
    with pytest.raises(ValueError, match="target_weeks_of_cover"):
        classify_zpm(cell_inputs().assign(target_weeks_of_cover=0.0))
    with pytest.raises(ValueError, match="missing or non-numeric"):
        classify_zpm(cell_inputs().assign(units_sold=np.nan))
