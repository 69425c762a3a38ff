"""The catalogue of bad landing input (issue 4): each kind has a documented outcome.

Every case runs the real gate (file checks + Great Expectations) against the session's PostgreSQL and
counts rows in and out: a bad file is quarantined byte for byte with a reason naming the rule, audited,
and nothing of it reaches ``raw``; a good-but-unusual file loads every row.
"""
from __future__ import annotations

import hashlib
import json
import shutil
import zipfile
from pathlib import Path

import psycopg
import pytest

from ltvzaiko_tasks.ingest.gate import MissingExtractError, QualityGateFailed, gate_source
from ltvzaiko_tasks.ingest.loader import load_source_files
from ltvzaiko_tasks.ingest.sources import STORE_POS

DATE = "2025-04-02"


@pytest.fixture()
def landing(tiny_landing, tmp_path) -> Path:
    out = tmp_path / "landing"
    shutil.copytree(tiny_landing, out)
    return out


@pytest.fixture()
def conn(warehouse):
    with psycopg.connect(warehouse.url) as c:
        yield c


def pos_file(landing: Path) -> Path:
    return next((landing / "store_pos" / DATE).glob("pos_lines_*.csv"))


def run_gate(landing, conn, tmp_path):
    return gate_source(STORE_POS, landing, [DATE], tmp_path / "work", tmp_path / "quarantine", conn,
                       run_id=f"test-{tmp_path.name}")


def raw_count(conn) -> int:
    exists = conn.execute("select to_regclass('raw.store_pos_lines')").fetchone()[0]
    if not exists:
        return 0
    return conn.execute("select count(*) from raw.store_pos_lines where _source_file like %s",
                        (f"%{DATE.replace('-', '')}%",)).fetchone()[0]


def assert_quarantined(landing, conn, tmp_path, rule_fragment: str, mutate):
    path = pos_file(landing)
    mutate(path)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    before = raw_count(conn)
    with pytest.raises(QualityGateFailed) as exc:
        run_gate(landing, conn, tmp_path)
    message = str(exc.value)
    assert path.name in message and rule_fragment in message
    assert not path.exists()  # moved out of the landing zone ...
    moved = tmp_path / "quarantine" / "store_pos" / DATE / path.name
    assert hashlib.sha256(moved.read_bytes()).hexdigest() == digest  # ... byte for byte, never deleted
    reason = json.loads(moved.with_name(moved.name + ".reason.json").read_text())
    assert any(rule_fragment in v["rule"] for v in reason["violations"])
    assert reason["sha256"] == digest
    audit = conn.execute("select status, file_name, violations from raw.load_audit where run_id = %s",
                         (f"test-{tmp_path.name}",)).fetchall()
    assert [(a[0], a[1]) for a in audit] == [("quarantined", path.name)]
    assert raw_count(conn) == before  # nothing half-loaded
    return reason


def rewrite(path: Path, fn):
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join(fn(lines)) + "\n", encoding="utf-8")


def set_field(line: str, index: int, value: str) -> str:
    parts = line.split(",")
    parts[index] = value
    return ",".join(parts)


COL = {c: i for i, c in enumerate(STORE_POS.columns)}

BAD_CASES = {
    "wrong_encoding": ("encoding", lambda p: _shift_jis_instead_of_utf8(p)),
    "missing_column": ("header_matches_contract", lambda p: rewrite(p, lambda ls: [",".join(l.split(",")[:-1]) for l in ls])),
    "extra_column": ("header_matches_contract", lambda p: rewrite(p, lambda ls: [ls[0] + ",note"] + [l + ",x" for l in ls[1:]])),
    "renamed_column": ("header_matches_contract", lambda p: rewrite(p, lambda ls: [ls[0].replace("quantity", "qty")] + ls[1:])),
    "empty_file": ("file_not_empty", lambda p: p.write_bytes(b"")),
    "header_only": ("has_rows", lambda p: rewrite(p, lambda ls: ls[:1])),
    "truncated_last_line": ("field_count", lambda p: p.write_text(p.read_text(encoding="utf-8").rstrip("\n")[:-40],
                                                                   encoding="utf-8")),
    "unparseable_dates": ("sold_at", lambda p: rewrite(p, lambda ls: ls[:1] + [set_field(ls[1], COL["sold_at"], "01/04/2025 10:00")] + ls[2:])),
    "timestamp_outside_business_date": ("sold_at", lambda p: rewrite(p, lambda ls: ls[:1] + [set_field(ls[1], COL["sold_at"], "2025-03-30 10:00:00")] + ls[2:])),
    "negative_price": ("unit_price_jpy", lambda p: rewrite(p, lambda ls: ls[:1] + [set_field(ls[1], COL["unit_price_jpy"], "-3289")] + ls[2:])),
    "non_numeric_quantity": ("quantity", lambda p: rewrite(p, lambda ls: ls[:1] + [set_field(ls[1], COL["quantity"], "two")] + ls[2:])),
    "duplicate_line_keys": ("compound_columns_to_be_unique", lambda p: rewrite(p, lambda ls: ls + [ls[1]])),
    "unknown_sku": ("sku_code", lambda p: rewrite(p, lambda ls: ls[:1] + [set_field(ls[1], COL["sku_code"], "NOPE-XX-L")] + ls[2:])),
    "unknown_store": ("store_code", lambda p: rewrite(p, lambda ls: ls[:1] + [set_field(ls[1], COL["store_code"], "S999")] + ls[2:])),
    "nul_bytes": ("no_nul_bytes", lambda p: p.write_bytes(p.read_bytes().replace(b"\n", b"\x00\x00\n", 3))),
    "enormous_field": ("field_size", lambda p: rewrite(p, lambda ls: ls[:1] + [set_field(ls[1], COL["member_card_id"], "A" * 200_000)] + ls[2:])),
    "header_sql_injection": ("header_matches_contract", lambda p: rewrite(
        p, lambda ls: [ls[0].replace("sku_code", 'sku_code"); drop table raw.store_pos_lines; --')] + ls[1:])),
    "zip_in_disguise": ("plain_text_file", lambda p: _zip_over(p)),
    "unquoted_comma_shifts_fields": ("field_count", lambda p: rewrite(p, lambda ls: ls[:1] + [ls[1].replace(",", ",,", 1)] + ls[2:])),
}


def _shift_jis_instead_of_utf8(p: Path):
    """A CP932 (Shift_JIS) file where UTF-8 is the contract: its Japanese text is not valid UTF-8."""
    lines = p.read_text(encoding="utf-8").splitlines()
    lines[1] += "会員"
    p.write_bytes(("\n".join(lines) + "\n").encode("cp932"))


def _zip_over(p: Path):
    data = p.read_bytes()
    with zipfile.ZipFile(p, "w") as z:
        z.writestr("pos.csv", data)


@pytest.mark.parametrize("case", sorted(BAD_CASES))
def test_bad_file_is_quarantined_with_its_rule(case, landing, conn, tmp_path):
    rule, mutate = BAD_CASES[case]
    assert_quarantined(landing, conn, tmp_path, rule, mutate)


def test_raw_table_survives_injection_attempt(landing, conn, tmp_path):
    assert_quarantined(landing, conn, tmp_path, "header_matches_contract", BAD_CASES["header_sql_injection"][1])
    conn.execute("select count(*) from raw.load_audit")  # still there


def _gate_and_load(landing, conn, tmp_path):
    result = run_gate(landing, conn, tmp_path)
    return result, load_source_files(conn, STORE_POS, result.accepted, run_id=f"test-{tmp_path.name}")


def _data_lines(path: Path, encoding="utf-8-sig") -> int:
    import csv

    with open(path, newline="", encoding=encoding) as fh:
        return sum(1 for _ in csv.reader(fh)) - 1


@pytest.mark.parametrize("variant", ["bom", "crlf", "quoted_fields", "metacharacter_file_name"])
def test_unusual_but_valid_files_load_every_row(variant, landing, conn, tmp_path):
    path = pos_file(landing)
    if variant == "bom":
        path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    elif variant == "crlf":
        path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
    elif variant == "quoted_fields":
        rewrite(path, lambda ls: ls[:1] + [set_field(ls[1], COL["member_card_id"], '"M1,\nsecond ""line"""')] + ls[2:])
    elif variant == "metacharacter_file_name":
        weird = path.with_name("pos_lines_20250402 ;rm -rf ~ $(id) `x` 'x'; drop table raw.load_audit;--.csv")
        path.rename(weird)
        path = weird
    expected = _data_lines(path)
    result, loads = _gate_and_load(landing, conn, tmp_path)
    assert [a["rows"] for a in result.accepted] == [expected]
    assert loads[0].rows_loaded == expected and loads[0].status == "loaded"
    assert conn.execute("select count(*) from raw.store_pos_lines where _business_date = %s", (DATE,)).fetchone()[0] \
        == expected
    assert conn.execute("select count(*) from raw.store_pos_lines where _source_file = %s",
                        (path.name,)).fetchone()[0] == expected
    assert conn.execute("select to_regclass('raw.load_audit')").fetchone()[0] is not None
    if variant == "quoted_fields":
        assert conn.execute("select count(*) from raw.store_pos_lines where member_card_id = %s",
                            ('M1,\nsecond "line"',)).fetchone()[0] == 1


def test_file_still_being_written_is_left_alone(landing, conn, tmp_path):
    path = pos_file(landing)
    partial = path.with_name(path.name + ".part")
    path.rename(partial)
    with pytest.raises(MissingExtractError, match=r"still being written"):
        run_gate(landing, conn, tmp_path)
    assert partial.exists()  # not moved, not quarantined: the sender is not done
    assert not (tmp_path / "quarantine").exists()


def test_same_file_twice_loads_once_and_a_new_version_replaces_the_date(landing, conn, tmp_path):
    path = pos_file(landing)
    rewrite(path, lambda ls: ls[:-2])  # a version no other test loaded (the same bytes would be "unchanged")
    expected = _data_lines(path)
    _, first = _gate_and_load(landing, conn, tmp_path / "a")
    _, second = _gate_and_load(landing, conn, tmp_path / "b")
    assert (first[0].status, second[0].status) == ("loaded", "unchanged")
    assert conn.execute("select count(*) from raw.store_pos_lines where _business_date = %s", (DATE,)).fetchone()[0] \
        == expected
    rewrite(path, lambda ls: ls[:-1])  # a corrected delivery with one line fewer
    _, third = _gate_and_load(landing, conn, tmp_path / "c")
    assert third[0].status == "loaded"
    assert conn.execute("select count(*) from raw.store_pos_lines where _business_date = %s", (DATE,)).fetchone()[0] \
        == expected - 1


def test_broken_json_line_names_the_line(tmp_path):
    from ltvzaiko_tasks.ingest.errors import LandingFileError
    from ltvzaiko_tasks.ingest.readers import normalise
    from ltvzaiko_tasks.ingest.sources import FileFormat, Source

    src = Source(name="orders", folder="orders", pattern="*.jsonl", raw_table="orders", columns=("order_id", "sku"),
                 description="test orders", file_format=FileFormat.JSONL)

    def flatten(rec):
        for line in rec["lines"]:
            yield {"order_id": rec["order_id"], "sku": line["sku"]}

    good = tmp_path / "o.jsonl"
    good.write_text('{"order_id": "A", "lines": [{"sku": "x"}, {"sku": "y"}]}\n{"order_id": "B", "lines": []}\n')
    assert normalise(src, good, DATE, tmp_path / "o.csv", flatten).rows == 2
    bad = tmp_path / "b.jsonl"
    bad.write_text('{"order_id": "A", "lines": [{"sku": "x"}]}\n{"order_id": "B", "lines": [\n')
    with pytest.raises(LandingFileError) as exc:
        normalise(src, bad, DATE, tmp_path / "b.csv", flatten)
    assert exc.value.violations[0].rule == "json_lines_parseable"
    assert exc.value.violations[0].examples == ["line 2"]
