"""Timing and accuracy of the forecaster on synthetic data (SPEC §8: benchmarked, not timed in tests).

    python -m ltvzaiko_tasks.forecast.benchmark --n-series 3000 --n-days 365 --json forecast_bench.json
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import sys
import time

import pandas as pd

from .baselines import MovingAverage, SeasonalNaive
from .config import ForecastConfig, XGBoostParams
from .metrics import quantile_coverage, wape
from .model import DemandForecaster
from .synthetic import make_demand_panel


def bench_forecast(n_series: int = 3000, n_days: int = 365, seed: int = 0, *, horizon: int = 14,
                   stockout_rate: float = 0.05, config: ForecastConfig | None = None) -> dict:
    """Fit on all but the last ``horizon`` days of a synthetic panel, forecast them, and report times (s),
    sizes and hold-out accuracy against seasonal naive and a 28-day moving average."""
    t0 = time.perf_counter()
    df = make_demand_panel(n_series, n_days, seed=seed, stockout_rate=stockout_rate)
    generate_s = time.perf_counter() - t0
    cutoff = df["ds"].max() - pd.Timedelta(days=horizon)
    train = df[df["ds"] <= cutoff]
    test = df[df["ds"] > cutoff]
    future = test.drop(columns=["y", "censored"])
    config = config or ForecastConfig(horizon=horizon, static_features=("base_price",),
                                      hierarchy=("category", "store"), seed=seed)
    fc = DemandForecaster(config)
    t0 = time.perf_counter()
    fc.fit(train)
    fit_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    pred = fc.predict(future)
    predict_s = time.perf_counter() - t0
    naive = SeasonalNaive(7).fit(train).predict(future).rename(columns={"mean": "seasonal_naive"})
    moving = MovingAverage(28).fit(train).predict(future).rename(columns={"mean": "moving_average"})
    scored = (test[["series_id", "ds", "y", "censored"]].merge(pred, on=["series_id", "ds"])
              .merge(naive, on=["series_id", "ds"]).merge(moving, on=["series_id", "ds"]))
    scored = scored[~scored["censored"]].rename(columns={"mean": "xgboost"})
    scores = wape(scored, ["xgboost", "seasonal_naive", "moving_average"])
    return {
        "n_series": n_series,
        "n_days": n_days,
        "horizon": horizon,
        "seed": seed,
        "history_rows": int(len(train)),
        "train_examples": int(fc.n_train_rows_),
        "n_features": len(fc.spec_.feature_names),
        "generate_s": round(generate_s, 3),
        "fit_s": round(fit_s, 3),
        "predict_s": round(predict_s, 3),
        "fit_predict_s": round(fit_s + predict_s, 3),
        "wape": round(float(scores["xgboost"]), 4),
        "wape_seasonal_naive": round(float(scores["seasonal_naive"]), 4),
        "wape_moving_average": round(float(scores["moving_average"]), 4),
        "wape_improvement_vs_seasonal_naive": round(1 - float(scores["xgboost"] / scores["seasonal_naive"]), 4),
        "wape_statsforecast": None,  # filled by the §8 benchmark when the optional statsforecast extra is installed
        "coverage_p10_p90": round(quantile_coverage(scored, "p10", "p90"), 4),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count(), "platform": platform.platform(),
                    "threads": config.xgb.n_jobs},
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Benchmark the demand forecaster on synthetic data")
    parser.add_argument("--n-series", type=int, default=3000)
    parser.add_argument("--n-days", type=int, default=365)
    parser.add_argument("--horizon", type=int, default=14)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--n-estimators", type=int, default=None, help="mean-model rounds (default: config default)")
    parser.add_argument("--json", default=None, help="also write the figures to this file")
    args = parser.parse_args(argv)
    config = None
    if args.n_estimators:
        config = ForecastConfig(horizon=args.horizon, static_features=("base_price",), hierarchy=("category", "store"),
                                xgb=XGBoostParams(n_estimators=args.n_estimators), seed=args.seed)
    figures = bench_forecast(args.n_series, args.n_days, args.seed, horizon=args.horizon, config=config)
    text = json.dumps(figures, indent=2)
    print(text)
    if args.json:
        with open(args.json, "w", encoding="utf-8") as fh:
            fh.write(text + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
