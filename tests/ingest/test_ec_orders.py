"""EC JSON Lines: nested orders and returns become one canonical row per line, streamed, and a bad record is
reported with its line number (no database, no Great Expectations: fast)."""
from __future__ import annotations

import csv
import json
import tracemalloc
from pathlib import Path

import pytest

from ltvzaiko_tasks.ingest.errors import LandingFileError, RecordError
from ltvzaiko_tasks.ingest.flatteners import FLATTENERS, flatten_ec_record
from ltvzaiko_tasks.ingest.readers import LINEAGE_COLUMNS, normalise
from ltvzaiko_tasks.ingest.sources import EC_ORDERS, SOURCES, FileFormat

DATE = "2025-04-02"


def order(n: int = 1, lines: int = 2) -> dict:
    ls = [{"line_no": i, "sku_code": f"BS-TP-0001-KH-{s}", "quantity": 1, "unit_price_jpy": 5489, "discount_jpy": 0,
           "line_amount_jpy": 5489, "tax_jpy": 499} for i, s in zip(range(1, lines + 1), "SML")]
    items = sum(x["line_amount_jpy"] for x in ls)
    return {"record_type": "order", "order_id": f"EC20250402{n:06d}", "ordered_at": "2025-04-02T12:46:52+09:00",
            "customer_id": "E576119712", "fulfilment_location": "EC01", "device": "app",
            "payment_method": "credit_card", "coupon_code": None, "points_multiplier": 1,
            "points_earned": items // 100, "items_total_jpy": items, "discount_total_jpy": 0, "shipping_fee_jpy": 0,
            "order_total_jpy": items, "tax_jpy": 998, "lines": ls}


def a_return() -> dict:
    return {"record_type": "return", "return_id": "RT20250402000001", "order_id": "EC20250328000007",
            "returned_at": "2025-04-02T10:01:00+09:00", "customer_id": "E576119712", "fulfilment_location": "EC01",
            "refund_total_jpy": -10978,
            "lines": [{"line_no": 1, "sku_code": "BS-TP-0001-KH-M", "quantity": -2, "unit_price_jpy": 5489,
                       "discount_jpy": 0, "line_amount_jpy": -10978, "tax_jpy": -998}]}


def write_jsonl(path: Path, records) -> Path:
    path.write_text("".join((r if isinstance(r, str) else json.dumps(r, ensure_ascii=False)) + "\n"
                            for r in records), encoding="utf-8")
    return path


def read_out(path: Path) -> list[dict]:
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_every_json_lines_source_has_a_flattener():
    assert {s.name for s in SOURCES.values() if s.file_format is FileFormat.JSONL} == set(FLATTENERS)


def test_an_order_becomes_one_row_per_line_with_its_header_repeated():
    rows = list(flatten_ec_record(order(lines=2)))
    assert [r["line_no"] for r in rows] == [1, 2]
    for r in rows:
        assert set(r) <= set(EC_ORDERS.columns)
        assert (r["record_type"], r["order_id"], r["payment_method"], r["items_total_jpy"]) == \
            ("order", "EC20250402000001", "credit_card", 10978)
        assert (r["order_tax_jpy"], r["tax_jpy"]) == (998, 499)  # the order's tax and the line's, both kept
        assert "return_id" not in r


def test_a_return_keeps_its_type_and_negative_quantities():
    [r] = flatten_ec_record(a_return())
    assert (r["record_type"], r["return_id"], r["order_id"]) == ("return", "RT20250402000001", "EC20250328000007")
    assert (r["quantity"], r["line_amount_jpy"], r["refund_total_jpy"]) == (-2, -10978, -10978)


@pytest.mark.parametrize("mutate,rule,words", [
    (lambda r: r.update(gift_wrap=True), "json_keys_match_contract", "gift_wrap"),
    (lambda r: r.pop("device"), "json_keys_match_contract", "device"),
    (lambda r: r["lines"][0].update(colour="BK"), "json_keys_match_contract", "colour"),
    (lambda r: r.update(record_type="exchange"), "json_record_type", "exchange"),
    (lambda r: r.update(lines=[]), "json_record_has_lines", "lines"),
    (lambda r: r.update(items_total_jpy=1), "json_record_totals", "items_total_jpy 1"),
    (lambda r: r.update(customer_id={"id": 1}), "json_scalar_values", "customer_id"),
    (lambda r: r["lines"][0].update(sku_code="BS\x00"), "no_nul_bytes", "sku_code"),
])
def test_a_record_off_the_contract_is_refused(mutate, rule, words):
    rec = order()
    mutate(rec)
    with pytest.raises(RecordError) as exc:
        list(flatten_ec_record(rec))
    assert exc.value.rule == rule and words in exc.value.detail


def test_file_normalises_to_canonical_rows(tmp_path):
    path = write_jsonl(tmp_path / "ec_orders_20250402.jsonl", [order(1, 3), a_return(), order(2, 1)])
    nf = normalise(EC_ORDERS, path, DATE, tmp_path / "out.csv", flatten_ec_record)
    rows = read_out(nf.path)
    assert nf.rows == len(rows) == 5
    assert list(rows[0]) == [*LINEAGE_COLUMNS, *EC_ORDERS.columns]
    assert {r["_source_file"] for r in rows} == {path.name} and {r["_business_date"] for r in rows} == {DATE}
    assert sum(int(r["line_amount_jpy"]) for r in rows) == 3 * 5489 - 10978 + 5489
    ret = [r for r in rows if r["record_type"] == "return"]
    assert [r["quantity"] for r in ret] == ["-2"] and ret[0]["ordered_at"] == "" and ret[0]["device"] == ""


def test_every_bad_line_is_reported_with_its_line_number(tmp_path):
    bad_key = order(3)
    bad_key["gift_wrap"] = True
    path = write_jsonl(tmp_path / "ec.jsonl", [order(1), '{"record_type": "order", "order_id": "EC2', order(2),
                                               bad_key, "[1, 2]", order(4)])
    with pytest.raises(LandingFileError) as exc:
        normalise(EC_ORDERS, path, DATE, tmp_path / "out.csv", flatten_ec_record)
    got = {v.rule: (v.count, v.examples) for v in exc.value.violations}
    assert got == {"json_lines_parseable": (2, ["line 2", "line 5"]),
                   "json_keys_match_contract": (1, ["line 4"])}
    assert not (tmp_path / "out.csv").exists()  # no half-written canonical file left behind


def test_a_line_cut_short_by_a_partial_transfer_is_refused(tmp_path):
    text = "".join(json.dumps(order(i)) + "\n" for i in range(1, 4))
    path = tmp_path / "ec.jsonl"
    path.write_text(text[:-40], encoding="utf-8")
    with pytest.raises(LandingFileError) as exc:
        normalise(EC_ORDERS, path, DATE, tmp_path / "out.csv", flatten_ec_record)
    assert [(v.rule, v.examples) for v in exc.value.violations] == [("json_lines_parseable", ["line 3"])]


def test_zero_byte_file_is_an_empty_day(tmp_path):
    path = tmp_path / "ec.jsonl"
    path.write_bytes(b"")
    nf = normalise(EC_ORDERS, path, DATE, tmp_path / "out.csv", flatten_ec_record)
    assert nf.rows == 0 and read_out(nf.path) == []


def test_the_file_is_streamed_not_held_in_memory(tmp_path):
    path = tmp_path / "big.jsonl"
    with open(path, "w", encoding="utf-8") as fh:
        for i in range(1, 8_001):
            fh.write(json.dumps(order(i, 3)) + "\n")
    size = path.stat().st_size
    tracemalloc.start()
    try:
        nf = normalise(EC_ORDERS, path, DATE, tmp_path / "out.csv", flatten_ec_record)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert nf.rows == 24_000
    # a constant working set (1 MiB read buffers, one record), far below the file's size
    assert peak < size / 2, f"peak {peak} bytes for a {size}-byte file"
