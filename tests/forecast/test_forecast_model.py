import numpy as np
import pandas as pd
import pytest
from .forecast_helpers import HORIZON, fast_config, split

from ltvzaiko_tasks.forecast import (DemandForecaster, ForecastConfig, SeasonalNaive, quantile_coverage,
                                     wape)
from ltvzaiko_tasks.forecast.synthetic import make_demand_panel


def test_predict_returns_the_documented_columns_in_future_order(fitted):
    model, _, test, _ = fitted
    future = test.drop(columns=["y", "censored"]).sample(frac=1.0, random_state=1)
    pred = model.predict(future)
    assert list(pred.columns) == ["series_id", "ds", "mean", "p10", "p50", "p90"]
    assert pred["series_id"].tolist() == future["series_id"].tolist()
    assert pred["ds"].tolist() == future["ds"].tolist()
    assert pred[["mean", "p10", "p50", "p90"]].notna().all().all()


def test_quantiles_ordered_non_negative_and_calibrated(fitted):
    _, _, _, scored = fitted
    q = scored[["p10", "p50", "p90"]].to_numpy()
    assert (np.diff(q, axis=1) >= 0).all() and (q >= 0).all() and (scored["mean"] >= 0).all()
    coverage = quantile_coverage(scored, "p10", "p90")
    assert 0.65 <= coverage <= 0.95, coverage
    below_median = (scored["y"] < scored["p50"]).mean()
    assert 0.3 <= below_median <= 0.7


def test_xgboost_beats_seasonal_naive_wape(fitted):
    model, train, test, scored = fitted
    naive = SeasonalNaive(7).fit(train).predict(test.drop(columns=["y", "censored"]))
    scored = scored.merge(naive.rename(columns={"mean": "snaive"}), on=["series_id", "ds"])
    scores = wape(scored.rename(columns={"mean": "xgboost"}), ["xgboost", "snaive"])
    assert scores["xgboost"] < 0.8 * scores["snaive"], scores.to_dict()  # SPEC §8: at least 20 % better


def test_censoring_is_not_taught_as_zero_demand():
    df, mu = make_demand_panel(30, 150, seed=21, promo_rate=0.0, stockout_rate=0.35, return_truth=True)
    df["mu"] = mu
    train, test, _ = split(df)
    assert train["censored"].mean() > 0.25 and (train.loc[train["censored"], "y"] == 0).all()
    future = test.drop(columns=["y", "censored", "mu"])
    cfg = fast_config(exogenous=("price", "discount", "promo"))
    aware = DemandForecaster(cfg).fit(train.drop(columns="mu")).predict(future)
    naive = DemandForecaster(cfg).fit(train.drop(columns=["mu", "censored"])).predict(future)
    truth = test["mu"].sum()
    assert aware["mean"].sum() > 1.15 * naive["mean"].sum()
    assert abs(aware["mean"].sum() / truth - 1) < 0.15
    assert abs(aware["mean"].sum() - truth) < abs(naive["mean"].sum() - truth)
    assert aware["p50"].sum() > naive["p50"].sum()


def test_gap_shifts_the_first_forecast_step(demand):
    train, test, cutoff = split(demand, gap=7)
    model = DemandForecaster(fast_config(gap=7)).fit(train)
    future = model.make_future()
    assert future["ds"].min() == cutoff + pd.Timedelta(days=8)
    assert future["ds"].max() == cutoff + pd.Timedelta(days=7 + HORIZON)
    assert len(future) == 30 * HORIZON
    known = test.drop(columns=["y", "censored"])
    pred = model.predict(known)
    assert pred["ds"].min() == cutoff + pd.Timedelta(days=8)
    too_early = known.assign(ds=known["ds"] - pd.Timedelta(days=7))
    with pytest.raises(ValueError, match="gap=7"):
        model.predict(too_early)


def test_new_series_borrow_strength_from_their_group(demand):
    train, test, _ = split(demand)
    new_ids = ["s0003", "s0017"]
    model = DemandForecaster(fast_config()).fit(train[~train["series_id"].isin(new_ids)])
    future = test[test["series_id"].isin(new_ids)].drop(columns=["y", "censored"])
    pred = model.predict(future)  # brings category / store / base_price for the unseen series
    assert pred[["mean", "p10", "p50", "p90"]].notna().all().all()
    actual = test[test["series_id"].isin(new_ids)].groupby("series_id")["y"].mean()
    forecast = pred.groupby("series_id")["mean"].mean()
    ratio = forecast / actual
    assert ((ratio > 0.3) & (ratio < 3.0)).all(), ratio.to_dict()


def test_weekly_frequency_and_custom_quantiles(demand):
    weekly = (demand.assign(ds=demand["ds"] - pd.to_timedelta(demand["ds"].dt.day_of_week, unit="D"))
              .groupby(["series_id", "ds"], as_index=False)
              .agg(y=("y", "sum"), promo=("promo", "max"), discount=("discount", "mean"), n=("y", "size")))
    weekly = weekly[weekly["n"] == 7].drop(columns="n")  # complete weeks only
    cfg = ForecastConfig(freq="W", horizon=3, quantiles=(0.05, 0.5, 0.95), xgb=fast_config().xgb)
    last = weekly["ds"].max()
    model = DemandForecaster(cfg).fit(weekly[weekly["ds"] <= last - pd.Timedelta(weeks=3)])
    pred = model.predict(weekly[weekly["ds"] > last - pd.Timedelta(weeks=3)].drop(columns="y"))
    assert list(pred.columns) == ["series_id", "ds", "mean", "p5", "p50", "p95"]
    assert (pred["ds"].dt.day_of_week == 0).all() and pred["ds"].nunique() == 3
    assert (pred["p5"] <= pred["p95"]).all()


def test_poisson_objective_and_feature_importance(demand):
    train, test, _ = split(demand)
    model = DemandForecaster(fast_config(mean_objective="count:poisson")).fit(train)
    pred = model.predict(test.drop(columns=["y", "censored"]))
    assert (pred["mean"] > 0).all()
    importance = model.feature_importance().set_index("feature")
    assert importance["mean_model"].sum() > 0
    assert {"lead", "cal_is_holiday", "grp_category_mean_28", "promo"} <= set(importance.index)


def test_month_features_are_decided_from_the_history_span():
    """``annual_calendar=None`` (the default): month / week of year only when the history holds a full year
    of targets beyond warm-up and horizon; forcing it either way is respected and part of the hash."""
    from ltvzaiko_tasks.forecast import ForecastConfig, feature_set_hash
    from ltvzaiko_tasks.forecast.features import FeatureSpec

    def history(days: int) -> pd.DataFrame:
        return pd.DataFrame({"series_id": "a", "ds": pd.date_range("2024-01-01", periods=days), "y": 1.0})

    cfg = ForecastConfig(horizon=14, exogenous=())
    warmup = max(cfg.rolling_windows) - 1
    need = 365 + warmup + cfg.horizon
    assert "cal_month" not in FeatureSpec.from_config(cfg, history(need - 1)).feature_names
    assert {"cal_month", "cal_week"} <= set(FeatureSpec.from_config(cfg, history(need)).feature_names)
    forced = ForecastConfig(horizon=14, exogenous=(), annual_calendar=True)
    assert "cal_month" in FeatureSpec.from_config(forced, history(60)).feature_names
    assert len({feature_set_hash(c) for c in (cfg, forced, ForecastConfig(horizon=14, exogenous=(),
                                                                           annual_calendar=False))}) == 3
