"""The forecast model registry: which trained model serves the daily forecasts, and when to train a new one.

``models.forecast_model_registry`` holds one row per trained model version: when it was trained and on which
data window, the hash of its feature set (declared feature list + config), the backtest metrics of the run
that trained it, where its artifact lies (``$LTVZAIKO_HOME/models/forecast/<version>/``, written by
``DemandForecaster.save``) and its status. Exactly one version is ``active``: the one the daily runs load.

**Retrain weekly, predict daily** (:func:`retrain_reason`): a run reuses the active model — loads the
artifact and only predicts, with the lags and windows read from the latest history — when the model is
younger than ``retrain_days`` (``LTVZAIKO_FORECAST_RETRAIN_DAYS``, default 7), its feature-set hash equals
the run's, its artifact is readable and it was not trained on data after the run's as-of date. Otherwise the
run trains a new version, registers it ``active`` and retires the previous one.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path

import pandas as pd
import psycopg

from ..settings import load_settings
from ..warehouse.frames import ensure_table, read_frame, replace_rows

REGISTRY_TABLE = "forecast_model_registry"
ACTIVE, RETIRED = "active", "retired"
REGISTRY_COLUMNS = {
    "model_version": "text not null", "status": "text not null", "trained_at": "timestamptz not null",
    "trained_as_of_date": "date not null", "data_from": "date", "data_to": "date",
    "feature_set_hash": "text not null", "feature_names": "text", "config_json": "text",
    "training_reason": "text", "n_series": "integer", "n_train_examples": "integer",
    "fit_seconds": "double precision", "backtest_windows": "integer", "backtest_wape": "double precision",
    "backtest_bias": "double precision", "backtest_mase": "double precision",
    "backtest_coverage_p10_p90": "double precision", "backtest_wape_seasonal_naive": "double precision",
    "backtest_wape_moving_average": "double precision", "artifact_path": "text", "retired_on": "date",
}
REGISTRY_COMMENT = ("Forecast model versions: training window, feature-set hash, backtest metrics, artifact path, "
                    "status (one active)")


@dataclass(frozen=True)
class RegisteredModel:
    model_version: str
    trained_as_of_date: date
    feature_set_hash: str
    artifact_path: str


def artifact_root() -> Path:
    """``$LTVZAIKO_HOME/models/forecast``: one directory per model version."""
    return load_settings().home / "models" / "forecast"


def model_version(as_of: date, feature_hash: str) -> str:
    """``fc-<as-of yyyymmdd>-<first 8 of the feature-set hash>``: a rerun of the same day with the same
    features names (and overwrites) the same version."""
    return f"fc-{as_of:%Y%m%d}-{feature_hash[:8]}"


def active_model(conn: psycopg.Connection) -> RegisteredModel | None:
    """The registry's active version, None when there is none (or no registry yet)."""
    if not conn.execute("select to_regclass(%s) is not null", (f"models.{REGISTRY_TABLE}",)).fetchone()[0]:
        return None
    row = conn.execute(f"select model_version, trained_as_of_date, feature_set_hash, artifact_path "
                       f"from models.{REGISTRY_TABLE} where status = %s order by trained_as_of_date desc, "
                       f"trained_at desc limit 1", (ACTIVE,)).fetchone()
    return RegisteredModel(*row) if row else None


def retrain_reason(active: RegisteredModel | None, as_of: date, feature_hash: str, retrain_days: int) -> str | None:
    """Why this run must train a new model, or None when the active model may serve it.

    >>> m = RegisteredModel("fc-20250301-ab12cd34", date(2025, 3, 1), "ab12cd34ef", "/nowhere")
    >>> retrain_reason(m, date(2025, 3, 4), "ab12cd34ef", 7)
    'artifact missing at /nowhere'
    >>> retrain_reason(m, date(2025, 3, 8), "ab12cd34ef", 7)
    'model is 7 days old (retrain every 7)'
    """
    if active is None:
        return "no active model"
    age = (as_of - active.trained_as_of_date).days
    if age < 0:
        return f"the active model was trained on data up to {active.trained_as_of_date}, after this run's {as_of}"
    if age >= retrain_days:
        return f"model is {age} days old (retrain every {retrain_days})"
    if active.feature_set_hash != feature_hash:
        return "feature set or config changed"
    if not (Path(active.artifact_path) / "forecaster.json").is_file():
        return f"artifact missing at {active.artifact_path}"
    return None


def registry_row(*, version: str, as_of: date, feature_hash: str, feature_names, config: dict, reason: str,
                 data_from, data_to, n_series: int, n_train_examples: int, fit_seconds: float,
                 metrics: dict, artifact_path: Path, status: str = ACTIVE) -> pd.DataFrame:
    """One registry row (``metrics``: the training run's backtest: backtest_* keys)."""
    row = {"model_version": version, "status": status, "trained_at": datetime.now(timezone.utc).isoformat(),
           "trained_as_of_date": as_of.isoformat(), "data_from": str(data_from), "data_to": str(data_to),
           "feature_set_hash": feature_hash, "feature_names": ",".join(feature_names),
           "config_json": json.dumps(config, sort_keys=True, ensure_ascii=False), "training_reason": reason,
           "n_series": n_series, "n_train_examples": n_train_examples, "fit_seconds": round(fit_seconds, 3),
           "artifact_path": str(artifact_path), "retired_on": None}
    row.update({k: metrics.get(k) for k in REGISTRY_COLUMNS if k.startswith("backtest_")})
    return pd.DataFrame([row], columns=list(REGISTRY_COLUMNS))


def register(conn: psycopg.Connection, row: pd.DataFrame, as_of: date) -> None:
    """Write the version (replacing a same-named one) and, when it is active, retire every other active one."""
    version, status = row["model_version"].iloc[0], row["status"].iloc[0]
    replace_rows(conn, REGISTRY_TABLE, row, REGISTRY_COLUMNS, {"model_version": version}, comment=REGISTRY_COMMENT)
    if status == ACTIVE:
        conn.execute(f"update models.{REGISTRY_TABLE} set status = %s, retired_on = %s "
                     "where status = %s and model_version <> %s", (RETIRED, as_of, ACTIVE, version))


def ensure_registry(conn: psycopg.Connection) -> None:
    """The registry table exists even before the first model (the registry mart reads it)."""
    ensure_table(conn, REGISTRY_TABLE, REGISTRY_COLUMNS, comment=REGISTRY_COMMENT)


def read_registry(conn: psycopg.Connection) -> pd.DataFrame:
    ensure_registry(conn)
    return read_frame(conn, f"select * from models.{REGISTRY_TABLE} order by trained_as_of_date, trained_at",
                      dtypes={"model_version": "string", "status": "string"})
