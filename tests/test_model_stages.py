"""The model stages on a real warehouse: 50 days of a tiny world → dbt → customer LTV, item value + ZPM,
forecast with backtest, order list → decision marts (dbt), without Airflow (the DAG wiring is in the e2e tests).
The shared `built` fixture lives in conftest.py so every model test file can use the same built database.
"""
from __future__ import annotations

import psycopg
import pytest

from conftest import AS_OF, DATES


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
