"""Output checks on the demand forecast before it is published (Great Expectations).

The forecast stage calls :func:`gate_forecast` on the rows it is about to write to ``models.demand_forecast``;
if any rule breaks, nothing is written (no forecast, accuracy, sell-out or registry row, no saved model) and
:class:`~ltvzaiko_tasks.quality.output_gate.OutputCheckFailed` names the rule, the count and example values.

Each rule checks one column of the checked frame, so the failure message names it:

| rule | column checked | expectation |
| --- | --- | --- |
| every active series forecast for every date | ``uncovered_active_series``: ``SKU@location date`` of an active series (listed on the as-of date) and forecast date without a row | null |
| forecasts present | ``mean_units``, ``p10_units``, ``p50_units``, ``p90_units`` on forecast rows | not null |
| no negative demand | the same columns | >= 0 |
| quantiles ordered | ``p50_minus_p10``, ``p90_minus_p50`` | >= 0 |
| mean inside the outer quantiles' span | ``mean_units`` | <= a generous cap (100 × p90 + 100: catches a blown-up mean) |
| one row per series and date | ``sku_id, location_id, forecast_date`` | unique |
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..quality.output_gate import gate_output
from ..quality.runner import Verdict

VALUE_COLUMNS = ("mean_units", "p10_units", "p50_units", "p90_units")
KEY = ("sku_id", "location_id", "forecast_date")
TOLERANCE = 1e-9
"""Float noise allowed in the ordering rules (units)."""


def _gx():
    import great_expectations as gx

    return gx.expectations


def forecast_rules() -> list:
    e = _gx()
    forecast_rows = {"row_condition": _forecast_rows()}
    rules = [e.ExpectColumnValuesToBeNull(column="uncovered_active_series")]
    rules += [e.ExpectColumnValuesToNotBeNull(column=c, **forecast_rows) for c in VALUE_COLUMNS]
    rules += [e.ExpectColumnValuesToBeBetween(column=c, min_value=0) for c in VALUE_COLUMNS]
    rules += [e.ExpectColumnValuesToBeBetween(column=c, min_value=-TOLERANCE) for c in ("p50_minus_p10",
                                                                                       "p90_minus_p50")]
    rules += [e.ExpectColumnValuesToBeBetween(column="mean_over_cap", max_value=0),
              e.ExpectCompoundColumnsToBeUnique(column_list=list(KEY), **forecast_rows)]
    return rules


def _forecast_rows():
    from great_expectations.expectations.row_conditions import Column

    return Column("row_kind") == "forecast"


def forecast_check_frame(forecast: pd.DataFrame, active: pd.DataFrame, dates) -> pd.DataFrame:
    """The forecast rows with the derived columns the rules read, plus one row per active series × forecast
    date the forecast lacks (``uncovered_active_series`` = ``SKU@location date``, values empty).

    forecast: ``sku_id, location_id, forecast_date`` + the value columns; active: ``sku_id, location_id`` of
    the series that must be forecast; dates: the forecast dates."""
    frame = forecast[[*KEY, *VALUE_COLUMNS]].copy()
    frame["sku_id"], frame["location_id"] = frame["sku_id"].astype(str), frame["location_id"].astype(str)
    frame["forecast_date"] = pd.to_datetime(frame["forecast_date"]).dt.strftime("%Y-%m-%d")
    for col in VALUE_COLUMNS:
        frame[col] = pd.to_numeric(frame[col], errors="coerce")
    frame["p50_minus_p10"] = frame["p50_units"] - frame["p10_units"]
    frame["p90_minus_p50"] = frame["p90_units"] - frame["p50_units"]
    frame["mean_over_cap"] = np.maximum(frame["mean_units"] - (100 * frame["p90_units"].clip(lower=0) + 100), 0)
    frame["row_kind"] = "forecast"
    frame["uncovered_active_series"] = None
    dates = pd.to_datetime(pd.Index(list(dates))).strftime("%Y-%m-%d")
    keys = active[["sku_id", "location_id"]].astype(str).drop_duplicates()
    expected = keys.loc[keys.index.repeat(len(dates))].reset_index(drop=True)
    expected["forecast_date"] = np.tile(np.asarray(dates, dtype=object), len(keys))
    missing = expected.merge(frame[list(KEY)].drop_duplicates(), how="left", indicator=True)
    missing = missing[missing["_merge"] == "left_only"].drop(columns="_merge")
    if not missing.empty:
        missing["uncovered_active_series"] = (missing["sku_id"] + "@" + missing["location_id"] + " "
                                              + missing["forecast_date"])
        missing["row_kind"] = "missing"
        frame = pd.concat([frame, missing], ignore_index=True)
    return frame.reset_index(drop=True)


def gate_forecast(forecast: pd.DataFrame, active: pd.DataFrame, dates) -> Verdict:
    """Check the forecast about to be published; raise ``OutputCheckFailed`` naming every broken rule."""
    return gate_output(forecast_check_frame(forecast, active, dates), "demand_forecast", forecast_rules())
