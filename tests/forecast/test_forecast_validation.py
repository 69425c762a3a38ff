"""Bad input fails early with a message that says how to fix it."""
import pandas as pd
import pytest
from .forecast_helpers import fast_config, split

from ltvzaiko_tasks.forecast import (DemandForecaster, ForecastConfig, ForecastConfigError, ForecastInputError,
                                     NotFittedError)
from ltvzaiko_tasks.forecast.synthetic import make_demand_panel


@pytest.fixture(scope="module")
def tiny():
    return make_demand_panel(3, 60, seed=2)[["series_id", "ds", "y", "price", "promo"]]


def fit(df, **config):
    return DemandForecaster(ForecastConfig(horizon=7, xgb=fast_config().xgb, **config)).fit(df)


def test_missing_column_names_it_and_suggests_a_rename(tiny):
    with pytest.raises(ForecastInputError, match=r"missing column\(s\) 'y'.*rename 'qty' -> 'y'"):
        fit(tiny.rename(columns={"y": "qty"}))


def test_duplicate_keys_say_how_to_aggregate(tiny):
    doubled = pd.concat([tiny, tiny.iloc[:2]])
    with pytest.raises(ForecastInputError, match=r"duplicate \(series_id, ds\).*groupby\(\['series_id', 'ds'\]"):
        fit(doubled)


def test_holes_in_a_series_offer_the_missing_dates_option(tiny):
    holed = tiny.drop(index=tiny.index[10:13])
    with pytest.raises(ForecastInputError, match=r"missing dates.*'s0000'.*missing_dates='zero'"):
        fit(holed)
    fit(holed, missing_dates="zero")  # the documented fix works
    fit(holed, missing_dates="censored")


def test_times_of_day_and_mixed_weekdays_are_not_a_regular_grid(tiny):
    with pytest.raises(ForecastInputError, match=r"times of day.*normalize\(\)"):
        fit(tiny.assign(ds=tiny["ds"] + pd.Timedelta(hours=9)))
    with pytest.raises(ForecastInputError, match=r"same weekday.*W-MON"):
        fit(tiny, freq="W")


def test_bad_target_values_explain_the_fix(tiny):
    with pytest.raises(ForecastInputError, match=r"negative 'y'.*clip"):
        fit(tiny.assign(y=tiny["y"] - 100))
    with pytest.raises(ForecastInputError, match=r"no 'y' value.*censored=True"):
        fit(tiny.assign(y=tiny["y"].where(tiny.index != 5)))


def test_non_numeric_feature_column(tiny):
    with pytest.raises(ForecastInputError, match=r"non-numeric column\(s\) 'colour'.*hierarchy"):
        fit(tiny.assign(colour="navy"))
    fit(tiny.assign(colour="navy"), hierarchy=("colour",))  # declared as a group label it is fine


def test_static_feature_that_changes_over_time(tiny):
    with pytest.raises(ForecastInputError, match=r"'price' is declared per-series.*exogenous"):
        fit(tiny, static_features=("price",))


def test_predict_errors(tiny):
    train, test, cutoff = split(tiny, horizon=7)
    with pytest.raises(NotFittedError, match="fit"):
        DemandForecaster().predict(test)
    model = fit(train)
    with pytest.raises(ForecastInputError, match=r"future is missing column\(s\) 'price'.*known-in-advance"):
        model.predict(test[["series_id", "ds", "promo"]])
    late = test.assign(ds=test["ds"] + pd.Timedelta(days=7))
    with pytest.raises(ForecastInputError, match=r"outside the forecast window.*horizon=7.*make_future"):
        model.predict(late)
    with pytest.raises(ForecastInputError, match="duplicate"):
        model.predict(pd.concat([test, test.iloc[:1]]))


def test_config_errors_name_the_field():
    with pytest.raises(ForecastConfigError, match="freq='H'.*'D', 'W'"):
        ForecastConfig(freq="H")
    with pytest.raises(ForecastConfigError, match="quantiles"):
        ForecastConfig(quantiles=(0.1, 1.5))
    with pytest.raises(ForecastConfigError, match="gap"):
        ForecastConfig(gap=-1)
    with pytest.raises(ForecastConfigError, match="declared twice"):
        ForecastConfig(static_features=("a",), hierarchy=("a",))


def test_config_fills_frequency_defaults():
    daily, weekly = ForecastConfig(), ForecastConfig(freq="W", horizon=4)
    assert daily.lags == (7, 14, 21, 28) and daily.season_length == 7 and daily.leads == range(1, 15)
    assert weekly.season_length == 52 and weekly.rolling_windows == (4, 13)
    assert ForecastConfig(quantiles=(0.9, 0.1, 0.975)).quantile_columns == ("p10", "p90", "p97.5")


def test_too_short_history_says_what_is_needed():
    df = make_demand_panel(2, 20, seed=1)[["series_id", "ds", "y"]]
    with pytest.raises(ForecastInputError, match="too short.*rolling_windows"):
        fit(df)
