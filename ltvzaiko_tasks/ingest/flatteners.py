"""Turn one JSON Lines record into canonical rows, for sources delivered as JSON Lines.

Maps source name → function(record: dict) -> iterable of dicts keyed by the source's columns. The reader
calls it once per line of the file, so a file is streamed, never held in memory. A record that breaks the
documented shape raises :class:`~ltvzaiko_tasks.ingest.errors.RecordError`; the reader reports it with its
line number and the file is quarantined.
"""
from __future__ import annotations

from collections.abc import Iterator

from .errors import RecordError
from .sources import EC_LINE, EC_ORDERS

# The documented keys of each EC record type (docs/formats/ec_orders.md), in file order.
EC_ORDER_KEYS = ("record_type", "order_id", "ordered_at", "customer_id", "fulfilment_location", "device",
                 "payment_method", "coupon_code", "points_multiplier", "points_earned", "items_total_jpy",
                 "discount_total_jpy", "shipping_fee_jpy", "order_total_jpy", "tax_jpy", "lines")
EC_RETURN_KEYS = ("record_type", "return_id", "order_id", "returned_at", "customer_id", "fulfilment_location",
                  "refund_total_jpy", "lines")
EC_HEADER_RENAMES = {"tax_jpy": "order_tax_jpy"}
"""Record-level keys whose name a line key also uses: the header's tax is the whole order's, lines carry their own."""
EC_TOTAL_KEY = {"order": "items_total_jpy", "return": "refund_total_jpy"}
"""The record-level total that must equal the sum of the record's line amounts."""


def _check_keys(obj: dict, expected: tuple[str, ...], what: str) -> None:
    missing = [k for k in expected if k not in obj]
    extra = [k for k in obj if k not in expected]
    if missing or extra:
        raise RecordError("json_keys_match_contract",
                          f"{what} must have the keys {list(expected)}; missing {missing}, unexpected {extra[:10]}")


def _scalar(value, key: str, what: str):
    if isinstance(value, (dict, list)):
        raise RecordError("json_scalar_values", f"{what} key {key!r} must hold a single value, not a JSON "
                          f"{'object' if isinstance(value, dict) else 'array'}")
    if isinstance(value, str) and "\x00" in value:
        raise RecordError("no_nul_bytes", f"{what} key {key!r} holds a NUL character (\\u0000)")
    return value


def flatten_ec_record(record: dict) -> Iterator[dict]:
    """One EC order or return → one row per line, the record's fields repeated on each line.

    Orders and returns keep their ``record_type``; return lines keep their negative quantities and
    amounts as delivered. The keys of the record and of each line must be exactly the documented ones,
    a record must have at least one line, and its total must equal the sum of its line amounts, so the
    raw rows always reconcile to the file.
    """
    kind = record.get("record_type")
    if kind == "order":
        expected = EC_ORDER_KEYS
    elif kind == "return":
        expected = EC_RETURN_KEYS
    else:
        raise RecordError("json_record_type", f"record_type must be 'order' or 'return', got {str(kind)[:40]!r}")
    _check_keys(record, expected, f"an {kind} record" if kind == "order" else "a return record")
    lines = record["lines"]
    if not isinstance(lines, list) or not lines:
        raise RecordError("json_record_has_lines", f"an {kind} record needs a non-empty 'lines' array")
    header = {EC_HEADER_RENAMES.get(k, k): _scalar(record[k], k, kind) for k in expected if k != "lines"}
    total = 0
    rows = []
    for line in lines:
        if not isinstance(line, dict):
            raise RecordError("json_keys_match_contract", "each element of 'lines' must be a JSON object")
        _check_keys(line, EC_LINE, "a line")
        row = dict(header)
        row.update({k: _scalar(line[k], k, "line") for k in EC_LINE})
        amount = line["line_amount_jpy"]
        total = None if total is None or not isinstance(amount, int) or isinstance(amount, bool) else total + amount
        rows.append(row)
    declared = record[EC_TOTAL_KEY[kind]]
    if total is not None and isinstance(declared, int) and not isinstance(declared, bool) and declared != total:
        raise RecordError("json_record_totals", f"{EC_TOTAL_KEY[kind]} {declared} ≠ sum of line_amount_jpy {total}")
    yield from rows


FLATTENERS: dict = {EC_ORDERS.name: flatten_ec_record}
