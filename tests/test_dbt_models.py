"""The dbt warehouse on a generated world, without Airflow: staging → intermediate → marts, once per module.

A tiny world over New Year 2025 (store, EC and mall sales and returns, campaigns, customer links) is loaded
into ``raw`` of a database of this module's own with the ingest stage's reader and loader, then
``dbt build`` runs in-process (dbt's Python runner) with its models, data tests and unit tests — except the
decision marts, which read the Python model stages' tables. The tests then check the warehouse from the
outside: per-channel totals against the landing files to the yen, no personal data past staging, reruns of
a date that do not duplicate, the unknown members, and the columns the Python stages read.
"""
from __future__ import annotations

import os
import re
import shutil
import uuid
from dataclasses import asdict
from pathlib import Path
from urllib.parse import unquote, urlsplit, urlunsplit

import pandas as pd
import psycopg
import pytest
from psycopg import sql

from test_end_to_end import _file_totals, _mart_totals

REPO = Path(__file__).resolve().parents[1]
DBT_DIR = REPO / "dbt_project"
START, DAYS = "2024-12-20", 14
DATES = [str(d.date()) for d in pd.date_range(START, periods=DAYS)]

PII_WORDS = ("name", "kana", "email", "mail", "phone", "tel", "address", "birth", "postal", "zip")
"""No column of the intermediate layer or a mart may be named like personal data (SPEC §9)."""
PII_VALUE = re.compile(r"[^@\s]+@[^@\s]+\.[a-z]{2,}|\b0\d{1,3}-\d{2,4}-\d{4}\b")
"""An e-mail address or a Japanese phone number, as the customer extract writes them."""

PYTHON_STAGE_COLUMNS = {
    # what ltvzaiko_tasks/stages/* read from the intermediate layer
    "int_customer_daily": {"customer_key", "sales_date", "orders", "net_sales_jpy", "gross_profit_jpy"},
    "int_demand_daily": {"sku_id", "location_id", "style_id", "sales_date", "units_sold", "stockout_flag",
                         "on_hand_units"},
    "int_inventory_position": {"sku_id", "location_id", "item_type", "on_hand_units", "on_order_units",
                               "unit_cost_jpy", "list_price_jpy", "case_pack", "moq", "lead_time_mean_days",
                               "lead_time_sd_days", "season_end"},
    "int_sales_lines": {"customer_key", "sku_id", "style_id", "sales_date", "quantity", "net_sales_jpy",
                        "gross_profit_jpy"},
}


# --- fixtures ------------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def world(tmp_path_factory) -> Path:
    from ltvzaiko_tasks.world import generate_landing

    out = tmp_path_factory.mktemp("dbt_world") / "landing"
    generate_landing("tiny", seed=1, start=START, days=DAYS, out=out)
    return out


@pytest.fixture(scope="module")
def db_url(warehouse):
    """A database of this module's own, so its marts_build never meets the session's publish tests."""
    name = f"ltvzaiko_dbt_{uuid.uuid4().hex[:8]}"
    admin = psycopg.connect(warehouse.url, autocommit=True)
    try:
        admin.execute(sql.SQL("create database {}").format(sql.Identifier(name)))
    except psycopg.Error:
        admin.close()
        pytest.skip("needs a warehouse user that may create a database")
    u = urlsplit(warehouse.url)
    yield urlunsplit(u._replace(path="/" + name))
    admin.execute(sql.SQL("drop database if exists {} with (force)").format(sql.Identifier(name)))
    admin.close()


@pytest.fixture(scope="module")
def conn(db_url):
    with psycopg.connect(db_url, autocommit=True) as c:
        yield c


def load_raw(db_url: str, landing: Path, dates: list[str], work: Path, only: set[str] | None = None) -> None:
    """Read and COPY the landing files into raw the way the ingest stage does (the files are the generator's own,
    so the quality gate, tested elsewhere, is skipped)."""
    from ltvzaiko_tasks.ingest.flatteners import FLATTENERS
    from ltvzaiko_tasks.ingest.loader import load_source_files
    from ltvzaiko_tasks.ingest.readers import normalise
    from ltvzaiko_tasks.ingest.sources import SOURCES

    with psycopg.connect(db_url) as c:
        for source in SOURCES.values():
            if only and source.name not in only:
                continue
            accepted = []
            for d in dates:
                for path in source.files_for(landing, d):
                    nf = normalise(source, path, d, work / source.name / d / (path.name + ".csv"),
                                   FLATTENERS.get(source.name))
                    accepted.append({k: str(v) if isinstance(v, Path) else v for k, v in asdict(nf).items()})
            load_source_files(c, source, accepted, run_id="test-dbt-models")


@pytest.fixture(scope="module")
def dbt(db_url, tmp_path_factory):
    """``dbt <args>`` in-process against this module's database; private target and log paths."""
    from dbt.cli.main import dbtRunner

    u = urlsplit(db_url)
    env = {"LTVZAIKO_DBT_HOST": u.hostname or "127.0.0.1", "LTVZAIKO_DBT_PORT": str(u.port or 5432),
           "LTVZAIKO_DBT_USER": unquote(u.username or ""), "LTVZAIKO_DBT_PASSWORD": unquote(u.password or ""),
           "LTVZAIKO_DBT_DBNAME": u.path.lstrip("/"), "DBT_SEND_ANONYMOUS_USAGE_STATS": "False"}
    out = tmp_path_factory.mktemp("dbt")

    def run(*args: str):
        saved = {k: os.environ.get(k) for k in env}
        os.environ.update(env)
        try:
            res = dbtRunner().invoke([*args, "--project-dir", str(DBT_DIR), "--profiles-dir", str(DBT_DIR),
                                      "--target-path", str(out / "target"), "--log-path", str(out / "logs"),
                                      "--quiet"])
        finally:
            for k, v in saved.items():
                os.environ.pop(k, None) if v is None else os.environ.__setitem__(k, v)
        if res.exception is not None:
            raise res.exception
        failed = [f"{r.node.unique_id}: {r.status} {r.message}" for r in (res.result or [])
                  if str(r.status) not in ("success", "pass")]
        assert res.success and not failed, "dbt " + " ".join(args) + " failed:\n" + "\n".join(failed)
        return res

    return run


@pytest.fixture(scope="module")
def built(world, db_url, dbt, tmp_path_factory):
    load_raw(db_url, world, DATES, tmp_path_factory.mktemp("work"))
    return dbt("build", "--exclude", "path:models/marts/decisions")


def _rows(conn, query, params=None):
    return conn.execute(query, params).fetchall()


# --- tests ---------------------------------------------------------------------------------------------------

def test_build_runs_every_model_with_its_data_and_unit_tests(built, conn):
    kinds: dict[str, int] = {}
    for r in built.result:
        kind = str(getattr(r.node.resource_type, "value", r.node.resource_type))
        kinds[kind] = kinds.get(kind, 0) + 1
    assert kinds.get("unit_test", 0) >= 3 and kinds.get("test", 0) >= 100 and kinds.get("model", 0) >= 30
    for schema, table in [("marts_build", "mart_channel_sales_daily"), ("marts_build", "mart_sell_through"),
                          ("marts_build", "mart_inventory_health"), ("marts_build", "mart_campaign_effect"),
                          ("intermediate", "int_sales_lines"), ("intermediate", "int_demand_daily")]:
        assert _rows(conn, sql.SQL("select count(*) from {}").format(sql.Identifier(schema, table)))[0][0] > 0, table


def test_channel_totals_reconcile_to_the_landing_files_to_the_yen(built, conn, world):
    expected = _file_totals(world, DATES)
    got = _mart_totals(conn, schema="marts_build")
    assert {c for _, c in expected.index} == {"store", "ec", "mall"}
    assert list(got.index) == list(expected.index)
    pd.testing.assert_frame_equal(got, expected[["units", "net_sales", "gross"]], check_dtype=False)
    # the window holds returns in every channel, netted in those totals
    returns = dict(_rows(conn, "select channel, sum(returned_units) from marts_build.mart_channel_sales_daily "
                               "group by 1"))
    assert all(returns[c] > 0 for c in ("store", "ec", "mall")), returns


def test_no_personal_data_past_staging(built, conn):
    columns = _rows(conn, "select table_schema, table_name, column_name from information_schema.columns "
                          "where table_schema in ('intermediate', 'marts_build')")
    assert columns
    bad = [c for c in columns if any(w in c[2].lower() for w in PII_WORDS)]
    assert not bad, f"columns named like personal data: {bad}"
    # staging keeps the master's labels but none of the customer extract's personal columns
    from ltvzaiko_tasks.ingest.sources import CUSTOMERS

    staged = {r[0] for r in _rows(conn, "select column_name from information_schema.columns "
                                        "where table_schema = 'staging'")}
    assert not staged & {*CUSTOMERS.pii, "birth_year", "member_card_id", "ec_customer_id", "buyer_id"}
    # and no value anywhere past staging looks like an e-mail address or a phone number
    for schema, table, column in _rows(conn, "select table_schema, table_name, column_name "
                                             "from information_schema.columns where data_type = 'text' "
                                             "and table_schema in ('staging', 'intermediate', 'marts_build')"):
        values = _rows(conn, sql.SQL("select distinct {c} from {t} where {c} like %s or {c} ~ %s limit 5").format(
            c=sql.Identifier(column), t=sql.Identifier(schema, table)), ("%@%", r"\d+-\d+-\d+"))
        assert not [v for (v,) in values if v and PII_VALUE.search(v)], (schema, table, column, values)


def test_dimensions_carry_the_unknown_member(built, conn):
    for dim, key in [("dim_sku", "sku_id"), ("dim_style", "style_id"), ("dim_location", "location_id"),
                     ("dim_customer", "customer_key"), ("dim_campaign", "campaign_id")]:
        assert _rows(conn, sql.SQL("select is_unknown from {} where {} = 'UNKNOWN'").format(
            sql.Identifier("intermediate", dim), sql.Identifier(key))) == [(True,)], dim
    holidays = dict(_rows(conn, "select date_day::text, holiday_ja from intermediate.dim_date "
                                "where date_day in ('2025-01-01', '2025-01-13') and is_jp_holiday"))
    assert holidays == {"2025-01-01": "元日", "2025-01-13": "成人の日"}


def test_intermediate_tables_offer_what_the_python_stages_read(built, conn):
    for table, wanted in PYTHON_STAGE_COLUMNS.items():
        have = {r[0] for r in _rows(conn, "select column_name from information_schema.columns "
                                          "where table_schema = 'intermediate' and table_name = %s", (table,))}
        assert wanted <= have, (table, wanted - have)
    # one row per identified customer and day, returns netted; stock-outs flagged where nothing was on hand
    assert _rows(conn, "select count(*) from intermediate.int_customer_daily where customer_key is null") == [(0,)]
    assert _rows(conn, "select count(*) from intermediate.int_demand_daily "
                       "where stockout_flag <> (on_hand_units = 0)") == [(0,)]
    assert _rows(conn, "select count(distinct as_of_date), max(as_of_date)::text "
                       "from intermediate.int_inventory_position") == [(1, DATES[-1])]


def test_customers_resolve_across_channels(built, conn):
    share = dict(_rows(conn, "select channel, round(avg((customer_key is not null)::int), 2)::float "
                             "from intermediate.int_sales_lines group by 1"))
    assert share["ec"] == 1.0  # every EC order carries its account
    assert 0 < share["store"] < 1 and 0 < share["mall"] < 1  # walk-ins and unlinked mall buyers stay anonymous


def _line_counts(conn) -> dict[str, int]:
    return dict(_rows(conn, "select sales_date::text, count(*) from intermediate.int_sales_lines group by 1"))


def test_rerunning_or_reloading_a_date_does_not_duplicate(built, conn, db_url, dbt, world, tmp_path):
    before = _line_counts(conn)
    demand_before = _rows(conn, "select count(*) from intermediate.int_demand_daily")[0][0]
    day = DATES[-3]
    # a rerun of a date: its lines are deleted and inserted again, never doubled
    dbt("run", "--select", "int_sales_lines", "int_demand_daily", "--vars", f"{{rebuild_from: '{day}'}}")
    assert _line_counts(conn) == before
    assert _rows(conn, "select count(*) from intermediate.int_demand_daily")[0][0] == demand_before
    assert _rows(conn, "select count(*) - count(distinct sales_line_id) from intermediate.int_sales_lines") == [(0,)]

    # the supplier re-delivers that day's POS file without its last receipt: the next incremental build
    # picks the reloaded date from the load audit and replaces its lines
    landing = tmp_path / "landing"
    shutil.copytree(world / "store_pos" / day, landing / "store_pos" / day)
    pos = next((landing / "store_pos" / day).glob("*.csv"))
    df = pd.read_csv(pos, dtype=str, keep_default_na=False)
    last = df["receipt_no"].iloc[-1]
    df[df["receipt_no"] != last].to_csv(pos, index=False)
    load_raw(db_url, landing, [day], tmp_path / "work", only={"store_pos"})
    dbt("run", "--select", "int_sales_lines")
    after = _line_counts(conn)
    assert after[day] == before[day] - int((df["receipt_no"] == last).sum())
    assert {d: n for d, n in after.items() if d != day} == {d: n for d, n in before.items() if d != day}
    kept = int((df["receipt_no"] != last).sum())
    assert _rows(conn, "select count(*) from intermediate.int_sales_lines where business_date = %s "
                       "and channel = 'store'", (day,)) == [(kept,)]
