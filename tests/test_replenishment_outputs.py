"""Issue 8's outputs on the 50-day model world (`built`): markdown list, staple / seasonal lists, purchase-order
files, the output gate on the real list, last order dates and the what-if command."""
from __future__ import annotations

import json

import psycopg
import pytest

from conftest import AS_OF, cli
from ltvzaiko_tasks.quality.output_gate import OutputCheckFailed
from ltvzaiko_tasks.replenishment.output_rules import gate_replenishment
from ltvzaiko_tasks.replenishment.purchase_orders import read_purchase_order
from ltvzaiko_tasks.stages import orders_stage
from ltvzaiko_tasks.stages.orders_stage import compute_orders, read_inputs, recommend_replenishment
from ltvzaiko_tasks.warehouse.frames import read_frame


def _rows(conn, query, params=()):
    return conn.execute(query, params).fetchall()


def test_markdown_list_has_actions_reasons_and_a_style_rollup(built):
    url, figures = built
    assert figures["orders"]["markdown_rows"] > 0
    with psycopg.connect(url) as conn:
        md = read_frame(conn, "select * from marts_build.markdown_recommendations")
        assert {"as_of_date", "sku_id", "style_id", "action"} <= set(md.columns)  # what the report reads
        assert len(md) == figures["orders"]["markdown_rows"] and (md["as_of_date"] == AS_OF.isoformat()).all()
        assert set(md["action"]) <= {"sell_down", "targeted_coupon", "transfer", "hold"}
        assert md["reason_codes"].str.len().gt(0).all() and (md["excess_units"] >= 0).all()
        discounted = md["action"].isin(["sell_down", "targeted_coupon"])
        assert (md.loc[~discounted, "suggested_markdown_rate"] == 0).all()
        by_style = read_frame(conn, "select * from marts_build.markdown_recommendations_by_style")
        assert by_style["sku_locations"].sum() == len(md) and by_style["style_id"].is_unique


def test_staple_and_seasonal_lists_split_the_order_list(built):
    url, _ = built
    with psycopg.connect(url) as conn:
        total, staple, seasonal = (conn.execute(f"select count(*) from marts_build.{t}").fetchone()[0] for t in (
            "replenishment_order_list", "replenishment_order_list_staple", "replenishment_order_list_seasonal"))
        assert staple > 0 and seasonal > 0 and staple + seasonal == total
        assert _rows(conn, "select distinct item_type from marts_build.replenishment_order_list_seasonal") == [
            ("seasonal",)]


def test_purchase_orders_per_supplier_add_up_to_the_order_list(built, session_home):
    url, figures = built
    with psycopg.connect(url) as conn:
        expected = dict((s, (q, v)) for s, q, v in _rows(
            conn, "select coalesce(supplier_id, 'UNKNOWN'), sum(recommended_order_qty), sum(order_value_jpy) "
                  "from marts_build.replenishment_order_list where recommended_order_qty > 0 group by 1"))
    folder = session_home / "purchase_orders" / AS_OF.isoformat()
    assert figures["orders"]["purchase_order_files"] == len(expected) > 0
    assert sorted(p.stem for p in folder.glob("*.csv")) == sorted(expected)
    for supplier, (qty, value) in expected.items():
        lines, totals = read_purchase_order(folder / f"{supplier}.csv")
        assert (totals["order_qty"], totals["order_value_jpy"]) == (qty, value)
        assert lines["order_qty"].astype(int).gt(0).all() and set(lines["supplier_id"]) == {supplier}


def test_the_real_list_passes_the_gate_and_nothing_is_ordered_after_the_last_order_date(built):
    url, _ = built
    with psycopg.connect(url) as conn:
        inputs = read_inputs(conn, AS_OF)
        orders = read_frame(conn, "select * from models.order_recommendations where as_of_date = %s", (AS_OF,))
        assert all(v.success for v in gate_replenishment(orders, inputs["position"]))
        late = _rows(conn, "select count(*) filter (where recommended_order_qty > 0), count(*) "
                           "from marts_build.replenishment_order_list where last_order_date <= as_of_date")[0]
        assert late[0] == 0
        closed = _rows(conn, "select count(*) from marts_build.replenishment_order_list "
                             "where reason = 'order_window_closed'")[0][0]
        assert closed <= late[1]


def test_a_failing_gate_publishes_nothing(built, monkeypatch, session_home):
    url, _ = built
    folder = session_home / "purchase_orders" / AS_OF.isoformat()
    files_before = {p.name: p.read_bytes() for p in folder.glob("*.csv")}

    def corrupted(*args, **kwargs):
        out = compute_orders(*args, **kwargs)
        out.loc[out.index[0], "order_qty"] = -6
        return out

    monkeypatch.setattr(orders_stage, "compute_orders", corrupted)
    with psycopg.connect(url) as conn:
        before = _rows(conn, "select sku_id, location_id, order_qty from models.order_recommendations "
                             "where as_of_date = %s order by 1, 2", (AS_OF,))
        with pytest.raises(OutputCheckFailed, match=r"expect_column_values_to_be_between\(order_qty\)"):
            recommend_replenishment(conn, AS_OF)
        conn.rollback()
        after = _rows(conn, "select sku_id, location_id, order_qty from models.order_recommendations "
                            "where as_of_date = %s order by 1, 2", (AS_OF,))
    assert after == before
    assert {p.name: p.read_bytes() for p in folder.glob("*.csv")} == files_before


def test_what_if_command_on_the_built_world(built):
    url, _ = built
    with psycopg.connect(url) as conn:
        sku, location = _rows(conn, "select sku_id, location_id from marts_build.replenishment_order_list_staple "
                                    "where demand_over_protection_units > 0 order by order_value_jpy desc limit 1")[0]
    env = {"LTVZAIKO_WAREHOUSE_URL": url}
    proc = cli("what-if", "--sku", sku, "--location", location, "--service-level", "0.99", "--schema", "marts_build",
               "--json", env=env)
    result = json.loads(proc.stdout)
    assert result["as_of_date"] == AS_OF.isoformat() and len(result["rows"]) == 1
    row = result["rows"][0]
    assert row["scenario_safety_stock"] >= row["baseline_safety_stock"]
    assert row["scenario_stockout_probability"] == pytest.approx(0.01)
    text = cli("what-if", "--sku", sku, "--lead-time-days", "30", "--schema", "marts_build", env=env).stdout
    assert "安全在庫" in text and "inventory cost/year" in text
    bad = cli("what-if", "--sku", "NO-SUCH-SKU", "--schema", "marts_build", env=env, check=False)
    assert bad.returncode != 0 and "NO-SUCH-SKU" in bad.stderr


def test_what_if_report_section_data(built):
    from ltvzaiko_tasks.whatif import service_level_sensitivity

    url, _ = built
    with psycopg.connect(url) as conn:
        rows = read_frame(conn, "select * from marts_build.replenishment_order_list", dtypes={"item_type": "string"})
    table = service_level_sensitivity(rows).set_index("scenario")
    assert list(table.index) == ["as_published", "90.0%", "95.0%", "98.0%", "99.5%"]
    assert table["safety_stock_units"].iloc[1:].is_monotonic_increasing
    assert table["stockout_probability"].iloc[1:].is_monotonic_decreasing
