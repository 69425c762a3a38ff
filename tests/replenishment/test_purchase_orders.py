"""Purchase-order CSVs: one per supplier, UTF-8 with BOM, bilingual headers, order lines only, totals."""
from __future__ import annotations

from datetime import date

import pandas as pd

from ltvzaiko_tasks.replenishment.purchase_orders import COLUMNS, read_purchase_order, write_purchase_orders

AS_OF = date(2025, 3, 22)
ORDERS = pd.DataFrame({
    "sku_id": ["A", "B", "C", "D"], "location_id": ["S01", "S02", "S01", "EC01"], "style_id": ["ST1"] * 4,
    "supplier_id": ["SUP01", "SUP01", "SUP02", "SUP02"], "item_type": ["staple"] * 4, "ltv_class": ["高", "中", "低", "中"],
    "order_qty": [12, 6, 0, 20], "case_pack": [6, 6, 10, 10], "unit_cost_jpy": [1200.0, 800.0, 500.0, 450.0],
    "order_value_jpy": [14400.0, 4800.0, 0.0, 9000.0], "lead_time_mean_days": [14.0, 14.0, 21.5, 21.5],
    "priority_rank": [2, 1, None, 3], "binding_constraint": ["case_pack", "moq", "no_need", "none"]})


def test_one_file_per_supplier_with_lines_to_order_and_totals(tmp_path):
    files = write_purchase_orders(ORDERS, AS_OF, tmp_path)
    assert sorted(files) == ["SUP01", "SUP02"]
    assert sorted(p.name for p in (tmp_path / "2025-03-22").iterdir()) == ["SUP01.csv", "SUP02.csv"]
    raw = files["SUP01"].read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and "推奨発注数 (order qty)".encode() in raw
    lines, totals = read_purchase_order(files["SUP01"])
    assert lines["sku_id"].tolist() == ["B", "A"]  # priority order
    assert totals == {"order_qty": 18, "cases": 3, "order_value_jpy": 19200}
    lines, totals = read_purchase_order(files["SUP02"])
    assert lines["sku_id"].tolist() == ["D"] and totals["order_qty"] == 20  # C orders nothing: not on the PO
    assert lines.iloc[0]["expected_arrival_date"] == "2025-04-13" and lines.iloc[0]["order_date"] == "2025-03-22"
    assert list(pd.read_csv(files["SUP02"], encoding="utf-8-sig").columns) == list(COLUMNS.values())


def test_a_rerun_replaces_the_dates_files(tmp_path):
    write_purchase_orders(ORDERS, AS_OF, tmp_path)
    files = write_purchase_orders(ORDERS[ORDERS["supplier_id"] == "SUP02"], AS_OF, tmp_path)
    assert sorted(p.name for p in (tmp_path / "2025-03-22").iterdir()) == ["SUP02.csv"] and list(files) == ["SUP02"]
