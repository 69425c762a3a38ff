"""Every landing source of a generated world passes its gate and loads into ``raw``, row for row and yen for yen.

One tiny world is generated per module and its last two business dates are gated and loaded once into a
database of its own (so the session's warehouse keeps only what other tests put there). The window
(New Year 2025, seed 1) holds EC and mall returns, POS returns and header-only deltas (goods receipts,
mall buyer links, one mall) as the generator really writes them. The other tests mutate a copy of the
world and run the real gate on one source.
"""
from __future__ import annotations

import csv
import json
import shutil
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest
from psycopg import sql

from ltvzaiko_tasks.ingest.gate import MissingExtractError, QualityGateFailed, gate_source
from ltvzaiko_tasks.ingest.loader import load_source_files
from ltvzaiko_tasks.ingest.sources import (CUSTOMERS, EC_ORDERS, INVENTORY, LOCATIONS, MALL_ICHIBA, MALL_PLAZA,
                                           SOURCES, FileFormat, Source)

START, DAYS = "2024-12-20", 14
DATES = ["2025-01-01", "2025-01-02"]
"""The ingested window: the last two business dates of the generated world."""


# --- fixtures ------------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def world(tmp_path_factory) -> Path:
    from ltvzaiko_tasks.world import generate_landing

    out = tmp_path_factory.mktemp("world") / "landing"
    generate_landing("tiny", seed=1, start=START, days=DAYS, out=out)
    return out


@pytest.fixture(scope="module")
def db_url(warehouse):
    """A database of this module's own in the session's server (the shared one if we may not create one)."""
    name = f"ltvzaiko_ingest_{uuid.uuid4().hex[:8]}"
    admin = psycopg.connect(warehouse.url, autocommit=True)
    try:
        admin.execute(sql.SQL("create database {}").format(sql.Identifier(name)))
    except psycopg.Error:
        admin.close()
        yield warehouse.url
        return
    u = urlsplit(warehouse.url)
    yield urlunsplit(u._replace(path="/" + name))
    admin.execute(sql.SQL("drop database if exists {} with (force)").format(sql.Identifier(name)))
    admin.close()


@pytest.fixture(scope="module")
def conn(db_url):
    with psycopg.connect(db_url) as c:
        yield c


@pytest.fixture(scope="module")
def runner():
    from ltvzaiko_tasks.quality.runner import SuiteRunner

    return SuiteRunner()


@pytest.fixture(scope="module")
def loaded(world, conn, runner, tmp_path_factory):
    """Gate and load every source for ``DATES``, masters first, as the DAG does; outcome per source."""
    landing = tmp_path_factory.mktemp("landing") / "landing"
    shutil.copytree(world, landing)
    work = tmp_path_factory.mktemp("work")
    outcome = {}
    for source in SOURCES.values():
        try:
            gate = gate_source(source, landing, DATES, work / "work", work / "quarantine", conn, run_id="all-sources",
                               runner=runner)
            outcome[source.name] = (gate, load_source_files(conn, source, gate.accepted, run_id="all-sources"))
        except Exception as exc:  # reported by the test of that source
            conn.rollback()
            outcome[source.name] = exc
    return outcome


@pytest.fixture()
def landing(world, tmp_path) -> Path:
    """A fresh copy of the world for a test that changes files."""
    out = tmp_path / "landing"
    shutil.copytree(world, out)
    return out


# --- reading the landing files independently of the ingest code -----------------------------------------------

def file_rows(source: Source, path: Path) -> list[dict]:
    """The data rows of a landing file as canonical dicts ('' for empty), read without the ingest code."""
    if source.file_format is FileFormat.JSONL:
        rows = []
        for line in path.read_text(encoding="utf-8").splitlines():
            rec = json.loads(line)
            head = {("order_tax_jpy" if k == "tax_jpy" else k): v for k, v in rec.items() if k != "lines"}
            rows += [{**head, **ln} for ln in rec["lines"]]
        return [{c: "" if r.get(c) is None else str(r[c]) for c in source.columns} for r in rows]
    encoding = "utf-8" if source.encoding == "utf-8" else source.encoding
    with open(path, newline="", encoding=encoding) as fh:
        reader = csv.reader(fh)
        header = [source.header_map.get(h, h) for h in next(reader)]
        return [dict(zip(header, r)) for r in reader]


def raw_rows(conn, source: Source, business_date: str) -> list[dict]:
    cols = sql.SQL(", ").join(sql.Identifier(c) for c in source.columns)
    cur = conn.execute(sql.SQL("select {} from {} where _business_date = %s").format(
        cols, sql.Identifier("raw", source.raw_table)), (business_date,))
    return [{c: "" if v is None else v for c, v in zip(source.columns, row)} for row in cur]


def yen_columns(source: Source) -> list[str]:
    return [c for c in source.columns if c.endswith("_jpy")]


def _sorted(rows: list[dict], columns) -> list[tuple]:
    return sorted(tuple(r[c] for c in columns) for r in rows)


# --- every source, end to end ----------------------------------------------------------------------------------

def test_every_folder_the_world_writes_is_a_declared_source(world):
    folders = {p.name for p in world.iterdir() if p.is_dir()}
    assert folders == {s.folder for s in SOURCES.values()}
    for path in sorted(p for p in world.rglob("*") if p.is_file()):
        owners = [s.name for s in SOURCES.values()
                  if path.parent.parent.name == s.folder and path in s.files_for(world, path.parent.name)]
        assert len(owners) == 1, f"{path} is matched by {owners}"


def test_masters_are_declared_before_the_sources_that_reference_them():
    order = list(SOURCES)
    for s in SOURCES.values():
        for ref in s.references:
            assert ref.master in SOURCES and SOURCES[ref.master].columns.count(ref.master_column) == 1
            assert order.index(ref.master) < order.index(s.name), (s.name, ref)


@pytest.mark.parametrize("name", list(SOURCES))
def test_source_passes_its_gate_and_loads_every_row(name, loaded, world, conn):
    source = SOURCES[name]
    outcome = loaded[name]
    assert not isinstance(outcome, Exception), f"{name}: {outcome}"
    gate, loads = outcome
    assert gate.quarantined == [] and gate.in_flight == []
    assert [(r.business_date, r.status) for r in loads] == [(d, "loaded") for d in DATES]
    for d, load in zip(DATES, loads):
        files = source.files_for(world, d)
        assert files, f"the world wrote no {name} file for {d}"
        expected = [r for f in files for r in file_rows(source, f)]
        assert load.rows_loaded == len(expected)
        got = raw_rows(conn, source, d)
        assert len(got) == len(expected), f"{name} {d}: {len(got)} rows in raw, {len(expected)} in the file"
        # yen sums reconcile (every *_jpy column, as delivered)
        for c in yen_columns(source):
            assert sum(int(r[c] or 0) for r in got) == sum(int(r[c] or 0) for r in expected), (name, d, c)
        # and so does the content, value for value
        assert _sorted(got, source.columns) == _sorted(expected, source.columns)
        audit = conn.execute("select status, rows_read, rows_loaded, rows_rejected from raw.load_audit "
                             "where source = %s and business_date = %s and run_id = 'all-sources'",
                             (name, d)).fetchall()
        assert audit == [("loaded", len(expected), len(expected), 0)] * len(files)


def test_the_window_holds_returns_and_empty_deltas(loaded, conn):
    """The generated window exercises what the contracts are about (if the world changes, pick another window)."""
    for name in SOURCES:
        assert not isinstance(loaded[name], Exception), f"{name}: {loaded[name]}"
    assert conn.execute("select count(*) from raw.ec_order_lines where record_type = 'return' "
                        "and quantity::int < 0").fetchone()[0] > 0
    assert conn.execute("select count(*) from raw.store_pos_lines where quantity::int < 0").fetchone()[0] > 0
    mall_returns = sum(conn.execute(sql.SQL("select count(*) from {} where order_status = '返品' and quantity::int < 0")
                                    .format(sql.Identifier("raw", SOURCES[m].raw_table))).fetchone()[0]
                       for m in ("mall_ichiba", "mall_bazaar", "mall_plaza"))
    assert mall_returns > 0
    empty = conn.execute("select source, business_date::text from raw.load_audit where run_id = 'all-sources' "
                         "and status = 'loaded' and rows_loaded = 0 order by 1, 2").fetchall()
    assert {s for s, _ in empty} >= {"goods_receipts", "customer_links", "mall_plaza"}
    assert all(SOURCES[s].may_be_empty for s, _ in empty)


def test_ec_lines_repeat_their_order_and_keep_header_totals(loaded, world, conn):
    assert not isinstance(loaded["ec_orders"], Exception)
    for d in DATES:
        records = [json.loads(x) for f in EC_ORDERS.files_for(world, d) for x in f.read_text().splitlines()]
        raw = conn.execute(
            "select sum(items_total_jpy::bigint), sum(order_total_jpy::bigint), sum(refund_total_jpy::bigint), "
            "count(*) from (select distinct record_type, order_id, return_id, items_total_jpy, order_total_jpy, "
            "refund_total_jpy from raw.ec_order_lines where _business_date = %s) r", (d,)).fetchone()
        want = [sum(r.get(k, 0) for r in records) for k in ("items_total_jpy", "order_total_jpy", "refund_total_jpy")]
        assert [v or 0 for v in raw[:3]] == want and raw[3] == len(records)


def test_mall_headers_map_from_cp932_to_canonical_names(loaded, world, conn):
    from ltvzaiko_tasks.world.extracts import malls as world_malls

    for key in ("ichiba", "bazaar", "plaza"):
        source = SOURCES[f"mall_{key}"]
        assert list(source.header_map) == list(world_malls.COLUMNS[key])  # one declared mapping per mall
        assert [source.header_map[h] for h in world_malls.COLUMNS[key]] == list(source.columns)
        assert source.encoding == "cp932"
        cols = [r[0] for r in conn.execute(
            "select column_name from information_schema.columns where table_schema = 'raw' and table_name = %s "
            "order by ordinal_position", (source.raw_table,))]
        assert cols == ["_business_date", "_source_file", *source.columns, "_loaded_at"]
    statuses = {r[0] for r in conn.execute("select distinct order_status from raw.mall_ichiba_order_lines")}
    assert statuses and statuses <= {"発送済", "返品"}  # decoded from CP932, not mojibake
    names = [r[0] for r in conn.execute("select product_name from raw.mall_ichiba_order_lines limit 3")]
    assert names and all(any("\u3040" <= ch <= "\u9fff" for ch in n) for n in names)


# --- file-level contracts: header mapping, empty and missing files --------------------------------------------

def _gate(source, landing, tmp_path, conn, runner, dates=DATES[:1]):
    return gate_source(source, landing, dates, tmp_path / "work", tmp_path / "quarantine", conn,
                       run_id=f"t-{tmp_path.name}", runner=runner)


def _audit(conn, tmp_path):
    return conn.execute("select source, status, file_name, rows_loaded, violations from raw.load_audit "
                        "where run_id = %s order by audit_id", (f"t-{tmp_path.name}",)).fetchall()


def test_mall_file_with_an_unknown_header_is_quarantined_naming_it(landing, conn, runner, tmp_path):
    path = MALL_ICHIBA.files_for(landing, DATES[0])[0]
    path.write_bytes(path.read_bytes().replace("購入者ID".encode("cp932"), "購入者番号".encode("cp932"), 1))
    with pytest.raises(QualityGateFailed) as exc:
        _gate(MALL_ICHIBA, landing, tmp_path, conn, runner)
    assert "header_matches_contract" in str(exc.value) and "購入者番号" in str(exc.value) and path.name in str(exc.value)
    moved = tmp_path / "quarantine" / "mall_ichiba" / DATES[0] / path.name
    reason = json.loads(moved.with_name(moved.name + ".reason.json").read_text(encoding="utf-8"))
    assert reason["violations"][0]["rule"] == "header_matches_contract"
    assert "購入者番号" in reason["violations"][0]["detail"] and "buyer_id" in reason["violations"][0]["detail"]
    assert [a[:3] for a in _audit(conn, tmp_path)] == [("mall_ichiba", "quarantined", path.name)]


def test_mall_file_in_utf8_instead_of_cp932_is_quarantined(landing, conn, runner, tmp_path):
    path = MALL_ICHIBA.files_for(landing, DATES[0])[0]
    path.write_bytes(path.read_bytes().decode("cp932").encode("utf-8"))
    with pytest.raises(QualityGateFailed, match="rule 'encoding'"):
        _gate(MALL_ICHIBA, landing, tmp_path, conn, runner)


@pytest.mark.parametrize("source", [CUSTOMERS, MALL_ICHIBA], ids=lambda s: s.name)
def test_header_only_delta_loads_zero_rows_as_loaded(source, landing, conn, runner, tmp_path):
    path = source.files_for(landing, DATES[0])[0]
    header = path.read_bytes().splitlines(keepends=True)[0]
    path.write_bytes(header)
    gate = _gate(source, landing, tmp_path, conn, runner)
    [load] = load_source_files(conn, source, gate.accepted, run_id=f"t-{tmp_path.name}")
    assert (load.status, load.rows_loaded) == ("loaded", 0)
    assert [a[1:4] for a in _audit(conn, tmp_path)] == [("loaded", path.name, 0)]
    assert conn.execute(sql.SQL("select count(*) from {} where _business_date = %s").format(
        sql.Identifier("raw", source.raw_table)), (DATES[0],)).fetchone()[0] == 0


def test_zero_byte_json_lines_file_is_an_empty_day_of_ec_orders(landing, conn, runner, tmp_path):
    path = EC_ORDERS.files_for(landing, DATES[0])[0]
    path.write_bytes(b"")
    gate = _gate(EC_ORDERS, landing, tmp_path, conn, runner)
    [load] = load_source_files(conn, EC_ORDERS, gate.accepted, run_id=f"t-{tmp_path.name}")
    assert (load.status, load.rows_loaded) == ("loaded", 0)


@pytest.mark.parametrize("source,content,rule", [
    (INVENTORY, "header", "has_rows"),        # a snapshot is never empty
    (CUSTOMERS, "nothing", "file_not_empty"),  # a CSV delta still carries its header
], ids=["header_only_snapshot", "zero_byte_csv_delta"])
def test_empty_file_of_a_source_that_must_have_rows_is_quarantined(source, content, rule, landing, conn, runner,
                                                                    tmp_path):
    path = source.files_for(landing, DATES[0])[0]
    path.write_bytes(path.read_bytes().splitlines(keepends=True)[0] if content == "header" else b"")
    with pytest.raises(QualityGateFailed, match=rf"rule '{rule}'"):
        _gate(source, landing, tmp_path, conn, runner)


def test_missing_optional_source_is_fine(loaded, landing, conn, runner, tmp_path):
    assert not LOCATIONS.required
    shutil.rmtree(landing / LOCATIONS.folder / DATES[0])
    gate = _gate(LOCATIONS, landing, tmp_path, conn, runner, dates=DATES)
    assert [a["business_date"] for a in gate.accepted] == DATES[1:]
    # sources referencing it are still checked, against the latest locations loaded
    _gate(INVENTORY, landing, tmp_path / "ok", conn, runner)
    path = INVENTORY.files_for(landing, DATES[0])[0]
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[1] = "S999" + lines[1][lines[1].index(","):]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(QualityGateFailed, match=r"in_set\(location_code\).*S999"):
        _gate(INVENTORY, landing, tmp_path / "bad", conn, runner)


def test_missing_required_source_fails_clearly(landing, conn, runner, tmp_path):
    assert INVENTORY.required
    shutil.rmtree(landing / INVENTORY.folder / DATES[0])
    with pytest.raises(MissingExtractError) as exc:
        _gate(INVENTORY, landing, tmp_path, conn, runner, dates=DATES)
    message = str(exc.value)
    assert "End-of-day stock on hand" in message and f"inventory/{DATES[0]}/inventory_*.csv" in message
    assert DATES[1] not in message


def test_the_gate_honours_the_flags_of_any_source(landing, conn, runner, tmp_path):
    """The two flags belong to the declaration, not to a source name."""
    from dataclasses import replace

    shutil.rmtree(landing / INVENTORY.folder / DATES[0])
    _gate(replace(INVENTORY, required=False), landing, tmp_path / "a", conn, runner)
    path = INVENTORY.files_for(landing, DATES[1])[0]
    path.write_bytes(path.read_bytes().splitlines(keepends=True)[0])
    gate = _gate(replace(INVENTORY, may_be_empty=True), landing, tmp_path / "b", conn, runner, dates=DATES[1:])
    assert [a["rows"] for a in gate.accepted] == [0]


# --- row rules a retail team expects ---------------------------------------------------------------------------

def _rewrite_ec(path: Path, fn) -> None:
    records = [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines()]
    fn(records)
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")


def _first(records, kind):
    return next(r for r in records if r["record_type"] == kind)


def _flip_return_quantity(records):
    ret = _first(records, "return")
    ret["lines"][0]["quantity"] = abs(ret["lines"][0]["quantity"])


def _bad_payment(records):
    _first(records, "order")["payment_method"] = "bitcoin"


def _order_from_yesterday(records):
    order = _first(records, "order")
    order["ordered_at"] = order["ordered_at"].replace(DATES[1], DATES[0])


def _unknown_coupon(records):
    _first(records, "order")["coupon_code"] = "NOSUCHCOUPON"


def test_ec_row_rules(landing, conn, runner, tmp_path):
    """Each broken rule is named (one gate run over one file broken four ways)."""
    path = EC_ORDERS.files_for(landing, DATES[1])[0]  # this day holds a return and orders
    _rewrite_ec(path, lambda records: [m(records) for m in (_flip_return_quantity, _bad_payment,
                                                             _order_from_yesterday, _unknown_coupon)])
    with pytest.raises(QualityGateFailed) as exc:
        _gate(EC_ORDERS, landing, tmp_path, conn, runner, dates=DATES[1:])
    message = str(exc.value)
    for rule in ("expect_column_values_to_match_regex(quantity) where record_type == 'return'",
                 "expect_column_values_to_be_in_set(payment_method)",
                 "expect_column_values_to_match_regex(ordered_at) where record_type == 'order'",
                 "expect_column_values_to_be_in_set(coupon_code)"):
        assert rule in message
    assert "bitcoin" in message and "NOSUCHCOUPON" in message


def test_mall_return_with_positive_quantity_is_quarantined(landing, conn, runner, tmp_path):
    path = MALL_ICHIBA.files_for(landing, DATES[0])[0]
    lines = path.read_bytes().decode("cp932").split("\r\n")
    header, fields = lines[0].split(","), lines[1].split(",")
    col = {h: i for i, h in enumerate(header)}
    fields[col["注文ステータス"]] = "返品"  # a return row must carry negative 個数 and 小計
    for h in ("個数", "小計"):
        fields[col[h]] = fields[col[h]].lstrip("-")
    lines[1] = ",".join(fields)
    path.write_bytes("\r\n".join(lines).encode("cp932"))
    with pytest.raises(QualityGateFailed) as exc:
        _gate(MALL_ICHIBA, landing, tmp_path, conn, runner)
    assert "(quantity) where order_status == '返品'" in str(exc.value)
    assert "(line_amount_jpy) where order_status == '返品'" in str(exc.value)


def test_personal_data_never_appears_in_a_reason(runner):
    import great_expectations as gx
    import pandas as pd

    frame = pd.DataFrame({"customer_key": ["C00000001"], "email": ["taro@example.com"]})
    verdict = runner.validate(frame, "customers", [gx.expectations.ExpectColumnValuesToMatchRegex(
        column="email", regex=r"^$")], "customers_x.csv", redact_columns=CUSTOMERS.pii)
    assert not verdict.success and "taro" not in str(verdict.violations)


def test_landing_docs_list_every_source_and_raw_table():
    doc = (Path(__file__).resolve().parents[2] / "docs" / "landing_formats.md").read_text(encoding="utf-8")
    for s in SOURCES.values():
        assert f"`{s.folder}`" in doc and f"`raw.{s.raw_table}`" in doc, s.name
