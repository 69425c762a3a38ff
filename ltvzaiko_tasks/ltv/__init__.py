"""Customer lifetime value: BG/NBD repeat purchases, Gamma-Gamma spend, discounted CLV and segments.

Pure Python (numpy/scipy/pandas), usable without Airflow or a database (SPEC §6.1)::

    from ltvzaiko_tasks.ltv import BetaGeoModel, GammaGammaModel, summarise_transactions, clv

    summary = summarise_transactions(tx, "customer_id", "sold_at", "net_sales_jpy", "2026-03-31", "W")
    bg = BetaGeoModel().fit(summary["frequency"], summary["recency"], summary["T"])
    gg = GammaGammaModel().fit(summary["frequency"], summary["monetary_value"])
    value = clv(bg, gg, summary["frequency"], summary["recency"], summary["T"], summary["monetary_value"],
                horizon_periods=12, margin=0.5, discount_rate_per_period=0.008, period_length=4.348)

Model check on a hold-out period (:mod:`.holdout_evaluation`)::

    cal = summarise_calibration_holdout(tx, "customer_id", "sold_at", "2025-09-28", "2026-03-29")
    bg = BetaGeoModel().fit(cal["frequency"], cal["recency"], cal["T"])
    plot_data, metrics = calibration_vs_holdout(bg, cal), calibration_holdout_metrics(bg, cal)

Time is in one *model time unit* throughout (weeks above): recency, T, forecast horizons and
``period_length`` (the length of one discounting period, here a month in weeks).
"""
from .bgnbd import BetaGeoModel
from .customer_value import clv, discounted_expected_purchases, ltv_segments, score_customers
from .config import LtvConfig
from .constants import TimeUnit
from .gamma_gamma import GammaGammaModel
from .holdout_evaluation import calibration_holdout_metrics, calibration_vs_holdout, holdout_predictions
from .simulate import simulate_bgnbd, simulate_gamma_gamma
from .summary import summarise_calibration_holdout, summarise_transactions

__all__ = [
    "BetaGeoModel",
    "GammaGammaModel",
    "LtvConfig",
    "TimeUnit",
    "calibration_holdout_metrics",
    "calibration_vs_holdout",
    "clv",
    "discounted_expected_purchases",
    "holdout_predictions",
    "ltv_segments",
    "score_customers",
    "simulate_bgnbd",
    "simulate_gamma_gamma",
    "summarise_calibration_holdout",
    "summarise_transactions",
]
