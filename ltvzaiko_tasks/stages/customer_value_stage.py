"""Customer value stage: fit BG/NBD + Gamma-Gamma on the warehouse's customer history and score everyone.

Reads ``intermediate.int_customer_daily`` (one row per customer key × day with net sales and gross profit,
returns netted, PII-free), writes ``models.customer_ltv`` (one row per customer per ``as_of_date``),
``models.ltv_calibration`` (the model check of the run: predicted vs actual hold-out purchases per frequency
bucket, with the headline errors) and ``models.ltv_fit`` (the fitted parameters, log-likelihoods and hold-out
figures of each run). dbt marts read those tables; BI never reads ``models`` directly.

Before anything is written, the scores and the calibration rows pass their quality rules
(:mod:`ltvzaiko_tasks.ltv.output_rules`: no NaN, p(alive) in [0, 1], CLV >= 0, one row per customer, segment
shares as configured). A frame that breaks one raises :class:`~ltvzaiko_tasks.quality.output_gate.OutputCheckFailed`
and nothing of the run is written: the previous scores stay as they were.
"""
from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np
import pandas as pd
import psycopg

from ..ltv import (BetaGeoModel, GammaGammaModel, LtvConfig, TimeUnit, calibration_holdout_metrics,
                   calibration_vs_holdout, summarise_calibration_holdout, summarise_transactions, score_customers)
from ..ltv.output_rules import calibration_rules, customer_ltv_rules
from ..quality.output_gate import gate_output
from ..warehouse.frames import read_frame, replace_rows

log = logging.getLogger(__name__)

CUSTOMER_LTV_COLUMNS = {
    "as_of_date": "date not null", "customer_key": "text not null", "frequency": "integer",
    "recency_weeks": "double precision", "tenure_weeks": "double precision",
    "monetary_value_jpy": "double precision", "p_alive": "double precision",
    "expected_purchases_12m": "double precision", "expected_spend_jpy": "double precision",
    "clv_jpy": "double precision", "segment": "text",
}
LTV_FIT_COLUMNS = {
    "as_of_date": "date not null", "status": "text not null", "customers": "integer",
    "repeat_customers": "integer", "margin_rate": "double precision", "bgnbd_params": "jsonb",
    "gamma_gamma_params": "jsonb", "bgnbd_log_likelihood": "double precision",
    "gamma_gamma_log_likelihood": "double precision", "holdout": "jsonb", "message": "text",
}
CALIBRATION_COLUMNS = {
    "as_of_date": "date not null", "frequency_bucket": "text not null", "frequency_min": "integer not null",
    "customers": "integer", "actual_holdout_purchases": "double precision",
    "predicted_holdout_purchases": "double precision", "naive_holdout_purchases": "double precision",
    "calibration_end_date": "date", "holdout_end_date": "date", "holdout_weeks": "integer",
    "customers_evaluated": "integer", "actual_holdout_total": "double precision",
    "predicted_holdout_total": "double precision", "total_relative_error": "double precision",
    "naive_total_relative_error": "double precision", "bucket_wape": "double precision",
    "customer_mae": "double precision", "naive_customer_mae": "double precision",
}
"""One row per as-of date × frequency bucket (0, 1, …, 7+ repeat purchases in the calibration period); the
run's headline figures (``customers_evaluated`` … ``naive_customer_mae``) repeat on each row."""
MIN_REPEAT_CUSTOMERS = 20
"""Below this many repeat customers the models are not identified; the run records why and scores no one."""
MIN_CALIBRATION_WEEKS = 4
"""The hold-out check needs at least this much history before the hold-out period."""


@dataclass(frozen=True)
class CustomerValueResult:
    status: str
    customers: int
    repeat_customers: int
    scores: pd.DataFrame
    fit: dict
    calibration: pd.DataFrame = field(default_factory=pd.DataFrame)
    """Rows of ``models.ltv_calibration`` (empty when there was too little history for a hold-out check)."""


def compute_customer_value(history: pd.DataFrame, as_of: date, config: LtvConfig | None = None,
                           holdout_weeks: int | None = None) -> CustomerValueResult:
    """Pure part: customer-day history (``customer_key, sales_date, net_sales_jpy, gross_profit_jpy``) to
    scores. The margin is the business's measured gross margin rate over the history. ``holdout_weeks``
    overrides ``config.holdout_weeks`` (the model check's hold-out period)."""
    config = config or LtvConfig()
    history = history[history["net_sales_jpy"] > 0]
    if history.empty:
        return CustomerValueResult("insufficient_history", 0, 0, pd.DataFrame(), {"message": "no customer sales"})
    net, gp = float(history["net_sales_jpy"].sum()), float(history["gross_profit_jpy"].sum())
    margin = min(max(gp / net, 0.0), 1.0) if net > 0 else config.margin
    summary = summarise_transactions(history, "customer_key", "sales_date", "net_sales_jpy", pd.Timestamp(as_of),
                                     config.time_unit)
    repeaters = int((summary["frequency"] > 0).sum())
    fit: dict = {"margin_rate": margin, "customers": len(summary), "repeat_customers": repeaters}
    if repeaters < MIN_REPEAT_CUSTOMERS:
        fit["message"] = (f"only {repeaters} repeat customers up to {as_of} (need {MIN_REPEAT_CUSTOMERS}); "
                          "load more history to score customer value")
        return CustomerValueResult("insufficient_history", len(summary), repeaters, pd.DataFrame(), fit)
    bg = BetaGeoModel(l2_penalty=config.l2_penalty).fit(summary["frequency"], summary["recency"], summary["T"])
    gg = GammaGammaModel(l2_penalty=config.l2_penalty).fit(summary["frequency"], summary["monetary_value"])
    scores = score_customers(summary, bg, gg, config, margin=margin)
    fit.update(bgnbd_params=bg.params, gamma_gamma_params=gg.params,
               bgnbd_log_likelihood=float(bg.log_likelihood_), gamma_gamma_log_likelihood=float(gg.log_likelihood_))
    fit["holdout"], calibration = _holdout_check(history, as_of, holdout_weeks or config.holdout_weeks, config)
    out = pd.DataFrame({
        "as_of_date": as_of.isoformat(),
        "customer_key": summary.index.astype(str),
        "frequency": summary["frequency"].astype(int).to_numpy(),
        "recency_weeks": summary["recency"].to_numpy(),
        "tenure_weeks": summary["T"].to_numpy(),
        "monetary_value_jpy": summary["monetary_value"].to_numpy(),
        "p_alive": scores["p_alive"].to_numpy(),
        "expected_purchases_12m": scores["expected_purchases"].to_numpy(),
        "expected_spend_jpy": scores["expected_spend"].to_numpy(),
        "clv_jpy": scores["clv"].to_numpy(),
        "segment": scores["segment"].astype(str).to_numpy(),
    })
    return CustomerValueResult("scored", len(summary), repeaters, out, fit, calibration)


def holdout_period(first_day: date, as_of: date, weeks: int, time_unit: TimeUnit = TimeUnit.WEEK
                   ) -> tuple[date, date, int] | None:
    """(calibration end, hold-out end, hold-out weeks) of the model check, or None with too little history.

    With weekly model time the hold-out is whole weeks (Monday to Sunday, the summary's weeks) and ends on
    the last Sunday on or before ``as_of``: a partial week would be predicted as a whole one. It is ``weeks``
    long, or a third of the history when that is shorter (at least one week), and the calibration period
    before it is at least :data:`MIN_CALIBRATION_WEEKS` long.
    """
    end = as_of - timedelta(days=(as_of.weekday() + 1) % 7) if TimeUnit.parse(time_unit) is TimeUnit.WEEK else as_of
    history_days = (end - first_day).days + 1
    weeks = min(int(weeks), history_days // 21)
    if weeks < 1:
        return None
    split = end - timedelta(weeks=weeks)
    if (split - first_day).days + 1 < MIN_CALIBRATION_WEEKS * 7:
        return None
    return split, end, weeks


def _holdout_check(history: pd.DataFrame, as_of: date, weeks: int, config: LtvConfig
                   ) -> tuple[dict | None, pd.DataFrame]:
    """Refit BG/NBD on the calibration period, compare predicted with actual purchases in the hold-out period
    after it: the headline figures (for ``models.ltv_fit``) and the rows of ``models.ltv_calibration``."""
    first = pd.Timestamp(history["sales_date"].min()).date()
    period = holdout_period(first, as_of, weeks, config.time_unit)
    if period is None:
        return None, pd.DataFrame()
    split, end, weeks = period
    try:
        cal = summarise_calibration_holdout(history, "customer_key", "sales_date", split.isoformat(),
                                            end.isoformat(), time_unit=config.time_unit)
        if int((cal["frequency"] > 0).sum()) < MIN_REPEAT_CUSTOMERS:
            return None, pd.DataFrame()
        bg = BetaGeoModel(l2_penalty=config.l2_penalty).fit(cal["frequency"], cal["recency"], cal["T"])
        metrics = calibration_holdout_metrics(bg, cal)
        buckets = calibration_vs_holdout(bg, cal)
    except (ValueError, RuntimeError) as exc:  # a check, never a reason to fail the run
        return {"error": str(exc)}, pd.DataFrame()
    metrics = {k: (float(v) if isinstance(v, (int, float, np.floating, np.integer)) else v)
               for k, v in metrics.items()}
    metrics.update(calibration_end_date=split.isoformat(), holdout_end_date=end.isoformat(), holdout_weeks=weeks)
    rows = pd.DataFrame({
        "as_of_date": as_of.isoformat(),
        "frequency_bucket": buckets["frequency_bucket"].to_numpy(),
        "frequency_min": buckets["frequency_min"].to_numpy(),
        "customers": buckets["n_customers"].to_numpy(),
        "actual_holdout_purchases": buckets["actual_holdout_purchases"].to_numpy(),
        "predicted_holdout_purchases": buckets["predicted_holdout_purchases"].to_numpy(),
        "naive_holdout_purchases": buckets["naive_holdout_purchases"].to_numpy(),
        "calibration_end_date": split.isoformat(),
        "holdout_end_date": end.isoformat(),
        "holdout_weeks": weeks,
        "customers_evaluated": int(metrics["n_customers"]),
        "actual_holdout_total": metrics["actual_total"],
        "predicted_holdout_total": metrics["predicted_total"],
        "total_relative_error": metrics["total_relative_error"],
        "naive_total_relative_error": metrics["naive_total_relative_error"],
        "bucket_wape": metrics["bucket_wape"],
        "customer_mae": metrics["customer_mae"],
        "naive_customer_mae": metrics["naive_customer_mae"],
    })
    return metrics, rows


def score_customer_value(conn: psycopg.Connection, as_of: date, config: LtvConfig | None = None) -> dict:
    """Read the history up to ``as_of``, score, and replace that date's rows in ``models``."""
    config = config or LtvConfig.from_env()
    history = read_frame(conn, "select customer_key, sales_date, net_sales_jpy, gross_profit_jpy "
                               "from intermediate.int_customer_daily where sales_date <= %s and customer_key is not null",
                         (as_of,), dtypes={"customer_key": "string"})
    if history.empty:
        history = pd.DataFrame(columns=["customer_key", "sales_date", "net_sales_jpy", "gross_profit_jpy"])
    result = compute_customer_value(history, as_of, config)
    scores = result.scores if not result.scores.empty else pd.DataFrame(columns=list(CUSTOMER_LTV_COLUMNS))
    calibration = (result.calibration if not result.calibration.empty
                   else pd.DataFrame(columns=list(CALIBRATION_COLUMNS)))
    # the gate: every rule on every frame before anything is written (a failure raises and writes nothing)
    if not result.scores.empty:
        gate_output(scores, "customer_ltv", customer_ltv_rules(config, clv=scores["clv_jpy"]))
    if not result.calibration.empty:
        gate_output(calibration, "ltv_calibration", calibration_rules())
    written = replace_rows(conn, "customer_ltv", scores, CUSTOMER_LTV_COLUMNS, {"as_of_date": as_of},
                           comment="Customer LTV scores per as_of_date (BG/NBD + Gamma-Gamma); read by dbt marts")
    replace_rows(conn, "ltv_calibration", calibration, CALIBRATION_COLUMNS, {"as_of_date": as_of},
                 comment="Model check per as_of_date: predicted vs actual hold-out purchases by calibration-period "
                         "repeat purchases (0 … 7+), with the run's headline errors; read by mart_ltv_calibration")
    fit = result.fit
    row = pd.DataFrame([{
        "as_of_date": as_of.isoformat(), "status": result.status, "customers": result.customers,
        "repeat_customers": result.repeat_customers, "margin_rate": fit.get("margin_rate"),
        "bgnbd_params": json.dumps(fit.get("bgnbd_params")), "gamma_gamma_params": json.dumps(fit.get("gamma_gamma_params")),
        "bgnbd_log_likelihood": fit.get("bgnbd_log_likelihood"),
        "gamma_gamma_log_likelihood": fit.get("gamma_gamma_log_likelihood"),
        "holdout": json.dumps(fit.get("holdout"), default=str), "message": fit.get("message"),
    }])
    replace_rows(conn, "ltv_fit", row, LTV_FIT_COLUMNS, {"as_of_date": as_of},
                 comment="One row per customer-value run: status, fitted parameters, hold-out check")
    log.info("customer value %s: %s, %d customers scored (%d repeat); hold-out check: %s", as_of, result.status,
             written, result.repeat_customers, _holdout_summary(fit.get("holdout")))
    return {"status": result.status, "customers_scored": written, "repeat_customers": result.repeat_customers,
            "message": fit.get("message"), "holdout": fit.get("holdout"),
            "calibration_buckets": int(len(result.calibration))}


def _holdout_summary(holdout: dict | None) -> str:
    if not holdout:
        return "not run (too little history)"
    if "error" in holdout:
        return f"failed ({holdout['error']})"
    return (f"{holdout['holdout_weeks']} weeks after {holdout['calibration_end_date']}, total purchases "
            f"{holdout['total_relative_error']:+.1%} (naive rule {holdout['naive_total_relative_error']:+.1%})")
