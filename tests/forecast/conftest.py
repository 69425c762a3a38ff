"""Small synthetic demand panels shared by the forecast tests."""
from __future__ import annotations

import os

# Two cores shared with other work: OpenMP threads that spin while waiting slow XGBoost down badly under
# contention; passive waiting costs nothing when the machine is idle. Only a default: the user's value wins.
os.environ.setdefault("OMP_WAIT_POLICY", "passive")

import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from .forecast_helpers import fast_config, split  # noqa: E402

from ltvzaiko_tasks.forecast import DemandForecaster  # noqa: E402
from ltvzaiko_tasks.forecast.synthetic import make_demand_panel  # noqa: E402


@pytest.fixture(scope="session")
def demand() -> pd.DataFrame:
    """30 series x 200 days of Poisson demand, weekly seasonality, promotions, a few stock-outs."""
    return make_demand_panel(30, 200, seed=11, promo_rate=0.15, stockout_rate=0.05)


@pytest.fixture(scope="session")
def fitted(demand):
    train, test, cutoff = split(demand)
    model = DemandForecaster(fast_config()).fit(train)
    future = test.drop(columns=["y", "censored"])
    pred = model.predict(future)
    scored = test[["series_id", "ds", "y", "censored"]].merge(pred, on=["series_id", "ds"])
    return model, train, test, scored[~scored["censored"]]
