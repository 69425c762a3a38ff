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


def test_item_mart_carries_the_buyer_measures_spec_lists(built):
    """Share of high-LTV buyers, the gateway (first purchase → repeat) rate and the anonymous share, per item,
    consistent with the counts they come from (SPEC §5: mart_item_ltv_contribution)."""
    url, _ = built
    with psycopg.connect(url) as conn:
        rows = conn.execute("""select grain, buyers, high_ltv_buyers, high_ltv_buyer_share::float, gateway_buyers,
                                      gateway_repeat_rate::float, anonymous_sales_share::float
                               from marts_build.mart_item_ltv_contribution where as_of_date = %s""",
                            (AS_OF,)).fetchall()
    assert rows
    measured = [r for r in rows if r[1]]  # items with buyers (stock-only items have no buyer measures)
    assert measured
    for grain, buyers, high, high_share, gateway, gateway_rate, anonymous in measured:
        assert 0 <= high <= buyers and 0 <= gateway <= buyers, (grain, buyers, high, gateway)
        if buyers:
            assert abs(high_share - high / buyers) < 1e-4
        assert gateway_rate is None or 0 <= gateway_rate <= 1
    assert any(r[4] > 0 for r in measured)  # some items brought new customers in
    assert any(r[6] is not None and r[6] > 0 for r in rows)  # the test world has anonymous (store) sales


def test_forecast_covers_every_series_and_is_backtested(built):
    url, figures = built
    assert figures["forecast"]["status"] == "forecast"
    with psycopg.connect(url) as conn:
        series = conn.execute("select count(distinct (sku_id, location_id)) from intermediate.int_demand_daily "
                              "where sales_date = %s", (AS_OF,)).fetchone()[0]
        rows, days = conn.execute("select count(*), count(distinct forecast_date) from models.demand_forecast "
                                  "where as_of_date = %s", (AS_OF,)).fetchone()
        assert days == 14 and rows >= series * 14 * 0.9
        acc = dict(conn.execute("select model, wape from marts_build.mart_forecast_accuracy "
                                "where segment_type = 'all' and horizon_bucket = 'all'").fetchall())
        assert set(acc) == {"xgboost", "seasonal_naive", "moving_average"} and all(v is not None for v in acc.values())
        # the 14-day grain (what an order covering two weeks sees): sums first, so never above the daily WAPE
        grains = conn.execute("select horizon_bucket = 'all', wape::float, wape_14d::float "
                              "from marts_build.mart_forecast_accuracy where as_of_date = %s", (AS_OF,)).fetchall()
        assert all(w14 is not None and 0 <= w14 <= w + 1e-4 for overall, w, w14 in grains if overall)
        assert all(w14 is None for overall, _, w14 in grains if not overall)
        # rolling origins, scored by horizon bucket and by segment (item type, LTV class) with MASE
        windows, buckets, mase = conn.execute(
            "select max(backtest_windows), array_agg(distinct horizon_bucket order by horizon_bucket), "
            "bool_and(mase is not null) from marts_build.mart_forecast_accuracy where segment_type = 'all'").fetchone()
        assert windows == 2 and buckets == ["1-7", "8-14", "all"] and mase
        segments = set(conn.execute("select distinct segment_type || ':' || segment from "
                                    "marts_build.mart_forecast_accuracy").fetchall())
        assert {("item_type:staple",), ("item_type:seasonal",)} <= segments
        assert {s[0] for s in segments if s[0].startswith("ltv_class:")} & {"ltv_class:高", "ltv_class:中", "ltv_class:低"}
        # the model that made the forecasts is the registry's active version
        version = conn.execute("select distinct model_version from marts_build.mart_forecast_accuracy").fetchall()
        active = conn.execute("select model_version, backtest_wape, backtest_mase, artifact_path from "
                              "marts_build.mart_forecast_model_registry where status = 'active'").fetchall()
        assert version == [(figures["forecast"]["model_version"],)] and [a[0] for a in active] == [version[0][0]]
        assert active[0][1] is not None and active[0][2] is not None
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


def test_calibration_mart_holds_the_holdout_check(built):
    url, figures = built
    holdout = figures["customer_value"]["holdout"]
    assert holdout and "error" not in holdout, holdout
    with psycopg.connect(url) as conn:
        rows = conn.execute("""select frequency_bucket, frequency_min, customers, actual_holdout_purchases,
                                      predicted_holdout_purchases, calibration_end_date, holdout_end_date,
                                      holdout_weeks, customers_evaluated, total_relative_error,
                                      naive_total_relative_error
                               from marts_build.mart_ltv_calibration where as_of_date = %s
                               order by frequency_min""", (AS_OF,)).fetchall()
    assert [r[0] for r in rows] == ["0", "1", "2", "3", "4", "5", "6", "7+"]
    assert [r[1] for r in rows] == list(range(8))
    assert sum(r[2] for r in rows) == rows[0][8] == holdout["n_customers"] > 0
    for _, _, n, actual, predicted, *_ in rows:
        assert (actual is None) == (predicted is None) == (n == 0)
    # whole weeks ending on the Sunday before the as-of date; the headline figures on every row
    cal_end, end, weeks = rows[0][5], rows[0][6], rows[0][7]
    assert end.weekday() == 6 and 0 <= (AS_OF - end).days < 7 and (end - cal_end).days == 7 * weeks
    assert {(r[9], r[10]) for r in rows} == {(rows[0][9], rows[0][10])}
    assert float(rows[0][9]) == pytest.approx(holdout["total_relative_error"], abs=1e-4)


def test_a_customer_seen_in_several_channels_is_one_customer(built):
    url, _ = built
    with psycopg.connect(url) as conn:
        multi = conn.execute("""select customer_key, array_agg(distinct channel order by channel)
                                from intermediate.int_sales_lines where customer_key is not null
                                group by customer_key having count(distinct channel) >= 2
                                   and sum(net_sales_jpy) > 0 order by customer_key""").fetchall()
        assert multi, "the world has customers buying in more than one channel"
        key, channels = multi[0]
        rows = conn.execute("select count(*) from marts_build.mart_customer_ltv where as_of_date = %s "
                            "and customer_key = %s", (AS_OF, key)).fetchone()[0]
        assert rows == 1, (key, channels)
        # and so is everyone else who bought in several channels
        keys = [k for k, _ in multi]
        counts = dict(conn.execute("select customer_key, count(*) from marts_build.mart_customer_ltv "
                                   "where as_of_date = %s and customer_key = any(%s) group by 1", (AS_OF, keys)))
        assert set(counts.values()) == {1}


def test_anonymous_share_of_sales_is_reported_per_channel(built):
    url, _ = built
    with psycopg.connect(url) as conn:
        got = {r[0]: r[1:] for r in conn.execute(
            """select channel, sales_lines, anonymous_sales_lines, net_sales_jpy, anonymous_net_sales_jpy,
                      anonymous_net_sales_share from marts_build.mart_anonymous_sales_share
               where as_of_date = %s""", (AS_OF,))}
        want = {r[0]: r[1:] for r in conn.execute(
            """select channel, count(*), count(*) filter (where customer_key is null), sum(net_sales_jpy),
                      coalesce(sum(net_sales_jpy) filter (where customer_key is null), 0)
               from intermediate.int_sales_lines where sales_date between %s::date - 364 and %s
               group by channel""", (AS_OF, AS_OF))}
    assert set(got) == {"store", "ec", "mall"}
    for channel, (lines, anon_lines, net, anon_net, share) in got.items():
        assert (lines, anon_lines, net, anon_net) == tuple(want[channel]), channel
        assert float(share) == pytest.approx(anon_net / net, abs=1e-6)
    assert got["ec"][1] == 0 and got["store"][1] > 0 and got["mall"][1] > 0   # EC always knows its customer


def test_item_marts_serve_sku_and_style_grains(built):
    url, figures = built
    with psycopg.connect(url) as conn:
        for mart in ("mart_item_ltv_contribution", "mart_zpm"):
            grains = dict(conn.execute(f"select grain, count(*) from marts_build.{mart} where as_of_date = %s "
                                       "group by grain", (AS_OF,)))
            assert grains == {"sku": figures["item_value"]["items"], "style": figures["item_value"]["styles"]}
        # a style row is the style as a whole: its buyers are its SKUs' distinct buyers, not their sum
        bad = conn.execute("""select st.item_id from marts_build.mart_item_ltv_contribution st
                              join marts_build.mart_item_ltv_contribution sku
                                on sku.grain = 'sku' and sku.style_id = st.item_id and sku.as_of_date = st.as_of_date
                              where st.grain = 'style'
                              group by st.item_id, st.buyers having st.buyers > sum(sku.buyers)""").fetchall()
        assert bad == []
        # every style that sold in the ZPM window has a cell and a class at style grain
        missing = conn.execute("""select count(*) from (select distinct style_id from intermediate.int_sales_lines
                                  where sales_date > %s::date - 56) s
                                  left join marts_build.mart_zpm z on z.grain = 'style' and z.item_id = s.style_id
                                  where z.zpm_cell is null or z.ltv_class is null""", (AS_OF,)).fetchone()[0]
        assert missing == 0
