"""The thin slice for real: landing files → raw → GX gate → dbt (Cosmos) → mart → run summary, through Airflow."""
from __future__ import annotations

import shutil

import pandas as pd
import psycopg
import pytest

from conftest import cli

pytestmark = pytest.mark.e2e


def _file_totals(landing, dates):
    frames = [pd.read_csv(next((landing / "store_pos" / d).glob("*.csv")), dtype={"member_card_id": str})
              for d in dates]
    pos = pd.concat(frames)
    pos["sales_date"] = pos["sold_at"].str[:10]
    pos["net"] = pos["line_amount_jpy"] - pos["tax_jpy"]
    return pos.groupby("sales_date").agg(units=("quantity", "sum"), net_sales=("net", "sum"),
                                         gross=("line_amount_jpy", "sum"), receipts=("receipt_no", "nunique"))


def _mart_totals(conn):
    return pd.DataFrame(conn.execute(
        "select sales_date::text, sum(units)::bigint, sum(net_sales_jpy)::bigint, sum(sales_incl_tax_jpy)::bigint "
        "from marts.mart_channel_sales_daily group by 1 order by 1").fetchall(),
        columns=["sales_date", "units", "net_sales", "gross"]).set_index("sales_date")


def test_backfill_then_daily_run_reconcile_to_the_files(warehouse, manifest, tiny_landing):
    # a backfill window in one DAG run, then the next day as a normal daily run
    cli("run", "--landing", str(tiny_landing), "--from", "2025-04-01", "--to", "2025-04-02")
    cli("run", "--landing", str(tiny_landing), "--date", "2025-04-03")
    dates = ["2025-04-01", "2025-04-02", "2025-04-03"]
    expected = _file_totals(tiny_landing, dates)
    with psycopg.connect(warehouse.url) as conn:
        got = _mart_totals(conn)
        assert list(got.index) == dates
        for d in dates:
            assert got.loc[d, "units"] == expected.loc[d, "units"]
            assert got.loc[d, "net_sales"] == expected.loc[d, "net_sales"]  # to the yen, tax-exclusive
            assert got.loc[d, "gross"] == expected.loc[d, "gross"]
        # the mart has the store channel and style columns filled
        assert conn.execute("select distinct channel from marts.mart_channel_sales_daily").fetchall() == [("store",)]
        assert conn.execute("select count(*) from marts.mart_channel_sales_daily where style_id is null"
                            ).fetchone() == (0,)
        # publish recorded both runs
        runs = conn.execute("select business_date_from::text, business_date_to::text, mart_rows "
                            "from ops.run_summary order by published_at").fetchall()
        assert [(a, b) for a, b, _ in runs][-2:] == [("2025-04-01", "2025-04-02"), ("2025-04-03", "2025-04-03")]
        assert runs[-1][2]["mart_channel_sales_daily"] == len(conn.execute(
            "select 1 from marts.mart_channel_sales_daily").fetchall())


def test_rerunning_a_date_does_not_duplicate(warehouse, manifest, tiny_landing):
    cli("run", "--landing", str(tiny_landing), "--date", "2025-04-01")
    with psycopg.connect(warehouse.url) as conn:
        raw = conn.execute("select count(*) from raw.store_pos_lines where _business_date = '2025-04-01'").fetchone()[0]
    lines_in_file = len(pd.read_csv(next((tiny_landing / "store_pos" / "2025-04-01").glob("*.csv"))))
    assert raw == lines_in_file


def _mart_checksum(conn) -> str:
    return conn.execute("select md5(coalesce(string_agg(t::text, '|' order by t::text), '')) "
                        "from marts.mart_channel_sales_daily t").fetchone()[0]


def test_bad_file_stops_the_run_at_the_gate_and_a_fixed_file_loads(warehouse, manifest, tiny_landing, tmp_path,
                                                                   session_home):
    bad = tmp_path / "landing"
    shutil.copytree(tiny_landing, bad)
    pos = next((bad / "store_pos" / "2025-04-02").glob("*.csv"))
    good_bytes = pos.read_bytes()
    df = pd.read_csv(pos, dtype=str, keep_default_na=False)
    df.loc[1, "quantity"] = "two"
    df.to_csv(pos, index=False)
    cli("run", "--landing", str(tiny_landing), "--date", "2025-04-02")  # a good state BI already reads
    with psycopg.connect(warehouse.url) as conn:
        runs_before = conn.execute("select count(*) from ops.run_summary").fetchone()[0]
        mart_before = _mart_checksum(conn)
        raw_before = conn.execute("select count(*) from raw.store_pos_lines where _business_date = '2025-04-02'"
                                  ).fetchone()[0]

    proc = cli("run", "--landing", str(bad), "--date", "2025-04-02", check=False)
    assert proc.returncode != 0
    assert pos.name in proc.stderr and "quantity" in proc.stderr and "two" in proc.stderr
    with psycopg.connect(warehouse.url) as conn:
        assert conn.execute("select count(*) from ops.run_summary").fetchone()[0] == runs_before  # publish never ran
        assert _mart_checksum(conn) == mart_before  # the marts BI reads are as they were
        assert conn.execute("select count(*) from raw.store_pos_lines where _business_date = '2025-04-02'"
                            ).fetchone()[0] == raw_before  # nothing half-loaded
        status = conn.execute("select status from raw.load_audit where file_name = %s order by audit_id desc "
                              "limit 1", (pos.name,)).fetchone()[0]
        assert status == "quarantined"
    # moved aside with its reason, never deleted
    assert not pos.exists()
    kept = session_home / "quarantine" / "store_pos" / "2025-04-02"
    reasons = list(kept.glob("*.reason.json"))
    assert reasons and any("two" in r.read_text(encoding="utf-8") for r in reasons)

    # the supplier re-delivers a good file: the rerun loads every line exactly once and publishes
    pos.write_bytes(good_bytes)
    cli("run", "--landing", str(bad), "--date", "2025-04-02")
    with psycopg.connect(warehouse.url) as conn:
        raw_after = conn.execute("select count(*) from raw.store_pos_lines where _business_date = '2025-04-02'"
                                 ).fetchone()[0]
        assert conn.execute("select count(*) from ops.run_summary").fetchone()[0] == runs_before + 1
        assert _mart_checksum(conn) == mart_before  # same data, same marts
    assert raw_after == len(pd.read_csv(pos))
