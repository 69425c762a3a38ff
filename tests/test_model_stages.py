"""The model stages on a real warehouse: 50 days of a tiny world → dbt → customer LTV, item value + ZPM,
forecast with backtest, order list → decision marts (dbt), without Airflow (the DAG wiring is in the e2e tests).
"""
from __future__ import annotations

import os
import uuid
from datetime import date
from pathlib import Path
from urllib.parse import unquote, urlsplit, urlunsplit

import pandas as pd
import psycopg
import pytest
from psycopg import sql

from test_dbt_models import DBT_DIR, load_raw

START, DAYS = "2025-02-01", 50
DATES = [str(d.date()) for d in pd.date_range(START, periods=DAYS)]
AS_OF = date.fromisoformat(DATES[-1])


@pytest.fixture(scope="module")
def built(warehouse, tmp_path_factory):
    """Load the world, build the warehouse, run the four stages and build the decision marts, once."""
    from dbt.cli.main import dbtRunner

    from ltvzaiko_tasks.stages.customer_value_stage import score_customer_value
    from ltvzaiko_tasks.stages.forecast_stage import ForecastSettings, forecast_demand
    from ltvzaiko_tasks.stages.item_value_stage import value_items
    from ltvzaiko_tasks.stages.orders_stage import recommend_replenishment
    from ltvzaiko_tasks.world import generate_landing

    tmp = tmp_path_factory.mktemp("model_stages")
    generate_landing("tiny", seed=5, start=START, days=DAYS, out=tmp / "landing", write_truth=False)
    name = f"ltvzaiko_models_{uuid.uuid4().hex[:8]}"
    admin = psycopg.connect(warehouse.url, autocommit=True)
    admin.execute(sql.SQL("create database {}").format(sql.Identifier(name)))
    url = urlunsplit(urlsplit(warehouse.url)._replace(path="/" + name))
    load_raw(url, tmp / "landing", DATES, tmp / "work")
    u = urlsplit(url)
    env = {"LTVZAIKO_DBT_HOST": u.hostname or "127.0.0.1", "LTVZAIKO_DBT_PORT": str(u.port or 5432),
           "LTVZAIKO_DBT_USER": unquote(u.username or ""), "LTVZAIKO_DBT_PASSWORD": unquote(u.password or ""),
           "LTVZAIKO_DBT_DBNAME": name, "DBT_SEND_ANONYMOUS_USAGE_STATS": "False"}
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)

    def dbt(*args):
        res = dbtRunner().invoke([*args, "--project-dir", str(DBT_DIR), "--profiles-dir", str(DBT_DIR),
                                  "--target-path", str(tmp / "target"), "--log-path", str(tmp / "logs"), "--quiet"])
        assert res.success, f"dbt {' '.join(args)} failed: {res.exception or res.result}"

    try:
        dbt("build", "--exclude", "tag:decisions")
        figures = {}
        with psycopg.connect(url) as conn:
            figures["customer_value"] = score_customer_value(conn, AS_OF)
            figures["item_value"] = value_items(conn, AS_OF)
            figures["forecast"] = forecast_demand(conn, AS_OF, ForecastSettings(horizon_days=14))
            figures["orders"] = recommend_replenishment(conn, AS_OF)
        dbt("build", "--select", "tag:decisions")
        yield url, figures
    finally:
        for k, v in saved.items():
            os.environ.pop(k, None) if v is None else os.environ.__setitem__(k, v)
        admin.execute(sql.SQL("drop database if exists {} with (force)").format(sql.Identifier(name)))
        admin.close()


def test_customers_are_scored_with_a_holdout_check(built):
    url, figures = built
    assert figures["customer_value"]["status"] == "scored", figures["customer_value"]
    with psycopg.connect(url) as conn:
        n, segments = conn.execute("select count(*), count(distinct ltv_segment) from marts_build.mart_customer_ltv"
                                   ).fetchone()
        assert n == figures["customer_value"]["customers_scored"] > 0 and segments == 3
        identified = conn.execute("select count(distinct customer_key) from intermediate.int_customer_daily "
                                  "where net_sales_jpy > 0").fetchone()[0]
        assert n == identified  # every identified buyer, nobody else


def test_every_sku_with_sales_or_stock_has_a_class_and_a_zpm_cell(built):
    url, _ = built
    with psycopg.connect(url) as conn:
        missing = conn.execute("""select count(*) from (select distinct sku_id from intermediate.int_sales_lines
                                  where sales_date > %s::date - 56) s
                                  left join marts_build.mart_zpm z using (sku_id) where z.zpm_cell is null""",
                               (AS_OF,)).fetchone()[0]
        assert missing == 0
        assert conn.execute("select count(distinct ltv_class) from marts_build.mart_item_ltv_contribution"
                            ).fetchone()[0] >= 2


def test_forecast_covers_every_series_and_is_backtested(built):
    url, figures = built
    assert figures["forecast"]["status"] == "forecast"
    with psycopg.connect(url) as conn:
        series = conn.execute("select count(distinct (sku_id, location_id)) from intermediate.int_demand_daily "
                              "where sales_date = %s", (AS_OF,)).fetchone()[0]
        rows, days = conn.execute("select count(*), count(distinct forecast_date) from models.demand_forecast "
                                  "where as_of_date = %s", (AS_OF,)).fetchone()
        assert days == 14 and rows >= series * 14 * 0.9
        acc = dict(conn.execute("select model, wape from marts_build.mart_forecast_accuracy").fetchall())
        assert set(acc) == {"xgboost", "seasonal_naive"} and all(v is not None for v in acc.values())
        # the sell-through mart now carries forecast sell-out dates
        assert conn.execute("select count(*) from marts_build.mart_sell_through where forecast_sell_out_date "
                            "is not null").fetchone()[0] > 0


def test_order_list_is_consistent(built):
    url, figures = built
    assert figures["orders"]["rows"] > 0 and figures["orders"]["order_lines"] > 0
    with psycopg.connect(url) as conn:
        bad = conn.execute("""select count(*) from marts_build.replenishment_order_list o
                              join intermediate.int_inventory_position p using (sku_id, location_id)
                              where o.recommended_order_qty < 0
                                 or (o.recommended_order_qty > 0 and o.recommended_order_qty % p.case_pack <> 0)
                                 or (o.item_type = 'staple' and o.order_up_to_units < o.reorder_point_units - 1e-6)
                           """).fetchone()[0]
        assert bad == 0
        ranks = [r[0] for r in conn.execute("select priority_rank from marts_build.replenishment_order_list "
                                            "where recommended_order_qty > 0 order by priority_rank")]
        assert ranks == list(range(1, len(ranks) + 1))
