import numpy as np
import pandas as pd
import pytest
from .forecast_helpers import fast_config

from ltvzaiko_tasks.forecast import (DemandForecaster, MovingAverage, SeasonalNaive, mase, moving_average,
                                     rolling_origin_backtest, seasonal_naive, wape)
from ltvzaiko_tasks.forecast.benchmark import bench_forecast
from ltvzaiko_tasks.forecast.synthetic import make_demand_panel


@pytest.fixture
def two_weeks():
    # One series, 14 days: y = day number 1..14, with day 10 (Jan 10) stocked out.
    df = pd.DataFrame({"series_id": "a", "ds": pd.date_range("2025-01-01", periods=14), "y": np.arange(1.0, 15)})
    df["censored"] = df["ds"] == "2025-01-10"
    df.loc[df["censored"], "y"] = 0.0
    return df


def future_for(days, series="a"):
    return pd.DataFrame({"series_id": series, "ds": pd.to_datetime(days)})


def test_seasonal_naive_same_weekday_and_skips_censored(two_weeks):
    model = SeasonalNaive(7).fit(two_weeks)
    pred = model.predict(future_for(["2025-01-15", "2025-01-17", "2025-01-24"]))
    # Jan 15 <- Jan 8 (8); Jan 17 <- Jan 10 is censored -> Jan 3 (3); Jan 24 (lead 10) <- Jan 10 -> Jan 3.
    assert pred["mean"].tolist() == [8.0, 3.0, 3.0]
    assert list(pred.columns) == ["series_id", "ds", "mean"]


def test_moving_average_leaves_censored_days_out(two_weeks):
    pred = MovingAverage(window=5).fit(two_weeks).predict(future_for(["2025-01-15", "2025-01-20"]))
    # last 5 days: 10 (censored), 11, 12, 13, 14 -> mean of observed = 12.5, flat over the horizon
    assert pred["mean"].tolist() == [12.5, 12.5]


def test_baselines_give_unknown_series_zero(two_weeks):
    pred = seasonal_naive(7).fit(two_weeks).predict(future_for(["2025-01-15"], series="new"))
    assert pred["mean"].tolist() == [0.0]
    assert moving_average(7).fit(two_weeks).predict(future_for(["2025-01-15"], series="new"))["mean"].tolist() == [0.0]


@pytest.fixture(scope="module")
def history():
    return make_demand_panel(10, 120, seed=4, stockout_rate=0.05)


def test_backtest_returns_a_tidy_frame(history):
    factories = {"xgb": lambda: DemandForecaster(fast_config(horizon=7)),
                 "snaive": lambda: seasonal_naive(7), "ma": lambda: moving_average(28)}
    bt = rolling_origin_backtest(factories, history, n_windows=3, horizon=7, step=7)
    assert list(bt.columns[:4]) == ["series_id", "ds", "cutoff", "y"]
    assert {"xgb", "xgb_p10", "xgb_p50", "xgb_p90", "snaive", "ma"} <= set(bt.columns)
    last = history["ds"].max()
    assert sorted(bt["cutoff"].unique()) == [last - pd.Timedelta(days=d) for d in (21, 14, 7)]
    lead = (bt["ds"] - bt["cutoff"]).dt.days
    assert lead.min() == 1 and lead.max() == 7
    assert not bt[["xgb", "snaive", "ma"]].isna().any().any()
    censored_keys = history.loc[history["censored"], ["series_id", "ds"]]
    assert bt.merge(censored_keys).empty  # stock-out days cannot score a forecast
    scores = wape(bt, ["xgb", "snaive", "ma"])
    assert scores["xgb"] < scores["snaive"]
    assert set(mase(bt, train=history, season_length=7).index) == {"xgb", "snaive", "ma"}


def test_backtest_with_gap_scores_what_can_be_known(history):
    bt = rolling_origin_backtest(lambda: DemandForecaster(fast_config(horizon=7, gap=7)), history,
                                 n_windows=1, horizon=7, step=7)
    assert ((bt["ds"] - bt["cutoff"]).dt.days.min()) == 8  # gap taken from the forecaster
    assert bt["ds"].max() == history["ds"].max()


def test_backtest_errors_when_history_is_too_short(history):
    with pytest.raises(ValueError, match="fewer windows"):
        rolling_origin_backtest(lambda: seasonal_naive(7), history, n_windows=40, horizon=7, step=7)


def test_bench_forecast_smoke():
    figures = bench_forecast(n_series=6, n_days=90, seed=0, horizon=7,
                             config=fast_config(horizon=7))
    for key in ("fit_s", "predict_s", "wape", "wape_seasonal_naive", "train_examples", "peak_rss_mb"):
        assert key in figures
    assert figures["fit_s"] > 0 and 0 < figures["wape"] < 2


def test_world_bench_smoke():
    """The §8 benchmark's own code path on a tiny world (figures are benchmarked, not asserted)."""
    from ltvzaiko_tasks.forecast import XGBoostParams
    from ltvzaiko_tasks.forecast.benchmark import bench_forecast_world

    figures = bench_forecast_world("tiny", seed=2, start="2024-04-01", history_days=45, horizon=7,
                                   booster=XGBoostParams(n_estimators=20, quantile_n_estimators=10, max_depth=3),
                                   statsforecast=False)
    assert figures["data"] == "world" and figures["series_scored"] > 0 and figures["holdout_true_units"] > 0
    assert figures["wape"] > 0 and figures["wape_seasonal_naive"] > 0 and figures["wape_statsforecast"] is None
    assert set(figures["by_model"]) == {"xgboost", "seasonal_naive", "moving_average"}
    assert figures["origin"] == "2024-05-15" and figures["peak_rss_mb"] > 0


def test_wape_by_grain_sums_before_scoring():
    """One unit every other day forecast as 0.5 a day: every day is off by half a unit (daily WAPE 1.0), yet
    every 14-day total is exact (WAPE 0) — what an order covering two weeks sees."""
    from ltvzaiko_tasks.forecast.benchmark import GRAINS, wape_by_grain

    origin = pd.Timestamp("2025-03-31")
    days = pd.date_range(origin + pd.Timedelta(days=1), periods=28)
    scored = pd.DataFrame({"series_id": 1, "style": 7, "ds": days, "y": [1.0, 0.0] * 14, "half": 0.5,
                           "zero": 0.0})
    got = wape_by_grain(scored, ["half", "zero"], origin=origin)
    assert set(got) == set(GRAINS)
    assert got["sku_location_day"]["half"] == pytest.approx(1.0)
    assert got["sku_location_14d"]["half"] == pytest.approx(0.0) and got["sku_location_28d"]["half"] == 0.0
    assert got["sku_location_week"]["half"] == pytest.approx(2 / 14)  # weeks hold 4 and 3 units, forecast 3.5
    assert got["sku_location_day"]["zero"] == got["sku_location_14d"]["zero"] == 1.0
