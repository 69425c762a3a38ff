"""Calibration / hold-out evaluation: predicted vs actual hold-out purchases by calibration frequency."""
from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from ltvzaiko_tasks.ltv import BetaGeoModel, simulate_bgnbd, summarise_calibration_holdout
from ltvzaiko_tasks.ltv.holdout_evaluation import (calibration_holdout_metrics, calibration_vs_holdout,
                                                   holdout_predictions)

CDNOW = BetaGeoModel.from_params(r=0.243, alpha=4.414, a=0.793, b=2.426)
TRUE = {"r": 0.6, "alpha": 8.0, "a": 0.7, "b": 3.0}


def small_frame() -> pd.DataFrame:
    return pd.DataFrame({"frequency": [0, 0, 2, 3, 9], "recency": [0.0, 0.0, 30.43, 20.0, 38.0],
                         "T": [38.86, 20.0, 38.86, 38.86, 38.86], "frequency_holdout": [0, 1, 1, 4, 6]},
                        index=pd.Index(list("abcde"), name="customer"))


def test_buckets_by_hand():
    cal = small_frame()
    out = calibration_vs_holdout(CDNOW, cal, duration_holdout=39.0, max_frequency=3)
    assert list(out["frequency_bucket"]) == ["0", "1", "2", "3+"]
    assert list(out["n_customers"]) == [2, 0, 1, 2]
    pred = [CDNOW.expected_purchases(39.0, *cal.loc[c, ["frequency", "recency", "T"]]) for c in cal.index]
    assert out.loc[0, "actual_holdout_purchases"] == 0.5
    assert out.loc[0, "predicted_holdout_purchases"] == pytest.approx((pred[0] + pred[1]) / 2, rel=1e-12)
    assert np.isnan(out.loc[1, "actual_holdout_purchases"]) and out.loc[1, "actual_total"] == 0
    # the published CDNOW customer: x = 2, t_x = 30.43, T = 38.86 -> 1.226 purchases in 39 weeks (FHL 2005a)
    assert out.loc[2, "predicted_holdout_purchases"] == pytest.approx(1.226, abs=5e-4)
    assert out.loc[3, "actual_holdout_purchases"] == 5.0 and out.loc[3, "actual_total"] == 10
    assert out.loc[3, "predicted_total"] == pytest.approx(pred[3] + pred[4], rel=1e-12)
    assert out.loc[3, "error"] == pytest.approx((pred[3] + pred[4]) / 2 - 5.0)
    assert out.loc[3, "relative_error"] == pytest.approx(((pred[3] + pred[4]) / 2 - 5.0) / 5.0)
    assert out["predicted_total"].sum() == pytest.approx(sum(pred), rel=1e-12)


def test_per_customer_predictions_and_naive_baseline():
    cal = small_frame().assign(duration_holdout=39.0)
    pred = holdout_predictions(CDNOW, cal)
    assert list(pred.index) == list("abcde")
    assert pred.loc["c", "naive_holdout"] == pytest.approx(2 / 38.86 * 39.0)
    assert pred.loc["a", "naive_holdout"] == 0.0 and pred.loc["a", "p_alive"] == 1.0
    assert pred.loc["c", "p_alive"] == pytest.approx(float(CDNOW.probability_alive(2, 30.43, 38.86)))


def test_metrics_by_hand_and_json_ready():
    cal = small_frame()
    m = calibration_holdout_metrics(CDNOW, cal, duration_holdout=39.0, max_frequency=3)
    pred = holdout_predictions(CDNOW, cal, duration_holdout=39.0)
    err = pred["predicted_holdout"] - pred["frequency_holdout"]
    assert m["n_customers"] == 5 and m["actual_total"] == 12.0
    assert m["predicted_total"] == pytest.approx(pred["predicted_holdout"].sum())
    assert m["total_relative_error"] == pytest.approx(pred["predicted_holdout"].sum() / 12.0 - 1.0)
    assert m["customer_mae"] == pytest.approx(err.abs().mean())
    assert m["customer_rmse"] == pytest.approx(np.sqrt((err ** 2).mean()))
    assert m["customer_bias"] == pytest.approx(err.mean())
    buckets = calibration_vs_holdout(CDNOW, cal, duration_holdout=39.0, max_frequency=3)
    filled = buckets[buckets["n_customers"] > 0]
    assert m["bucket_mae"] == pytest.approx(filled["error"].abs().mean())
    assert m["bucket_wape"] == pytest.approx((filled["predicted_total"] - filled["actual_total"]).abs().sum() / 12)
    json.dumps(m)


@pytest.fixture(scope="module")
def simulated():
    rng = np.random.default_rng(7)
    T = rng.uniform(26.0, 78.0, 40_000)
    return simulate_bgnbd(40_000, **TRUE, T=T, holdout_length=39.0, seed=11)


def test_calibration_on_simulated_data_predicts_the_holdout(simulated):
    # Fit on the calibration histories, predict the 39-week hold-out the simulator drew from the same
    # customers: predicted ≈ actual in every well-populated bucket, and in total.
    bg = BetaGeoModel().fit(simulated["frequency"], simulated["recency"], simulated["T"])
    out = calibration_vs_holdout(bg, simulated, duration_holdout=39.0)
    big = out[out["n_customers"] >= 500]
    assert len(big) == 8                       # every bucket 0..7+ is populated
    assert np.all(np.abs(big["relative_error"]) < 0.08), big[["frequency_bucket", "relative_error"]]
    m = calibration_holdout_metrics(bg, simulated, duration_holdout=39.0)
    assert abs(m["total_relative_error"]) < 0.03
    assert m["bucket_wape"] < 0.04
    assert m["customer_mae"] < 0.8 * m["naive_customer_mae"]    # beats "keep the calibration rate"
    assert abs(m["naive_total_relative_error"]) > 0.2          # which overshoots: it forgets dropout
    assert m["customer_correlation"] > 0.6


def test_true_parameters_are_unbiased_in_each_bucket(simulated):
    truth = BetaGeoModel.from_params(**TRUE)
    out = calibration_vs_holdout(truth, simulated, duration_holdout=39.0)
    # standard error of each bucket's mean hold-out count: the error must stay within ~4 of them
    pred = holdout_predictions(truth, simulated, duration_holdout=39.0)
    bucket = np.minimum(pred["frequency"], 7)
    se = pred.groupby(bucket)["frequency_holdout"].std() / np.sqrt(pred.groupby(bucket).size())
    assert np.all(np.abs(out["error"].to_numpy()) < 4 * se.to_numpy())


def test_from_a_transaction_log():
    tx = pd.DataFrame({
        "customer": ["a", "a", "a", "b", "b", "c"],
        "date": ["2025-01-06", "2025-01-20", "2025-03-03", "2025-01-13", "2025-01-27", "2025-02-03"],
    })
    cal = summarise_calibration_holdout(tx, "customer", "date", calibration_end="2025-02-09",
                                        observation_end="2025-03-09", time_unit="W")
    out = calibration_vs_holdout(CDNOW, cal, max_frequency=2)   # duration from the column: 4 weeks
    assert list(out["n_customers"]) == [1, 2, 0]
    assert list(out["actual_total"]) == [0.0, 1.0, 0.0]
    assert out.loc[1, "predicted_total"] == pytest.approx(
        float(CDNOW.expected_purchases(4.0, 1, 2.0, 4.0) + CDNOW.expected_purchases(4.0, 1, 2.0, 3.0)))


def test_bad_input_is_refused():
    cal = small_frame()
    with pytest.raises(ValueError, match="duration_holdout"):
        calibration_vs_holdout(CDNOW, cal)
    with pytest.raises(ValueError, match="lacks columns"):
        calibration_vs_holdout(CDNOW, cal.drop(columns="frequency_holdout"), duration_holdout=39)
    with pytest.raises(ValueError, match="max_frequency"):
        calibration_vs_holdout(CDNOW, cal, duration_holdout=39, max_frequency=0)
    with pytest.raises(ValueError, match=">= 0"):
        holdout_predictions(CDNOW, cal, duration_holdout=-1.0)
    with pytest.raises(ValueError, match="whole numbers"):
        holdout_predictions(CDNOW, cal.assign(frequency_holdout=0.5), duration_holdout=39)
