"""Standalone demand forecasting (SPEC §6.4): a global XGBoost model with quantiles, baselines, backtests.

Usable on any long table, like the mlforecast family::

    from ltvzaiko_tasks.forecast import DemandForecaster, ForecastConfig
    fc = DemandForecaster(ForecastConfig(freq="D", horizon=14, quantiles=(0.1, 0.5, 0.9))).fit(history)
    fc.predict(future)  # -> series_id, ds, mean, p10, p50, p90
"""
from .accuracy import horizon_buckets, segmented_accuracy
from .backtest import rolling_origin_backtest
from .baselines import MovingAverage, SeasonalNaive, moving_average, seasonal_naive
from .config import ForecastConfig, XGBoostParams, quantile_column
from .constants import Freq, MeanObjective, MissingDates, WeekLabel
from .errors import ForecastConfigError, ForecastInputError, NotFittedError
from .features import DesignRows, FeatureSpec, feature_set_hash
from .metrics import accuracy_table, bias, mase, mase_score, quantile_coverage, seasonal_naive_scales, wape
from .model import DemandForecaster

__all__ = [
    "DemandForecaster", "ForecastConfig", "XGBoostParams", "FeatureSpec", "DesignRows", "Freq",
    "MeanObjective", "MissingDates", "WeekLabel", "ForecastConfigError", "ForecastInputError",
    "NotFittedError", "quantile_column", "SeasonalNaive", "MovingAverage", "seasonal_naive", "moving_average",
    "rolling_origin_backtest", "wape", "bias", "mase", "mase_score", "seasonal_naive_scales", "quantile_coverage",
    "accuracy_table", "segmented_accuracy", "horizon_buckets", "feature_set_hash",
]
