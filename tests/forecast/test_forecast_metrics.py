import numpy as np
import pandas as pd
import pytest

from ltvzaiko_tasks.forecast import (accuracy_table, bias, mase, mase_score, quantile_coverage, seasonal_naive_scales,
                                     wape)
from ltvzaiko_tasks.forecast.metrics import model_columns


@pytest.fixture
def frame():
    # Hand example: y = 1 2 3 4 on one series, model a = 2 2 2 2, model b = 1 2 3 5.
    return pd.DataFrame({
        "series_id": ["s"] * 4,
        "ds": pd.date_range("2025-01-05", periods=4),
        "cutoff": pd.Timestamp("2025-01-04"),
        "y": [1.0, 2.0, 3.0, 4.0],
        "a": [2.0, 2.0, 2.0, 2.0],
        "b": [1.0, 2.0, 3.0, 5.0],
        "a_p10": [0.0, 1.0, 1.0, 1.0],
        "a_p90": [3.0, 3.0, 3.0, 3.0],
    })


def test_model_columns_skip_keys_and_quantiles(frame):
    assert model_columns(frame) == ["a", "b"]


def test_wape_hand_computed(frame):
    # a: (1 + 0 + 1 + 2) / 10 = 0.4 ; b: 1 / 10 = 0.1
    assert wape(frame).to_dict() == pytest.approx({"a": 0.4, "b": 0.1})


def test_bias_hand_computed(frame):
    # a: (8 - 10) / 10 = -0.2 (under-forecast) ; b: +1 / 10
    assert bias(frame).to_dict() == pytest.approx({"a": -0.2, "b": 0.1})


def test_mase_hand_computed(frame):
    # Training history 1, 2, 4, 3 with season 1: |2-1|, |4-2|, |3-4| -> scale 4/3.
    train = pd.DataFrame({"series_id": "s", "ds": pd.date_range("2025-01-01", periods=4), "y": [1.0, 2, 4, 3]})
    # a: mean |e| = 1 -> 0.75 ; b: mean |e| = 0.25 -> 0.1875
    assert mase(frame, train=train, season_length=1).to_dict() == pytest.approx({"a": 0.75, "b": 0.1875})


def test_mase_ignores_censored_training_rows_and_later_rows(frame):
    train = pd.DataFrame({"series_id": "s", "ds": pd.date_range("2025-01-01", periods=6),
                          "y": [1.0, 2, 4, 3, 100, 100], "censored": [False, False, False, False, False, False]})
    # rows after the cutoff (Jan 5, 6) are not used for the scale
    assert mase(frame, ["a"], train=train, season_length=1)["a"] == pytest.approx(0.75)
    train.loc[2, "censored"] = True  # y=4 unobserved: only the pair (1, 2) remains -> scale 1
    assert mase(frame, ["a"], train=train, season_length=1)["a"] == pytest.approx(1.0)


def test_quantile_coverage_hand_computed(frame):
    # y in [p10, p90]: 1 in [0,3] yes, 2 yes, 3 yes, 4 no -> 0.75
    assert quantile_coverage(frame, "a_p10", "a_p90") == pytest.approx(0.75)


def test_grouped_metrics_and_zero_actuals():
    df = pd.DataFrame({"series_id": ["u", "u", "v", "v"], "y": [1.0, 1.0, 0.0, 0.0], "m": [2.0, 0.0, 1.0, 0.0]})
    per = wape(df, "m", by="series_id")
    assert per.loc["u", "m"] == pytest.approx(1.0)
    assert np.isnan(per.loc["v", "m"])  # no demand: WAPE undefined, not infinite
    assert quantile_coverage(df.assign(lo=0.0, hi=0.5), "lo", "hi", by="series_id").to_dict() == {"u": 0.0, "v": 1.0}


def test_accuracy_table_shape(frame):
    train = pd.DataFrame({"series_id": "s", "ds": pd.date_range("2025-01-01", periods=4), "y": [1.0, 2, 4, 3]})
    table = accuracy_table(frame, train=train, season_length=1)
    assert set(table["metric"]) == {"wape", "bias", "mase", "coverage_p10_p90"}
    assert table.query("model == 'a' and metric == 'coverage_p10_p90'")["value"].item() == pytest.approx(0.75)


# Australian quarterly beer production (megalitres), 1992Q1-2008Q3: the ``ausbeer`` series of the fpp R package,
# the running example of Hyndman & Athanasopoulos, "Forecasting: principles and practice" (1st ed.), §2.5.
AUSBEER_1992_2008 = [
    443, 410, 420, 532, 433, 421, 410, 512, 449, 381, 423, 531, 426, 408, 416, 520, 409, 398, 398, 507,
    432, 398, 406, 526, 428, 397, 403, 517, 435, 383, 424, 521, 421, 402, 414, 500, 451, 380, 416, 492,
    428, 408, 406, 506, 435, 380, 421, 490, 435, 390, 412, 454, 416, 403, 408, 482, 438, 386, 405, 491,
    427, 383, 394, 473, 420, 390, 410]


def test_mase_reproduces_the_textbook_beer_example():
    """FPP §2.5: trained on 1992Q1-2005Q4, forecasts of 2006Q1-2008Q3; the book's table gives MASE 2.30 for the
    mean method, 4.35 for the naive method and 0.77 for the seasonal naive method, with the scale of Hyndman &
    Koehler (2006) for seasonal data: the in-sample MAE of the seasonal naive method (m = 4)."""
    y = np.array(AUSBEER_1992_2008, dtype=float)
    train, test = y[:56], y[56:]
    assert len(test) == 11
    mean = np.full(11, train.mean())
    naive = np.full(11, train[-1])
    snaive = np.array([train[-4 + h % 4] for h in range(11)])
    assert mase_score(test, mean, train, season_length=4) == pytest.approx(2.30, abs=0.005)
    assert mase_score(test, naive, train, season_length=4) == pytest.approx(4.35, abs=0.005)
    assert mase_score(test, snaive, train, season_length=4) == pytest.approx(0.77, abs=0.005)


def test_mase_score_edge_cases():
    assert np.isnan(mase_score([1.0], [1.0], [5.0, 5.0, 5.0]))            # constant history: no scale
    assert np.isnan(mase_score([1.0], [1.0], [5.0], season_length=1))     # too short for one difference
    # missing (stock-out) values are left out of the scale: pairs (1, 2) and (2, 4) only
    assert mase_score([3.0], [4.0], [1.0, 2.0, 4.0, np.nan]) == pytest.approx(1 / 1.5)
    with pytest.raises(ValueError):
        mase_score([1.0, 2.0], [1.0], [1.0, 2.0])


def test_frame_mase_agrees_with_the_one_series_definition(frame):
    train = pd.DataFrame({"series_id": "s", "ds": pd.date_range("2025-01-01", periods=4), "y": [1.0, 2, 4, 3]})
    expected = mase_score(frame["y"], frame["a"], train["y"], season_length=2)
    assert mase(frame, ["a"], train=train, season_length=2)["a"] == pytest.approx(expected)


def test_seasonal_naive_scales_per_cutoff():
    train = pd.DataFrame({"series_id": "s", "ds": pd.date_range("2025-01-01", periods=5), "y": [1.0, 2, 4, 3, 10]})
    scales = seasonal_naive_scales(train, ["2025-01-04", "2025-01-05"], season_length=1).set_index("cutoff")["scale"]
    assert scales.loc[pd.Timestamp("2025-01-04")] == pytest.approx(4 / 3)   # |2-1|, |4-2|, |3-4|
    assert scales.loc[pd.Timestamp("2025-01-05")] == pytest.approx(11 / 4)  # ... and |10-3|
