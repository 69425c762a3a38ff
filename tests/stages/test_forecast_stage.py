"""The forecast stage's pure parts: forecast + backtest on a demand table, sell-out dates by hand."""
from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd
import pytest

from ltvzaiko_tasks.stages.forecast_stage import ForecastSettings, compute_forecast, sell_out_dates

AS_OF = date(2025, 6, 30)


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
                rows.append((f"SKU{s:03d}", loc, f"ST{s // 3}", day.isoformat(), units, False, 10))
    df = pd.DataFrame(rows, columns=["sku_id", "location_id", "style_id", "sales_date", "units", "stockout_flag",
                                     "on_hand_units"])
    # a stock-out week on one series: sales 0 but censored, not demand
    mask = (df["sku_id"] == "SKU000") & (df["location_id"] == "S01") & (df["sales_date"] >= "2025-05-01") & (
        df["sales_date"] < "2025-05-08")
    df.loc[mask, ["units", "stockout_flag"]] = [0, True]
    return df


def test_forecasts_every_series_for_the_horizon_and_backtests():
    res = compute_forecast(_demand(), AS_OF, ForecastSettings(horizon_days=14, min_history_days=35))
    assert res.status == "forecast"
    f = res.forecast
    assert f.groupby(["sku_id", "location_id"]).size().eq(14).all() and len(f) == 12 * 2 * 14
    assert f["forecast_date"].min() == (AS_OF + timedelta(days=1)).isoformat()
    assert (f["p10_units"] <= f["p50_units"]).all() and (f["p50_units"] <= f["p90_units"]).all()
    # weekends sell more in the history, and the forecast knows it
    wd = pd.to_datetime(f["forecast_date"]).dt.day_of_week
    assert f.loc[wd >= 5, "mean_units"].mean() > 1.3 * f.loc[wd <= 2, "mean_units"].mean()
    acc = res.accuracy.set_index("model")
    assert set(acc.index) == {"xgboost", "seasonal_naive"}
    assert acc.loc["xgboost", "wape"] < acc.loc["seasonal_naive", "wape"]  # beats the naive baseline on noise
    assert 0.6 <= acc.loc["xgboost", "p10_p90_coverage"] <= 0.98


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


def test_stockout_flags_spelled_by_postgres_are_read_as_booleans():
    from ltvzaiko_tasks.stages.forecast_stage import to_long_history

    df = _demand(n_sku=1, days=3)
    df["stockout_flag"] = ["f", "t", "f"] * 2  # COPY ... csv writes booleans as t / f
    assert to_long_history(df)["censored"].tolist() == [False, True, False] * 2
