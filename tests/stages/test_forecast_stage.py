"""The forecast stage's pure parts: forecast + backtest on a demand table, sell-out dates by hand, settings
and the retrain rule."""
from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd
import pytest

from ltvzaiko_tasks.forecast import XGBoostParams
from ltvzaiko_tasks.stages.forecast_registry import RegisteredModel, model_version, retrain_reason
from ltvzaiko_tasks.stages.forecast_stage import ForecastSettings, compute_forecast, overall, sell_out_dates

AS_OF = date(2025, 6, 30)
FAST = XGBoostParams(n_estimators=60, learning_rate=0.15, max_depth=4, quantile_n_estimators=60,
                     quantile_learning_rate=0.15)


def _demand(n_sku=12, days=120, seed=0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    rows = []
    weekday = np.array([0.8, 0.7, 0.8, 0.9, 1.1, 1.6, 1.5])
    for s in range(n_sku):
        level = rng.gamma(3, 1.0)
        for loc in ("S01", "S02"):
            for d in range(days):
                day = AS_OF - timedelta(days=days - 1 - d)
                units = rng.poisson(level * weekday[day.weekday()])
                rows.append((f"SKU{s:03d}", loc, f"ST{s // 3}", day.isoformat(), units, False, 10, 1000, 1200, 0, 0))
    df = pd.DataFrame(rows, columns=["sku_id", "location_id", "style_id", "sales_date", "units", "stockout_flag",
                                     "on_hand_units", "selling_price_jpy", "list_price_jpy", "promo_flag",
                                     "promo_discount_pct"])
    # a stock-out week on one series: sales 0 but censored, not demand
    mask = (df["sku_id"] == "SKU000") & (df["location_id"] == "S01") & (df["sales_date"] >= "2025-05-01") & (
        df["sales_date"] < "2025-05-08")
    df.loc[mask, ["units", "stockout_flag"]] = [0, True]
    return df


def test_forecasts_every_series_for_the_horizon_and_backtests():
    res = compute_forecast(_demand(), AS_OF, ForecastSettings(horizon_days=14, min_history_days=35, booster=FAST))
    assert res.status == "forecast"
    f = res.forecast
    assert f.groupby(["sku_id", "location_id"]).size().eq(14).all() and len(f) == 12 * 2 * 14
    assert f["forecast_date"].min() == (AS_OF + timedelta(days=1)).isoformat()
    assert (f["p10_units"] <= f["p50_units"]).all() and (f["p50_units"] <= f["p90_units"]).all()
    # weekends sell more in the history, and the forecast knows it
    wd = pd.to_datetime(f["forecast_date"]).dt.day_of_week
    assert f.loc[wd >= 5, "mean_units"].mean() > 1.3 * f.loc[wd <= 2, "mean_units"].mean()
    acc = overall(res.accuracy)
    assert set(acc.index) == {"xgboost", "seasonal_naive", "moving_average"}
    assert acc.loc["xgboost", "wape"] < acc.loc["seasonal_naive", "wape"]  # beats the naive baseline on noise
    assert acc.loc["xgboost", "mase"] < acc.loc["seasonal_naive", "mase"]
    assert 0.6 <= acc.loc["xgboost", "p10_p90_coverage"] <= 0.98
    assert (acc["backtest_windows"] == 2).all()  # rolling origins, 7 days apart
    buckets = res.accuracy.query("model == 'xgboost' and segment_type == 'all'")["horizon_bucket"]
    assert buckets.tolist() == ["all", "1-7", "8-14"]
    assert res.trained and res.model is not None


def test_too_little_history_is_explained():
    res = compute_forecast(_demand(days=20), AS_OF)
    assert res.status == "insufficient_history" and "20 days" in res.message


def test_sell_out_date_is_the_day_cumulative_demand_reaches_stock():
    f = pd.DataFrame({"sku_id": "A", "location_id": "S01", "forecast_date": ["2025-07-01", "2025-07-02",
                                                                            "2025-07-03", "2025-07-04"],
                      "mean_units": [2.0, 2.0, 2.0, 2.0]})
    f = pd.concat([f, f.assign(sku_id="B")])
    stock = pd.DataFrame({"sku_id": ["A", "B"], "location_id": "S01", "on_hand_units": [5.0, 100.0]})
    out = sell_out_dates(f, stock, AS_OF).set_index("sku_id")
    assert out.loc["A", "sell_out_date"] == "2025-07-03"  # 2, 4, 6 >= 5
    assert pd.isna(out.loc["B", "sell_out_date"])  # not within the horizon
    assert out.loc["A", "days_of_cover"] == pytest.approx(2.5)


def test_a_short_history_is_backtested_on_a_shorter_horizon():
    """60 days of history cannot hold a 28-day window after 35 days of training: the backtest scores the 25
    days that fit (a new installation is checked from its first runs); under a week it scores nothing."""
    settings = ForecastSettings(horizon_days=28, min_history_days=35, booster=FAST)
    res = compute_forecast(_demand(n_sku=4, days=60), AS_OF, settings)
    assert res.forecast["forecast_date"].nunique() == 28  # the forecast itself keeps its horizon
    top = overall(res.accuracy)
    assert set(top.index) == {"xgboost", "seasonal_naive", "moving_average"}
    assert (res.accuracy["horizon_days"] == 25).all() and (res.accuracy["backtest_windows"] == 1).all()
    assert res.accuracy["horizon_to"].max() == 25
    short = compute_forecast(_demand(n_sku=4, days=40), AS_OF, settings)
    assert short.status == "forecast" and short.accuracy.empty  # 5 days would fit: too few to score


def test_stockout_flags_spelled_by_postgres_are_read_as_booleans():
    from ltvzaiko_tasks.stages.forecast_stage import to_long_history

    df = _demand(n_sku=1, days=3)
    df["stockout_flag"] = ["f", "t", "f"] * 2  # COPY ... csv writes booleans as t / f
    hist = to_long_history(df).sort_values(["series_id", "ds"])
    assert hist["censored"].tolist() == [False, True, False] * 2


def test_settings_come_from_the_environment():
    s = ForecastSettings.from_env({"LTVZAIKO_FORECAST_RETRAIN_DAYS": "14", "LTVZAIKO_FORECAST_HORIZON_DAYS": "21"})
    assert (s.retrain_days, s.horizon_days, s.backtest_windows) == (14, 21, 2)
    assert ForecastSettings.from_env({}).retrain_days == 7
    with pytest.raises(ValueError, match="RETRAIN_DAYS"):
        ForecastSettings.from_env({"LTVZAIKO_FORECAST_RETRAIN_DAYS": "weekly"})
    with pytest.raises(ValueError):
        ForecastSettings(retrain_days=-1)


def test_retrain_rule(tmp_path):
    (tmp_path / "forecaster.json").write_text("{}")
    trained = date(2025, 6, 1)
    m = RegisteredModel(model_version(trained, "abc123ef99"), trained, "abc123ef99", str(tmp_path))
    assert m.model_version == "fc-20250601-abc123ef"
    assert retrain_reason(m, date(2025, 6, 7), "abc123ef99", retrain_days=7) is None     # 6 days old: reuse
    assert "7 days old" in retrain_reason(m, date(2025, 6, 8), "abc123ef99", retrain_days=7)
    assert retrain_reason(m, date(2025, 6, 1), "abc123ef99", retrain_days=0) is not None  # 0: every run
    assert retrain_reason(m, date(2025, 6, 2), "other", retrain_days=7) == "feature set or config changed"
    assert "after this run" in retrain_reason(m, date(2025, 5, 30), "abc123ef99", retrain_days=7)
    assert retrain_reason(None, date(2025, 6, 2), "abc123ef99", retrain_days=7) == "no active model"
    gone = RegisteredModel(m.model_version, trained, "abc123ef99", str(tmp_path / "missing"))
    assert "artifact missing" in retrain_reason(gone, date(2025, 6, 2), "abc123ef99", retrain_days=7)


def test_a_reused_model_forecasts_from_the_latest_history():
    demand = _demand(days=120)
    settings = ForecastSettings(horizon_days=14, backtest_windows=1, booster=FAST)
    first = compute_forecast(demand[demand["sales_date"] < "2025-06-30"], AS_OF - timedelta(days=1), settings)
    again = compute_forecast(demand, AS_OF, settings, model=first.model)
    assert not again.trained and again.fit_seconds == 0.0
    assert again.forecast["forecast_date"].min() == (AS_OF + timedelta(days=1)).isoformat()
    assert again.model.trained_cutoff_ == pd.Timestamp(AS_OF - timedelta(days=1))
