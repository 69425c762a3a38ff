"""Helpers shared by the forecast tests (a plainly named module, so it never clashes with conftest)."""
from __future__ import annotations

import pandas as pd

from ltvzaiko_tasks.forecast import ForecastConfig, XGBoostParams

HORIZON = 14
FAST = XGBoostParams(n_estimators=60, learning_rate=0.15, max_depth=4, quantile_n_estimators=60,
                     quantile_learning_rate=0.15)


def fast_config(**changes) -> ForecastConfig:
    base = dict(freq="D", horizon=HORIZON, static_features=("base_price",), hierarchy=("category", "store"),
                xgb=FAST)
    base.update(changes)
    return ForecastConfig(**base)


def split(df: pd.DataFrame, horizon: int = HORIZON, gap: int = 0):
    """(train up to the cutoff, test window after cutoff + gap, cutoff)."""
    cutoff = df["ds"].max() - pd.Timedelta(days=horizon + gap)
    train = df[df["ds"] <= cutoff]
    test = df[(df["ds"] > cutoff + pd.Timedelta(days=gap))]
    return train, test, cutoff
