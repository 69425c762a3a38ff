"""Saving, loading and re-pointing a fitted model (retrain weekly, predict daily), and the feature-set hash."""
import dataclasses

import numpy as np
import pandas as pd
import pytest
from .forecast_helpers import fast_config, split

from ltvzaiko_tasks.forecast import (DemandForecaster, ForecastConfig, NotFittedError, feature_set_hash,
                                     rolling_origin_backtest, seasonal_naive)
from ltvzaiko_tasks.forecast.synthetic import make_demand_panel

EXO = ("price", "discount", "promo")


@pytest.fixture(scope="module")
def panel():
    return make_demand_panel(8, 100, seed=3, promo_rate=0.15, stockout_rate=0.05)


def config(**changes) -> ForecastConfig:
    return fast_config(**{"horizon": 7, "exogenous": EXO, **changes})


def test_saved_model_predicts_exactly_as_the_fitted_one(panel, tmp_path):
    train, test, _ = split(panel, horizon=7)
    model = DemandForecaster(config()).fit(train)
    future = test.drop(columns=["y", "censored"])
    path = model.save(tmp_path / "v1")
    assert sorted(p.name for p in path.iterdir()) == ["forecaster.json", "mean.ubj", "quantiles.ubj"]
    loaded = DemandForecaster.load(path)
    with pytest.raises(NotFittedError, match="update"):
        loaded.predict(future)
    pd.testing.assert_frame_equal(model.predict(future), loaded.update(train).predict(future))
    assert loaded.feature_set_hash == model.feature_set_hash
    assert loaded.trained_cutoff_ == model.trained_cutoff_ == train["ds"].max()


def test_update_moves_the_origin_and_keeps_the_trees(panel):
    train, _, cutoff = split(panel, horizon=7)
    model = DemandForecaster(config()).fit(train[train["ds"] <= cutoff - pd.Timedelta(days=7)])
    trees = model.mean_booster_.save_raw()
    model.update(train)
    assert model.cutoff_ == cutoff and model.mean_booster_.save_raw() == trees
    assert model.make_future()["ds"].min() == cutoff + pd.Timedelta(days=1)
    with pytest.raises(Exception, match="promo"):
        model.update(train.drop(columns="promo"))  # the features the trees were fitted with are required


def test_feature_set_hash_follows_the_declared_features_and_config():
    base = feature_set_hash(config())
    assert base == feature_set_hash(config()) and len(base) == 64
    assert base != feature_set_hash(config(exogenous=EXO[:2]))           # a feature dropped
    assert base != feature_set_hash(config(horizon=14))                   # a config value changed
    assert base != feature_set_hash(dataclasses.replace(config(), seed=1))
    with pytest.raises(ValueError, match="exogenous"):
        feature_set_hash(fast_config())  # exogenous=None: only a history can say what the features are


def test_config_round_trips_through_json_values():
    cfg = config(gap=3, missing_dates="zero")
    assert ForecastConfig.from_dict(cfg.to_dict()) == cfg
    with pytest.raises(ValueError, match="retrain"):
        ForecastConfig.from_dict({**cfg.to_dict(), "no_such_setting": 1})


def test_backtest_fitting_once_equals_updating_by_hand(panel):
    factories = {"xgb": lambda: DemandForecaster(config()), "snaive": lambda: seasonal_naive(7)}
    once = rolling_origin_backtest(factories, panel, n_windows=3, horizon=7, step=7, refit_every=None)
    cutoffs = sorted(once["cutoff"].unique())
    model = DemandForecaster(config()).fit(panel[panel["ds"] <= cutoffs[0]])
    for c in cutoffs:
        window = panel[(panel["ds"] > c) & (panel["ds"] <= c + pd.Timedelta(days=7))]
        pred = model.update(panel[panel["ds"] <= c]).predict(window.drop(columns=["y", "censored"]))
        got = once[once["cutoff"] == c].merge(pred, on=["series_id", "ds"])
        np.testing.assert_allclose(got["xgb"], got["mean"])
    every = rolling_origin_backtest(factories, panel, n_windows=3, horizon=7, step=7)
    first = once["cutoff"] == cutoffs[0]
    np.testing.assert_allclose(once.loc[first, "xgb"], every.loc[first, "xgb"])       # same fit at the first cutoff
    assert not np.allclose(once.loc[~first, "xgb"], every.loc[~first, "xgb"])        # refits differ later on
    np.testing.assert_allclose(once["snaive"], every["snaive"])
