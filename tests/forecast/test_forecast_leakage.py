"""Nothing from the forecast period may leak into features or predictions."""
import numpy as np
import pandas as pd
import pytest
from .forecast_helpers import HORIZON, fast_config, split

from ltvzaiko_tasks.forecast import DemandForecaster, rolling_origin_backtest, seasonal_naive
from ltvzaiko_tasks.forecast.synthetic import make_demand_panel

KEY = ["series_id", "ds", "lead"]


@pytest.fixture(scope="module")
def small():
    return make_demand_panel(8, 90, seed=5, promo_rate=0.15, stockout_rate=0.1)


def corrupt_after(df: pd.DataFrame, day: pd.Timestamp) -> pd.DataFrame:
    out = df.copy()
    late = out["ds"] > day
    out.loc[late, "y"] = out.loc[late, "y"] * 37 + 1000
    return out


def features(model: DemandForecaster, history: pd.DataFrame) -> pd.DataFrame:
    return model.training_frame(history).sort_values(KEY).reset_index(drop=True)


@pytest.mark.parametrize("gap", [0, 7])
def test_features_only_use_rows_before_ds_minus_gap(small, gap):
    model = DemandForecaster(fast_config(gap=gap))
    boundary = small["ds"].min() + pd.Timedelta(days=55)
    clean, dirty = features(model, small), features(model, corrupt_after(small, boundary))
    feature_cols = [c for c in clean.columns if c not in ("series_id", "ds", "origin_ds", "y")]
    assert clean["lead"].min() == gap + 1
    # A row at ds reads only rows < ds - gap: rows with ds - gap - 1 <= boundary cannot see the corruption.
    safe = clean["ds"] <= boundary + pd.Timedelta(days=gap + 1)
    pd.testing.assert_frame_equal(clean.loc[safe, feature_cols], dirty.loc[safe, feature_cols])
    # Every row whose origin is at or before the boundary is unchanged too (longer leads read older data).
    by_origin = clean["origin_ds"] <= boundary
    pd.testing.assert_frame_equal(clean.loc[by_origin, feature_cols], dirty.loc[by_origin, feature_cols])
    # ...and the test has power: rows whose origin is later do see it.
    assert not clean.loc[~by_origin, feature_cols].equals(dirty.loc[~by_origin, feature_cols])


def test_feature_values_match_a_brute_force_definition(small):
    """Recompute a few features from the raw rows with ds <= origin and compare (incl. censored days)."""
    model = DemandForecaster(fast_config())
    frame = model.training_frame(small)
    sample = frame.sample(150, random_state=0)
    raw = small.set_index(["series_id", "ds"]).sort_index()
    for _, row in sample.iterrows():
        series = raw.loc[row["series_id"]]
        past = series[series.index <= row["origin_ds"]]
        observed = past[~past["censored"]]["y"]

        def value(day):
            return observed.get(day, np.nan)

        lead, ds = int(row["lead"]), row["ds"]
        assert row["ds"] - row["origin_ds"] == pd.Timedelta(days=lead)
        expected_lag7 = value(ds - pd.Timedelta(days=7)) if lead <= 7 else np.nan
        np.testing.assert_allclose(row["lag_7"], expected_lag7, rtol=1e-6)
        np.testing.assert_allclose(row["last"], value(row["origin_ds"]), rtol=1e-6)
        window = observed[observed.index > row["origin_ds"] - pd.Timedelta(days=7)]
        np.testing.assert_allclose(row["roll_mean_7"], window.mean() if len(window) else np.nan, rtol=1e-5)
        m0 = -(-lead // 7)
        same_weekday = [value(ds - pd.Timedelta(days=7 * m)) for m in range(m0, m0 + 4)]
        expected = np.nanmean(same_weekday) if not np.all(np.isnan(same_weekday)) else np.nan
        np.testing.assert_allclose(row["seas_mean_4"], expected, rtol=1e-5)
        share = past["censored"][past.index > row["origin_ds"] - pd.Timedelta(days=28)].mean()
        np.testing.assert_allclose(row["censored_share_28"], share, rtol=1e-5)


def test_censored_y_is_never_read(small):
    model = DemandForecaster(fast_config())
    tampered = small.copy()
    tampered.loc[tampered["censored"], "y"] = 999.0
    assert small["censored"].sum() > 20
    pd.testing.assert_frame_equal(features(model, small), features(model, tampered))


def test_predict_uses_the_same_code_path_as_training(small):
    """Features of a forecast row equal the training features of the same (series, ds, lead) example."""
    train, test, cutoff = split(small)
    model = DemandForecaster(fast_config()).fit(train)
    future = test.drop(columns=["y", "censored"])
    rows = model.future_rows(future)
    served = model.spec_.frame(model.panel_, rows)
    learned = model.training_frame(small)
    learned = learned[learned["origin_ds"] == cutoff]
    merged = served.merge(learned, on=["series_id", "ds", "lead"], suffixes=("", "_train"))
    assert len(served) == 8 * HORIZON
    assert len(merged) == int((~test["censored"]).sum())  # censored days are never training examples
    for col in model.spec_.feature_names:
        if col != "lead":
            np.testing.assert_array_equal(merged[col].to_numpy(), merged[f"{col}_train"].to_numpy(), err_msg=col)


def test_predictions_ignore_the_forecast_period(small):
    train, test, cutoff = split(small)
    model = DemandForecaster(fast_config()).fit(train)
    future = test.drop(columns=["y", "censored"])
    base = model.predict(future)
    # A future that still carries (corrupted) actuals must not change anything.
    poisoned = test.assign(y=test["y"] * 50 + 7, censored=True)
    pd.testing.assert_frame_equal(base, model.predict(poisoned))


def test_backtest_predictions_do_not_change_when_later_actuals_change(small):
    factories = {"xgb": lambda: DemandForecaster(fast_config(horizon=7)), "snaive": lambda: seasonal_naive(7)}
    clean = rolling_origin_backtest(factories, small, n_windows=2, horizon=7, step=7)
    last_cutoff = clean["cutoff"].max()
    dirty = rolling_origin_backtest(factories, corrupt_after(small, last_cutoff), n_windows=2, horizon=7, step=7)
    cols = [c for c in clean.columns if c not in ("y",)]
    pd.testing.assert_frame_equal(clean[cols], dirty[cols])
    assert not clean["y"].equals(dirty["y"])
