"""The report read from a real PostgreSQL: marts written into a throwaway schema, never into ``marts``."""
from __future__ import annotations

import re
import uuid

import pandas as pd
import psycopg
import pytest

from ltvzaiko_tasks.report import build_report, latest_as_of, load_report_data, render_report
from ltvzaiko_tasks.report.fmt import yen

from .marts_fixture import AS_OF, HOSTILE_SKU, mart_frames, write_marts


@pytest.fixture(scope="module")
def fixture_schema(warehouse):
    schema = f"report_test_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(warehouse.url, autocommit=True) as conn:
        write_marts(conn, schema)
    yield schema
    with psycopg.connect(warehouse.url, autocommit=True) as conn:
        conn.execute(f'drop schema if exists "{schema}" cascade')


def test_numbers_are_the_marts_sums(warehouse, fixture_schema):
    frames = mart_frames()
    with psycopg.connect(warehouse.url) as conn:
        conn.read_only = True
        assert latest_as_of(conn, fixture_schema) == AS_OF
        data = load_report_data(conn, None, fixture_schema)
    assert data.as_of == AS_OF
    sales = frames["mart_channel_sales_daily"]
    start, end = data.window
    window = sales[(sales["sales_date"] >= start) & (sales["sales_date"] <= end)]
    cur = data.frame("sales_by_channel").query("period == 'current'")
    assert cur["net_sales_jpy"].sum() == window["net_sales_jpy"].sum()
    assert cur.set_index("channel")["gross_profit_jpy"].to_dict() == \
        window.groupby("channel")["gross_profit_jpy"].sum().to_dict()
    ltv = frames["mart_customer_ltv"]
    seg = data.frame("ltv_segments").set_index("ltv_segment")
    assert seg["customers"].to_dict() == ltv["ltv_segment"].value_counts().to_dict()
    assert seg.loc["high", "clv_sum"] == ltv.loc[ltv["ltv_segment"] == "high", "clv_12m_margin_jpy"].sum()
    orders = frames["replenishment_order_list"]
    seasonal = orders[orders["item_type"] == "seasonal"]
    assert int(data.frame("orders_seasonal__totals")["order_value_jpy"].iloc[0]) == seasonal["order_value_jpy"].sum()
    # first the lines to order, by priority
    qty = data.frame("orders_seasonal")["recommended_order_qty"].tolist()
    assert qty == sorted(qty, key=lambda q: q == 0)
    inv = data.frame("mart_inventory_health")
    assert inv["dead_stock_flag"].sum() == frames["mart_inventory_health"]["dead_stock_flag"].sum()

    page = render_report(data)
    assert "could not be drawn" not in page
    kpi = page[page.index('data-kpi="net_sales"'):page.index('data-kpi="gross_profit"')]
    assert yen(window["net_sales_jpy"].sum()) in kpi
    assert "&lt;script&gt;" in page and "<script>alert" not in page
    assert 'id="orders-staple-data"' in page and 'id="orders-seasonal-data"' in page


def test_item_marts_are_read_at_sku_grain_and_the_calibration_is_drawn(warehouse, fixture_schema):
    frames = mart_frames()
    with psycopg.connect(warehouse.url) as conn:
        conn.read_only = True
        data = load_report_data(conn, None, fixture_schema)
    for mart in ("mart_zpm", "mart_item_ltv_contribution"):
        sku_rows = frames[mart][frames[mart]["grain"] == "sku"]
        assert set(data.frame(mart)["grain"]) == {"sku"} and data.totals[mart] == len(sku_rows)
        assert sorted(data.frame(mart)["sku_id"]) == sorted(sku_rows["sku_id"])
    cal = data.frame("mart_ltv_calibration")
    assert list(cal.sort_values("frequency_min")["frequency_bucket"]) == ["0", "1", "2", "3", "4", "5", "6", "7+"]
    page = render_report(data)
    ltv = page[page.index('id="ltv"'):page.index('id="forecast"')]
    assert "Calibration: hold-out purchases by frequency" in ltv
    assert "-4.6%" in ltv and "+31.0%" in ltv and "180" in ltv          # the headline: model vs naive rule
    assert "単純予測" in ltv and "Naive rule (mean purchases)" in ltv


def test_build_report_writes_the_file_and_an_empty_mart_says_so(warehouse, tmp_path):
    schema = f"report_test_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(warehouse.url, autocommit=True) as conn:
        write_marts(conn, schema, empty=("replenishment_order_list", "mart_campaign_effect"))
    try:
        out = build_report(out=tmp_path / "r.html", url=warehouse.url, schema=schema)
        default = build_report(url=warehouse.url, schema=schema)  # $LTVZAIKO_HOME/reports/report_<date>.html
    finally:
        with psycopg.connect(warehouse.url, autocommit=True) as conn:
            conn.execute(f'drop schema if exists "{schema}" cascade')
    from ltvzaiko_tasks.settings import load_settings

    assert default == load_settings().home / "reports" / "report_2025-05-15.html" and default.exists()
    page = out.read_text(encoding="utf-8")
    assert "replenishment_order_list has no rows for the as-of date 2025-05-15" in page
    assert "mart_campaign_effect has no rows" in page
    assert re.search(r'data-as-of="2025-05-15"', page)
    assert HOSTILE_SKU not in page


def test_cli_writes_the_report_and_explains_failure(warehouse, fixture_schema, tmp_path):
    from typer.testing import CliRunner

    from ltvzaiko_tasks.cli import app

    runner = CliRunner()
    out = tmp_path / "cli.html"
    res = runner.invoke(app, ["report", "--date", "2025-05-15", "--out", str(out), "--schema", fixture_schema])
    assert res.exit_code == 0, res.output
    assert res.stdout.strip() == str(out.resolve())
    assert 'data-as-of="2025-05-15"' in out.read_text(encoding="utf-8")
    bad = runner.invoke(app, ["report", "--schema", "no_such_schema_here", "--out", str(tmp_path / "x.html")])
    assert bad.exit_code == 1 and "no tables" in bad.output and not (tmp_path / "x.html").exists()
    assert runner.invoke(app, ["report", "--date", "15/05/2025"]).exit_code == 2
