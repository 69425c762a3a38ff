"""File names, column names and values from extracts never reach SQL unquoted (SPEC §9).

``tests/ingest/test_bad_input_catalogue.py`` already covers a SQL-shaped POS header (quarantined), a file name full
of shell and SQL metacharacters (loaded) and quoted fields with commas, quotes and newlines (loaded verbatim).
Added here, through the real gate and loader on a database of their own, with the whole catalogue of tables
compared before and after (so "no table was dropped" is checked, not assumed):

- SQL, psycopg-placeholder and COPY-control text as values of every format: the POS CSV, a marketplace's CP932
  file, the EC JSON Lines; each is loaded byte for byte as data;
- a SQL-shaped Japanese header of a marketplace file, and a SQL-shaped key in an EC record: refused by the gate;
- the run id (Airflow's, into the audit) and the business date (the run's conf) as attack vectors.
"""
from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import psycopg
import pytest

from ltvzaiko_tasks.ingest.flatteners import FLATTENERS
from ltvzaiko_tasks.ingest.gate import QualityGateFailed, gate_source
from ltvzaiko_tasks.ingest.loader import load_source_files
from ltvzaiko_tasks.ingest.sources import EC_ORDERS, MALL_ICHIBA, STORE_POS
from ltvzaiko_tasks.stages.run_context import resolve_window

DATE = "2025-04-02"
HOSTILE = [
    "x'); drop table raw.store_pos_lines; --",
    '"; drop table raw.load_audit; --',
    "$$; drop schema raw cascade; $$",
    "%s %(x)s {0} {sku_code} \\x00 \\N",
    "line one\n\\.\nafter the end-of-data marker",  # COPY's end-of-data marker alone on a line, inside a value
    "');\tdelete from raw.load_audit where true; select ('",
]


def catalogue(conn) -> set[str]:
    return {r[0] for r in conn.execute(
        "select table_schema || '.' || table_name from information_schema.tables "
        "where table_schema not in ('pg_catalog', 'information_schema')")}


@pytest.fixture()
def landing(tiny_landing, tmp_path) -> Path:
    out = tmp_path / "landing"
    shutil.copytree(tiny_landing, out)
    return out


@pytest.fixture(scope="module")
def baseline(scratch_db, tiny_landing, tmp_path_factory):
    """A first clean load of the day before, so every raw table the tests touch exists (and could be dropped)."""
    work = tmp_path_factory.mktemp("baseline")
    with psycopg.connect(scratch_db) as c:
        for source in (STORE_POS, MALL_ICHIBA, EC_ORDERS):
            result = gate_source(source, tiny_landing, ["2025-04-01"], work / source.name, work / "quarantine", c,
                                 run_id="baseline", flatteners=FLATTENERS)
            assert [r.status for r in load_source_files(c, source, result.accepted, run_id="baseline")] == ["loaded"]
    return scratch_db


@pytest.fixture()
def conn(baseline):
    with psycopg.connect(baseline) as c:
        yield c


def gate_and_load(source, landing, conn, tmp_path, run_id="injection"):
    result = gate_source(source, landing, [DATE], tmp_path / "work", tmp_path / "quarantine", conn, run_id=run_id,
                         flatteners=FLATTENERS)
    return result, load_source_files(conn, source, result.accepted, run_id=run_id)


def rewrite_csv(path: Path, encoding: str, fn) -> None:
    rows = list(csv.reader(io.StringIO(path.read_bytes().decode(encoding), newline="")))
    out = io.StringIO(newline="")
    csv.writer(out, lineterminator="\n").writerows(fn(rows))
    path.write_bytes(out.getvalue().encode(encoding))


def test_hostile_values_in_a_csv_are_loaded_as_data(landing, conn, tmp_path):
    path = next((landing / "store_pos" / DATE).glob("*.csv"))
    card = STORE_POS.columns.index("member_card_id")

    def plant(rows):
        for row, value in zip(rows[1:], HOSTILE):
            row[card] = value
        return rows

    rewrite_csv(path, "utf-8", plant)
    lines = len(list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))) - 1
    before = catalogue(conn)
    result, loads = gate_and_load(STORE_POS, landing, conn, tmp_path)
    assert [a["rows"] for a in result.accepted] == [lines]
    assert [(r.status, r.rows_loaded) for r in loads] == [("loaded", lines)]  # not cut short at a marker
    stored = {r[0] for r in conn.execute("select member_card_id from raw.store_pos_lines where _business_date = %s",
                                         (DATE,))}
    assert set(HOSTILE) <= stored  # byte for byte
    assert catalogue(conn) == before
    assert conn.execute("select count(*) from raw.load_audit where run_id = 'baseline'").fetchone()[0] > 0


def test_hostile_values_in_a_cp932_marketplace_file_are_loaded_as_data(landing, conn, tmp_path):
    path = next((landing / "mall_ichiba" / DATE).glob("*.csv"))
    name_col = 6  # 商品名 (product_name)
    value = "定番デニム'); drop table raw.mall_ichiba_order_lines; -- \"商品\" $$ %s"
    rewrite_csv(path, "cp932", lambda rows: [rows[0], *[r[:name_col] + [value] + r[name_col + 1:] for r in rows[1:]]])
    before = catalogue(conn)
    _, loads = gate_and_load(MALL_ICHIBA, landing, conn, tmp_path)
    assert loads[0].status == "loaded" and loads[0].rows_loaded > 0
    assert conn.execute("select distinct product_name from raw.mall_ichiba_order_lines where _business_date = %s",
                        (DATE,)).fetchall() == [(value,)]
    assert catalogue(conn) == before


def test_hostile_values_in_json_lines_are_loaded_as_data(landing, conn, tmp_path):
    path = next((landing / "ec_orders" / DATE).glob("*.jsonl"))
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    planted = {}
    for i, (record, value) in enumerate(zip(records, HOSTILE)):
        record["order_id"] = f"EC{i}-{value}"
        planted[record["order_id"]] = len(record["lines"])
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    before = catalogue(conn)
    _, loads = gate_and_load(EC_ORDERS, landing, conn, tmp_path)
    assert loads[0].status == "loaded"
    got = dict(conn.execute("select order_id, count(*) from raw.ec_order_lines where _business_date = %s "
                            "and order_id = any(%s) group by 1", (DATE, list(planted))).fetchall())
    assert got == planted
    assert catalogue(conn) == before


def test_a_sql_shaped_japanese_header_is_refused_and_nothing_runs(landing, conn, tmp_path):
    path = next((landing / "mall_ichiba" / DATE).glob("*.csv"))
    evil = '商品名"); drop table raw.mall_ichiba_order_lines; --'
    rewrite_csv(path, "cp932", lambda rows: [[evil if h == "商品名" else h for h in rows[0]], *rows[1:]])
    before = catalogue(conn)
    with pytest.raises(QualityGateFailed, match="header"):
        gate_and_load(MALL_ICHIBA, landing, conn, tmp_path)
    assert catalogue(conn) == before
    reason = json.loads(next((tmp_path / "quarantine").rglob("*.reason.json")).read_text(encoding="utf-8"))
    assert "drop table raw.mall_ichiba_order_lines" in json.dumps(reason, ensure_ascii=False)  # reported, as text


def test_a_sql_shaped_key_in_a_json_record_is_refused_and_nothing_runs(landing, conn, tmp_path):
    path = next((landing / "ec_orders" / DATE).glob("*.jsonl"))
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    records[0]['coupon_code", null); drop table raw.ec_order_lines; --'] = "x"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    before = catalogue(conn)
    with pytest.raises(QualityGateFailed):
        gate_and_load(EC_ORDERS, landing, conn, tmp_path)
    assert catalogue(conn) == before


def test_run_ids_and_business_dates_are_data_too(landing, conn, tmp_path):
    run_id = "manual__2025-04-02'); drop table raw.load_audit; --"
    before = catalogue(conn)
    _, loads = gate_and_load(STORE_POS, landing, conn, tmp_path, run_id=run_id)
    assert conn.execute("select count(*) from raw.load_audit where run_id = %s", (run_id,)).fetchone()[0] >= 1
    assert catalogue(conn) == before
    # a run's conf names its dates; anything but a date is refused before any task touches the warehouse
    for conf in ({"business_date": "2025-04-02'; drop table raw.load_audit; --"},
                 {"date_from": "2025-04-01", "date_to": "2025-04-02 or 1=1"}):
        with pytest.raises(ValueError, match="YYYY-MM-DD"):
            resolve_window(conf, None)
