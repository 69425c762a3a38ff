"""The forecast stage on the real warehouse of the shared 50-day model world (`built`): the model registry
(retrain weekly, predict daily), the output gate on real forecasts, and the campaign calendar of future days.

Every test works in a transaction it rolls back, so `built` stays as the other tests expect it."""
from __future__ import annotations

import dataclasses
from datetime import timedelta
from pathlib import Path

import pandas as pd
import psycopg
import pytest
from psycopg import sql

from conftest import AS_OF, model_world_forecast_settings
from ltvzaiko_tasks.forecast import DemandForecaster
from ltvzaiko_tasks.forecast.output_rules import gate_forecast
from ltvzaiko_tasks.quality.output_gate import OutputCheckFailed
from ltvzaiko_tasks.stages.forecast_inputs import future_features, read_active, read_campaign_days
from ltvzaiko_tasks.stages.forecast_stage import forecast_demand

NEXT_DAY = AS_OF + timedelta(days=1)


@pytest.fixture
def next_day(built):
    """A connection on `built` whose open transaction has loaded one more day of demand (the as-of day's rows
    copied one day on), rolled back afterwards."""
    url, figures = built
    conn = psycopg.connect(url)
    cols = [r[0] for r in conn.execute("select column_name from information_schema.columns where table_schema = "
                                       "'intermediate' and table_name = 'int_demand_daily' order by ordinal_position")]
    values = [sql.SQL("sales_date + 1") if c == "sales_date" else sql.Identifier(c) for c in cols]
    conn.execute(sql.SQL("insert into intermediate.int_demand_daily ({}) select {} from intermediate.int_demand_daily "
                         "where sales_date = %s").format(sql.SQL(", ").join(map(sql.Identifier, cols)),
                                                         sql.SQL(", ").join(values)), (AS_OF,))
    yield conn, figures["forecast"]["model_version"]
    conn.rollback()
    conn.close()


def _registry(conn) -> dict:
    return {v: (s, r) for v, s, r in conn.execute("select model_version, status, retired_on "
                                                  "from models.forecast_model_registry")}


def _rows(conn, table: str, day) -> int:
    return conn.execute(sql.SQL("select count(*) from {} where as_of_date = %s").format(
        sql.Identifier("models", table)), (day,)).fetchone()[0]


def test_the_first_run_registered_one_active_model(built):
    url, figures = built
    with psycopg.connect(url) as conn:
        rows = conn.execute("select model_version, status, trained_as_of_date, data_to, feature_set_hash, "
                            "artifact_path, backtest_wape, backtest_mase, backtest_coverage_p10_p90 "
                            "from models.forecast_model_registry").fetchall()
    assert figures["forecast"]["trained"] and figures["forecast"]["training_reason"] == "no active model"
    [(version, status, trained, data_to, fhash, path, wape, mase, coverage)] = rows
    assert version == figures["forecast"]["model_version"] and status == "active"
    assert trained == data_to == AS_OF and len(fhash) == 64 and version.endswith(fhash[:8])
    assert Path(path).name == version and (Path(path) / "forecaster.json").is_file()
    assert wape is not None and mase is not None and 0 <= coverage <= 1


def test_the_next_day_reuses_the_active_model(next_day):
    conn, version = next_day
    out = forecast_demand(conn, NEXT_DAY, model_world_forecast_settings())
    assert out["status"] == "forecast" and not out["trained"] and out["model_version"] == version
    assert _registry(conn) == {version: ("active", None)}  # still one version
    n, first, last = conn.execute("select count(*), min(forecast_date), max(forecast_date) from "
                                  "models.demand_forecast where as_of_date = %s", (NEXT_DAY,)).fetchone()
    assert n > 0 and first == NEXT_DAY + timedelta(days=1) and last == NEXT_DAY + timedelta(days=14)
    assert conn.execute("select array_agg(distinct model_version) from models.forecast_accuracy where as_of_date = %s",
                        (NEXT_DAY,)).fetchone()[0] == [version]
    assert _rows(conn, "sell_out", NEXT_DAY) > 0


@pytest.mark.parametrize("change, reason", [({"retrain_days": 1}, "1 days old"),
                                            ({"horizon_days": 7}, "feature set or config changed")])
def test_an_old_or_changed_model_is_retrained_and_the_previous_one_retired(next_day, monkeypatch, tmp_path,
                                                                          change, reason):
    conn, old = next_day
    monkeypatch.setenv("LTVZAIKO_HOME", str(tmp_path))
    out = forecast_demand(conn, NEXT_DAY, dataclasses.replace(model_world_forecast_settings(), **change))
    new = out["model_version"]
    assert out["trained"] and reason in out["training_reason"] and new != old
    assert _registry(conn) == {old: ("retired", NEXT_DAY), new: ("active", None)}
    path = conn.execute("select artifact_path from models.forecast_model_registry where model_version = %s",
                        (new,)).fetchone()[0]
    assert Path(path) == tmp_path / "models" / "forecast" / new
    saved = DemandForecaster.load(path)
    assert new.endswith(saved.feature_set_hash[:8]) and saved.trained_cutoff_ == pd.Timestamp(NEXT_DAY)


def test_a_failing_gate_publishes_nothing(next_day, monkeypatch, tmp_path):
    conn, old = next_day
    monkeypatch.setenv("LTVZAIKO_HOME", str(tmp_path))
    predict = DemandForecaster.predict

    def crossed(self, future):  # a model whose p10 lies above its p50
        out = predict(self, future)
        out["p10"] = out["p50"] + 1.0
        return out

    monkeypatch.setattr(DemandForecaster, "predict", crossed)
    with pytest.raises(OutputCheckFailed, match="p50_minus_p10"):
        forecast_demand(conn, NEXT_DAY, dataclasses.replace(model_world_forecast_settings(), retrain_days=0))
    for table in ("demand_forecast", "forecast_accuracy", "sell_out"):
        assert _rows(conn, table, NEXT_DAY) == 0, table
    assert _registry(conn) == {old: ("active", None)}      # no new version registered ...
    assert not (tmp_path / "models").exists()             # ... and no model saved


# ------------------------------------------------------------------------------------- the output gate
@pytest.fixture(scope="module")
def real_forecast(built):
    url, _ = built
    with psycopg.connect(url) as conn:
        rows = conn.execute("select sku_id, location_id, forecast_date, mean_units, p10_units, p50_units, p90_units "
                            "from models.demand_forecast where as_of_date = %s", (AS_OF,)).fetchall()
        active = conn.execute("select sku_id, location_id from intermediate.int_demand_daily where sales_date = %s",
                              (AS_OF,)).fetchall()
    frame = pd.DataFrame(rows, columns=["sku_id", "location_id", "forecast_date", "mean_units", "p10_units",
                                        "p50_units", "p90_units"])
    dates = pd.date_range(AS_OF + timedelta(days=1), periods=14)
    return frame, pd.DataFrame(active, columns=["sku_id", "location_id"]), dates


def test_the_real_forecast_passes_the_gate(real_forecast):
    frame, active, dates = real_forecast
    assert len(frame) == len(active) * 14
    assert gate_forecast(frame, active, dates).success


def _negative_mean(f):
    f.loc[f.index[:3], "mean_units"] = -0.5
    return f


def _crossed_quantiles(f):
    rows = f.index[f["p50_units"] > 0.1][:4]
    f.loc[rows, "p90_units"] = f.loc[rows, "p50_units"] / 2
    return f


def _series_dropped(f):
    first = f.iloc[0]
    keep = (f["sku_id"] != first["sku_id"]) | (f["location_id"] != first["location_id"])
    return f[keep]


def _missing_median(f):
    f.loc[f.index[2], "p50_units"] = float("nan")
    return f


def _duplicated(f):
    return pd.concat([f, f.iloc[[0]]], ignore_index=True)


@pytest.mark.parametrize("corrupt, rule", [
    (_negative_mean, "expect_column_values_to_be_between(mean_units)"),
    (_crossed_quantiles, "expect_column_values_to_be_between(p90_minus_p50)"),
    (_series_dropped, "expect_column_values_to_be_null(uncovered_active_series)"),
    (_missing_median, "expect_column_values_to_not_be_null(p50_units)"),
    (_duplicated, "expect_compound_columns_to_be_unique(sku_id,location_id,forecast_date)"),
])
def test_corrupted_copies_of_a_real_forecast_are_rejected_naming_the_rule(real_forecast, corrupt, rule):
    frame, active, dates = real_forecast
    bad = corrupt(frame.copy())
    with pytest.raises(OutputCheckFailed) as err:
        gate_forecast(bad, active, dates)
    broken = [v.rule for v in err.value.verdict.violations]
    assert len(broken) == 1 and broken[0].startswith(rule), broken
    if corrupt is _series_dropped:  # the message names the series and date left without a forecast
        first = frame.iloc[0]
        assert f"{first['sku_id']}@{first['location_id']}" in str(err.value)


# ------------------------------------------------------------------------ campaigns known in advance
def test_future_campaign_features_match_what_the_warehouse_recorded_later(built):
    """Features built at an origin from the announced campaign calendar equal int_demand_daily's promo columns
    once those days are loaded: the stage and the dbt macros match campaigns the same way."""
    url, _ = built
    with psycopg.connect(url) as conn:
        origin = conn.execute("select min(sales_date) - 1 from intermediate.int_demand_daily where promo_flag"
                              ).fetchone()[0]
        origin = max(origin, AS_OF - timedelta(days=40))
        dates = pd.date_range(origin + timedelta(days=1), periods=14)
        future = future_features(read_active(conn, origin),
                                 read_campaign_days(conn, dates[0].date(), dates[-1].date()), dates)
        loaded = pd.DataFrame(conn.execute(
            "select sku_id || '|' || location_id, sales_date, promo_flag::int, promo_discount_pct "
            "from intermediate.int_demand_daily where sales_date between %s and %s",
            (dates[0].date(), dates[-1].date())).fetchall(),
            columns=["series_id", "ds", "promo_loaded", "pct_loaded"])
    loaded["ds"] = pd.to_datetime(loaded["ds"])
    both = future.merge(loaded, on=["series_id", "ds"])
    assert len(both) > 0.8 * len(future) and both["promo_loaded"].sum() > 0
    assert (both["promo_flag"] == both["promo_loaded"]).all()
    assert (both["promo_discount_pct"] == both["pct_loaded"]).all()
