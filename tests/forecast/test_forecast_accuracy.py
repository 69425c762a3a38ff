"""Backtest accuracy by horizon bucket and segment (the shape of mart_forecast_accuracy)."""
import numpy as np
import pandas as pd
import pytest

from ltvzaiko_tasks.forecast import horizon_buckets, mase, segmented_accuracy, wape


def test_horizon_buckets_are_weeks_ending_at_the_horizon():
    labels, lo, hi = horizon_buckets([1, 7, 8, 14, 15, 20], width=7, horizon=20)
    assert labels.tolist() == ["1-7", "1-7", "8-14", "8-14", "15-20", "15-20"]
    assert lo.tolist() == [1, 1, 8, 8, 15, 15] and hi.tolist() == [7, 7, 14, 14, 20, 20]


@pytest.fixture
def backtest():
    # Two series over leads 1..4 from one cutoff (buckets of 2 days); model m is off by 1 on series a only.
    ds = pd.date_range("2025-01-02", periods=4)
    rows = []
    for sid, y in (("a", [2.0, 2, 4, 4]), ("b", [1.0, 1, 1, 1])):
        for d, v in zip(ds, y):
            rows.append({"series_id": sid, "ds": d, "cutoff": pd.Timestamp("2025-01-01"), "y": v,
                         "m": v + (1 if sid == "a" else 0), "m_p10": v - 1, "m_p90": v + (0.5 if sid == "a" else 1),
                         "n": 0.0})
    return pd.DataFrame(rows)


@pytest.fixture
def train():
    days = pd.date_range("2024-12-28", periods=5)
    return pd.DataFrame({"series_id": np.repeat(["a", "b"], 5), "ds": np.tile(days, 2),
                         "y": [1.0, 3, 1, 3, 1, 0, 1, 0, 1, 0]})  # season 1 scales: a 2, b 1


def test_overall_rows_equal_the_plain_metrics(backtest, train):
    acc = segmented_accuracy(backtest, ["m", "n"], train=train, season_length=1, bucket_width=2, horizon=4)
    top = acc[(acc["segment_type"] == "all") & (acc["horizon_bucket"] == "all")].set_index("model")
    assert top.loc["m", "wape"] == pytest.approx(wape(backtest, "m")["m"])   # 4 / 16
    assert top.loc["m", "wape"] == pytest.approx(0.25) and top.loc["n", "wape"] == pytest.approx(1.0)
    assert top.loc["m", "bias"] == pytest.approx(0.25)
    assert top.loc["m", "mase"] == pytest.approx(mase(backtest, "m", train=train, season_length=1)["m"])
    assert top.loc["m", "mase"] == pytest.approx((1 / 2 + 0 / 1) / 2)        # per series, then averaged
    # coverage: a's actuals sit in [y-1, y+0.5], b's in [y-1, y+1]: all inside; no interval for n
    assert top.loc["m", "p10_p90_coverage"] == 1.0 and np.isnan(top.loc["n", "p10_p90_coverage"])
    assert top.loc["m", "series"] == 2 and top.loc["m", "actual_units"] == 16 and top.loc["m", "windows"] == 1


def test_rows_by_horizon_bucket_and_segment(backtest, train):
    segments = pd.DataFrame({"series_id": ["a"], "item_type": ["staple"]})  # b has no label
    acc = segmented_accuracy(backtest, ["m"], train=train, segments=segments, season_length=1, bucket_width=2,
                             horizon=4).set_index(["segment_type", "segment", "horizon_bucket"])
    assert set(acc.index) == {("all", "all", "all"), ("all", "all", "1-2"), ("all", "all", "3-4"),
                              ("item_type", "staple", "all"), ("item_type", "staple", "1-2"),
                              ("item_type", "staple", "3-4"), ("item_type", "unknown", "all"),
                              ("item_type", "unknown", "1-2"), ("item_type", "unknown", "3-4")}
    # leads 1-2: a's actuals 2+2, b's 1+1, errors 2 -> 2/6; leads 3-4: actuals 4+4+1+1, errors 2 -> 2/10
    assert acc.loc[("all", "all", "1-2"), "wape"] == pytest.approx(2 / 6)
    assert acc.loc[("all", "all", "3-4"), "wape"] == pytest.approx(2 / 10)
    assert acc.loc[("all", "all", "3-4"), ["horizon_from", "horizon_to"]].tolist() == [3, 4]
    assert acc.loc[("item_type", "staple", "all"), "wape"] == pytest.approx(4 / 12)
    assert acc.loc[("item_type", "unknown", "all"), "wape"] == 0.0
    assert acc.loc[("item_type", "staple", "all"), "mase"] == pytest.approx(0.5)


def test_interval_wape_scores_sums_over_blocks_of_the_window(train):
    """One unit every other day forecast as 0.5 a day: each day is off by half a unit (WAPE 1.0) but every
    2-day block is exact (interval WAPE 0). Bucket rows carry no interval figure."""
    ds = pd.date_range("2025-01-02", periods=4)
    bt = pd.DataFrame({"series_id": "a", "ds": ds, "cutoff": pd.Timestamp("2025-01-01"), "y": [1.0, 0, 1, 0],
                       "half": 0.5, "late": [0.0, 1, 0, 1]})
    acc = segmented_accuracy(bt, ["half", "late"], train=train, season_length=1, bucket_width=2, horizon=4,
                             interval_steps=2)
    top = acc[acc["horizon_bucket"] == "all"].set_index("model")
    assert top.loc["half", "wape"] == pytest.approx(1.0) and top.loc["half", "wape_interval"] == pytest.approx(0.0)
    assert top.loc["late", "wape"] == pytest.approx(2.0) and top.loc["late", "wape_interval"] == pytest.approx(0.0)
    assert acc.loc[acc["horizon_bucket"] != "all", "wape_interval"].isna().all()
    whole = segmented_accuracy(bt, ["late"], train=train, season_length=1, horizon=4, interval_steps=1)
    assert whole.loc[whole["horizon_bucket"] == "all", "wape_interval"].iloc[0] == pytest.approx(2.0)  # = daily
