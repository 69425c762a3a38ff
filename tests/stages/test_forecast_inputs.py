"""The forecast stage's features: price, discount rate and campaign flags, known in advance, in history and future."""
from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd
import pytest

from ltvzaiko_tasks.forecast import DemandForecaster, XGBoostParams
from ltvzaiko_tasks.stages.forecast_inputs import (EXOGENOUS, LIFECYCLE, campaign_cover, future_features,
                                                   leaking_features, lifecycle_features, prices_as_of_cutoff,
                                                   to_long_history)
from ltvzaiko_tasks.stages.forecast_stage import ForecastSettings, forecast_config

DAY = date(2025, 6, 1)
SERIES = pd.DataFrame({"sku_id": ["A1", "A2", "B1", "A1"], "location_id": ["S01", "S01", "S01", "E01"],
                       "style_id": ["A", "A", "B", "A"], "category": ["tops", "tops", "bottoms", "tops"],
                       "channel": ["store", "store", "store", "ec"], "on_hand_units": [3, 0, 5, 9],
                       "selling_price_jpy": [900, 1000, 2000, 1000], "list_price_jpy": [1000, 1000, 2000, 1000]})


def _demand(days: int = 20, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    rows = []
    for _, s in SERIES.iterrows():
        for d in range(days):
            day = DAY + timedelta(days=d)
            units = int(rng.poisson(2))
            promo = d % 7 == 0
            rows.append({"sku_id": s["sku_id"], "location_id": s["location_id"], "style_id": s["style_id"],
                         "sales_date": day.isoformat(), "units": units, "stockout_flag": int(rng.random() < 0.1),
                         "on_hand_units": int(rng.integers(0, 9)), "selling_price_jpy": s["selling_price_jpy"],
                         "list_price_jpy": s["list_price_jpy"], "promo_flag": int(promo),
                         "promo_discount_pct": 20 if promo else 0,
                         "sold_net_sales_jpy": units * s["selling_price_jpy"] * (0.8 if promo else 1.0)})
    return pd.DataFrame(rows)


def test_the_pipeline_declares_price_discount_and_campaign_features():
    assert {"price_jpy", "planned_discount_rate", "promo_flag", "promo_discount_pct"} <= set(EXOGENOUS)
    config = forecast_config(ForecastSettings())
    assert config.exogenous == EXOGENOUS
    fast = XGBoostParams(n_estimators=5, quantile_n_estimators=5)
    hist = to_long_history(_demand(days=40))
    model = DemandForecaster(forecast_config(ForecastSettings(horizon_days=7, booster=fast))).fit(hist)
    assert set(EXOGENOUS) <= set(model.spec_.feature_names)
    row = hist[(hist["series_id"] == "A1|S01") & (hist["ds"] == pd.Timestamp(DAY))].iloc[0]
    # 900 of 1000 on the shelf (10 % markdown) and a 20 % campaign: 1 - 0.9 * 0.8
    assert row["price_jpy"] == 900 and row["planned_discount_rate"] == pytest.approx(0.28) and row["promo_flag"] == 1


ITEMS = pd.DataFrame({"sku_id": ["A1", "A2", "B1"], "launch_date": ["2025-05-01", "2025-05-01", "2024-01-10"],
                      "season_start": ["2025-05-01", "2025-05-01", None],  # B1 is a staple: no season
                      "season_end": ["2025-07-30", "2025-07-30", None]})


def test_no_pipeline_feature_moves_with_the_outcomes():
    assert leaking_features(to_long_history, _demand()) == []
    assert leaking_features(lambda d: to_long_history(d, ITEMS), _demand()) == []


def test_lifecycle_features_place_the_day_in_the_item_s_season():
    f = lifecycle_features(["2025-05-01", "2025-06-15", "2025-07-30", "2025-08-09", "2025-06-15"],
                           ["2025-05-01"] * 4 + ["2024-01-10"], ["2025-05-01"] * 4 + [None],
                           ["2025-07-30"] * 4 + [None])
    assert f["days_since_launch"].tolist() == [0, 45, 90, 100, 522]
    # 91 season days: the first is 0, the last just under 1, ten days after the end 111/91
    assert f["season_progress"][:4] == pytest.approx([0, 45 / 91, 90 / 91, 100 / 91])
    assert f["days_to_season_end"][:4].tolist() == [90, 45, 0, -10]
    assert np.isnan(f["season_progress"][4]) and np.isnan(f["days_to_season_end"][4])  # a staple


def test_history_and_future_carry_the_same_lifecycle_features():
    hist = to_long_history(_demand(days=5), ITEMS)
    row = hist[(hist["series_id"] == "A1|S01") & (hist["ds"] == pd.Timestamp(DAY))].iloc[0]
    assert row["days_since_launch"] == 31 and row["season_progress"] == pytest.approx(31 / 91)
    fut = future_features(SERIES, pd.DataFrame(), [pd.Timestamp(DAY)], ITEMS)
    got = fut.set_index("series_id").loc["A1|S01", list(LIFECYCLE)].to_numpy(float)
    assert got == pytest.approx(row[list(LIFECYCLE)].to_numpy(float))
    assert np.isnan(fut.set_index("series_id").loc["B1|S01", "season_progress"])
    assert set(LIFECYCLE) <= set(EXOGENOUS)


def test_month_and_week_features_need_a_full_year_of_targets():
    """A year of history that starts in April has no April targets after the warm-up: the forecast of April
    would be taught by March. Month / week of year are used only once a whole year of targets exists."""
    settings = ForecastSettings(horizon_days=28)
    short = forecast_config(settings, pd.Timestamp("2024-04-01"), pd.Timestamp("2025-03-31"))
    long = forecast_config(settings, pd.Timestamp("2023-04-01"), pd.Timestamp("2025-03-31"))
    assert short.annual_calendar is False and long.annual_calendar is True
    fast = XGBoostParams(n_estimators=5, quantile_n_estimators=5)
    model = DemandForecaster(forecast_config(ForecastSettings(horizon_days=7, booster=fast))).fit(
        to_long_history(_demand(days=40)))
    assert "cal_dow" in model.spec_.feature_names and "cal_month" not in model.spec_.feature_names


def test_a_feature_computed_from_the_day_s_sales_is_caught():
    """The warehouse's realised price (net sales ÷ units on days with sales, the shelf price otherwise) tells
    the model whether the day sold: a discount built from it must be refused."""
    def realised_price_history(demand: pd.DataFrame) -> pd.DataFrame:
        units = demand["units"].astype(float)
        realised = np.where(units > 0, demand["sold_net_sales_jpy"] / units.clip(lower=1), demand["selling_price_jpy"])
        return to_long_history(demand.assign(selling_price_jpy=realised))

    assert set(leaking_features(realised_price_history, _demand())) == {"price_jpy", "planned_discount_rate"}


def test_campaigns_cover_by_target_and_location():
    days = pd.DataFrame([
        # everything on EC for two days
        {"campaign_id": "C1", "channel": "ec", "sales_date": "2025-06-02", "location_ids": None,
         "target_level": "all", "target_code": None, "discount_pct": 10},
        {"campaign_id": "C1", "channel": "ec", "sales_date": "2025-06-03", "location_ids": None,
         "target_level": "all", "target_code": None, "discount_pct": 10},
        # style A in store S01 only; style B's stores are not listed
        {"campaign_id": "C2", "channel": "store", "sales_date": "2025-06-02", "location_ids": "S01;S09",
         "target_level": "style", "target_code": "A", "discount_pct": 30},
        {"campaign_id": "C3", "channel": "store", "sales_date": "2025-06-02", "location_ids": "S09",
         "target_level": "category", "target_code": "bottoms", "discount_pct": 50},
        # a points campaign on one SKU (no discount) overlapping C2
        {"campaign_id": "C4", "channel": "store", "sales_date": "2025-06-02", "location_ids": None,
         "target_level": "sku", "target_code": "A1", "discount_pct": 0},
    ])
    days["sales_date"] = pd.to_datetime(days["sales_date"])
    got = campaign_cover(SERIES, days)
    keys = {(r.sku_id, r.location_id, str(r.sales_date.date())): r.promo_discount_pct for r in got.itertuples()}
    assert keys == {("A1", "E01", "2025-06-02"): 10, ("A1", "E01", "2025-06-03"): 10,
                    ("A1", "S01", "2025-06-02"): 30, ("A2", "S01", "2025-06-02"): 30}


def test_future_features_carry_the_price_and_read_the_calendar():
    days = pd.DataFrame([{"campaign_id": "C1", "channel": "store", "sales_date": pd.Timestamp("2025-06-03"),
                          "location_ids": None, "target_level": "all", "target_code": None, "discount_pct": 20}])
    dates = pd.date_range("2025-06-02", periods=3)
    fut = future_features(SERIES, days, dates).set_index(["series_id", "ds"])
    assert len(fut) == len(SERIES) * 3
    a = fut.loc["A1|S01"]
    assert a["price_jpy"].tolist() == [900.0] * 3 and a["promo_flag"].tolist() == [0.0, 1.0, 0.0]
    assert a["planned_discount_rate"].tolist() == pytest.approx([0.1, 1 - 0.9 * 0.8, 0.1])
    assert fut.loc["A1|E01", "promo_flag"].sum() == 0  # a store campaign does not reach EC


def test_backtest_windows_know_only_the_price_at_their_cutoff():
    hist = to_long_history(_demand(days=10))
    train, window = hist[hist["ds"] <= pd.Timestamp("2025-06-05")], hist[hist["ds"] > pd.Timestamp("2025-06-05")]
    window = window.assign(price_jpy=1.0)  # a markdown inside the window, not known at the cutoff
    known = prices_as_of_cutoff(window.drop(columns=["y", "censored"]), train)
    assert (known.loc[known["series_id"] == "A1|S01", "price_jpy"] == 900).all()
    assert known["promo_flag"].tolist() == window["promo_flag"].tolist()  # announced campaigns are kept
