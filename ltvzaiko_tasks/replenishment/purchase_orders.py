"""Purchase-order files for buyers (発注書 CSV): one per supplier and as-of date, ready to send or to open in Excel.

``<dir>/<as_of_date>/<supplier_id>.csv`` holds the supplier's order lines (recommended quantity > 0), highest
priority first, and a last line with the totals. UTF-8 with a byte-order mark so Excel shows the Japanese
headers correctly; headers are bilingual (``推奨発注数 (order qty)``). A rerun for the same date replaces the
date's folder whole, so it never keeps a supplier that no longer has an order.
"""
from __future__ import annotations

import re
import shutil
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

ENCODING = "utf-8-sig"
"""UTF-8 with BOM: Excel opens it with the Japanese text intact."""
UNKNOWN_SUPPLIER = "UNKNOWN"
TOTAL_LABEL = "合計 (total)"

COLUMNS: dict[str, str] = {
    "order_date": "発注日 (order date)",
    "supplier_id": "仕入先コード (supplier)",
    "location_id": "納品先拠点 (deliver to)",
    "sku_id": "SKU",
    "style_id": "商品番号 (style)",
    "item_type": "商品区分 (item type)",
    "order_qty": "推奨発注数 (order qty)",
    "case_pack": "入数 (case pack)",
    "cases": "ケース数 (cases)",
    "unit_cost_jpy": "原価単価 (unit cost, JPY)",
    "order_value_jpy": "発注金額 (order value, JPY)",
    "expected_arrival_date": "入荷予定日 (expected arrival)",
    "ltv_class": "LTVクラス (LTV class)",
    "priority_rank": "優先順位 (priority)",
    "reason": "理由 (reason)",
}
"""Column → bilingual header, in file order."""


def _file_name(supplier: str) -> str:
    return re.sub(r"[^0-9A-Za-z_.-]", "_", supplier).strip(".") or UNKNOWN_SUPPLIER


def purchase_order_lines(orders: pd.DataFrame, as_of: date) -> pd.DataFrame:
    """The lines to order (``order_qty`` > 0) in file layout: quantities and yen as whole numbers."""
    lines = orders[pd.to_numeric(orders["order_qty"], errors="coerce").fillna(0) > 0].copy()
    out = pd.DataFrame(index=lines.index)
    out["order_date"] = as_of.isoformat()
    out["supplier_id"] = lines["supplier_id"].astype(object).where(lines["supplier_id"].notna(), UNKNOWN_SUPPLIER)
    for col in ("location_id", "sku_id", "style_id", "item_type", "ltv_class"):
        out[col] = lines[col] if col in lines.columns else None
    out["order_qty"] = lines["order_qty"].astype(np.int64)
    out["case_pack"] = pd.to_numeric(lines["case_pack"], errors="coerce").round().astype("Int64")
    out["cases"] = (out["order_qty"] // out["case_pack"]).astype("Int64")
    out["unit_cost_jpy"] = pd.to_numeric(lines["unit_cost_jpy"], errors="coerce").round().astype("Int64")
    out["order_value_jpy"] = pd.to_numeric(lines["order_value_jpy"], errors="coerce").round().astype("Int64")
    lead = np.ceil(pd.to_numeric(lines["lead_time_mean_days"], errors="coerce").fillna(0))
    out["expected_arrival_date"] = [(as_of + timedelta(days=int(d))).isoformat() for d in lead]
    out["priority_rank"] = pd.to_numeric(lines["priority_rank"], errors="coerce").round().astype("Int64")
    out["reason"] = lines["binding_constraint"] if "binding_constraint" in lines.columns else None
    return out[list(COLUMNS)].sort_values(["supplier_id", "priority_rank", "sku_id", "location_id"],
                                          na_position="last")


def write_purchase_orders(orders: pd.DataFrame, as_of: date, out_dir: Path) -> dict[str, Path]:
    """Write ``out_dir/<as_of>/<supplier>.csv`` for every supplier with an order line; returns supplier → file.

    The date's folder is built aside and swapped in, so readers never see half a set of files.
    """
    lines = purchase_order_lines(orders, as_of)
    final = Path(out_dir) / as_of.isoformat()
    staging = final.with_name(final.name + ".tmp")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    written = {}
    for supplier, group in lines.groupby("supplier_id", sort=True):
        total = {c: "" for c in COLUMNS}
        total.update(order_date=TOTAL_LABEL, supplier_id=supplier, order_qty=int(group["order_qty"].sum()),
                     cases=int(group["cases"].sum()), order_value_jpy=int(group["order_value_jpy"].sum()))
        frame = pd.concat([group.astype(object), pd.DataFrame([total])], ignore_index=True)
        path = staging / f"{_file_name(str(supplier))}.csv"
        frame.rename(columns=COLUMNS).to_csv(path, index=False, encoding=ENCODING, lineterminator="\r\n")
        written[str(supplier)] = final / path.name
    old = final.with_name(final.name + ".old")
    shutil.rmtree(old, ignore_errors=True)
    if final.exists():
        final.rename(old)
    staging.rename(final)
    shutil.rmtree(old, ignore_errors=True)
    return written


def read_purchase_order(path: Path) -> tuple[pd.DataFrame, dict]:
    """A purchase-order file back as (lines, totals) with the column names of :data:`COLUMNS`."""
    frame = pd.read_csv(path, encoding=ENCODING, dtype=str).rename(columns={v: k for k, v in COLUMNS.items()})
    is_total = frame["order_date"] == TOTAL_LABEL
    total = frame[is_total].iloc[0]
    totals = {k: int(total[k]) for k in ("order_qty", "cases", "order_value_jpy")}
    return frame[~is_total].reset_index(drop=True), totals
