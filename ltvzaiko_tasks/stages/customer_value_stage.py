"""Customer value stage: fit BG/NBD + Gamma-Gamma on the warehouse's customer history and score everyone.

Reads ``intermediate.int_customer_daily`` (one row per customer key × day with net sales and gross profit,
returns netted, PII-free), writes ``models.customer_ltv`` (one row per customer per ``as_of_date``) and
``models.ltv_fit`` (the fitted parameters, log-likelihoods and hold-out check of each run). dbt marts read
those tables; BI never reads ``models`` directly.
"""
from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import pandas as pd
import psycopg

from ..ltv import (BetaGeoModel, GammaGammaModel, LtvConfig, calibration_holdout_metrics,
                   summarise_calibration_holdout, summarise_transactions, score_customers)
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
MIN_REPEAT_CUSTOMERS = 20
"""Below this many repeat customers the models are not identified; the run records why and scores no one."""


@dataclass(frozen=True)
class CustomerValueResult:
    status: str
    customers: int
    repeat_customers: int
    scores: pd.DataFrame
    fit: dict


def compute_customer_value(history: pd.DataFrame, as_of: date, config: LtvConfig | None = None,
                           holdout_weeks: int = 8) -> CustomerValueResult:
    """Pure part: customer-day history (``customer_key, sales_date, net_sales_jpy, gross_profit_jpy``) to
    scores. The margin is the business's measured gross margin rate over the history."""
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
    fit["holdout"] = _holdout_check(history, as_of, holdout_weeks, config)
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
    return CustomerValueResult("scored", len(summary), repeaters, out, fit)


def _holdout_check(history: pd.DataFrame, as_of: date, weeks: int, config: LtvConfig) -> dict | None:
    """Refit on all but the last ``weeks`` and compare predicted with actual purchases in them."""
    split = as_of - timedelta(weeks=weeks)
    first = pd.Timestamp(history["sales_date"].min()).date()
    if (split - first).days < 4 * 7:
        return None
    try:
        cal = summarise_calibration_holdout(history, "customer_key", "sales_date", split.isoformat(),
                                            as_of.isoformat(), time_unit=config.time_unit)
        if int((cal["frequency"] > 0).sum()) < MIN_REPEAT_CUSTOMERS:
            return None
        bg = BetaGeoModel(l2_penalty=config.l2_penalty).fit(cal["frequency"], cal["recency"], cal["T"])
        metrics = calibration_holdout_metrics(bg, cal)
    except (ValueError, RuntimeError) as exc:  # a check, never a reason to fail the run
        return {"error": str(exc)}
    return {k: (float(v) if isinstance(v, (int, float, np.floating, np.integer)) else v) for k, v in metrics.items()}


def score_customer_value(conn: psycopg.Connection, as_of: date, config: LtvConfig | None = None) -> dict:
    """Read the history up to ``as_of``, score, and replace that date's rows in ``models``."""
    config = config or LtvConfig.from_env()
    history = read_frame(conn, "select customer_key, sales_date, net_sales_jpy, gross_profit_jpy "
                               "from intermediate.int_customer_daily where sales_date <= %s and customer_key is not null",
                         (as_of,), dtypes={"customer_key": "string"})
    if history.empty:
        history = pd.DataFrame(columns=["customer_key", "sales_date", "net_sales_jpy", "gross_profit_jpy"])
    result = compute_customer_value(history, as_of, config)
    written = replace_rows(conn, "customer_ltv", result.scores if not result.scores.empty
                           else pd.DataFrame(columns=list(CUSTOMER_LTV_COLUMNS)),
                           CUSTOMER_LTV_COLUMNS, {"as_of_date": as_of},
                           comment="Customer LTV scores per as_of_date (BG/NBD + Gamma-Gamma); read by dbt marts")
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
    log.info("customer value %s: %s, %d customers scored (%d repeat)", as_of, result.status, written,
             result.repeat_customers)
    return {"status": result.status, "customers_scored": written, "repeat_customers": result.repeat_customers,
            "message": fit.get("message")}
