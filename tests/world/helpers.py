"""Readers of a generated landing zone, used by the world tests."""
from __future__ import annotations

import csv
import hashlib
import io
import json
from pathlib import Path

import pandas as pd


def digest(root: Path) -> str:
    h = hashlib.sha256()
    for p in sorted(root.rglob("*")):
        if p.is_file():
            h.update(str(p.relative_to(root)).encode())
            h.update(p.read_bytes())
    return h.hexdigest()


def read_csv(path: Path, encoding: str = "utf-8") -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False, encoding=encoding)


def header(path: Path, encoding: str = "utf-8") -> list[str]:
    with open(path, newline="", encoding=encoding) as fh:
        return next(csv.reader(fh))


def source_frames(landing: Path, source: str, encoding: str = "utf-8") -> pd.DataFrame:
    """All dates of a CSV source, with a ``business_date`` column."""
    frames = []
    for folder in sorted((landing / source).iterdir()):
        for f in sorted(folder.glob("*.csv")):
            df = read_csv(f, encoding)
            df["business_date"] = folder.name
            frames.append(df)
    return pd.concat(frames, ignore_index=True)


def ec_records(landing: Path) -> list[dict]:
    out = []
    for folder in sorted((landing / "ec_orders").iterdir()):
        for f in sorted(folder.glob("*.jsonl")):
            for line in f.read_text(encoding="utf-8").splitlines():
                rec = json.loads(line)
                rec["business_date"] = folder.name
                out.append(rec)
    return out


def sales_units(landing: Path) -> pd.DataFrame:
    """Net units per business date × location × SKU across store POS, EC and the malls (returns negative)."""
    parts = []
    pos = source_frames(landing, "store_pos")
    parts.append(pd.DataFrame({"business_date": pos.business_date, "location_code": pos.store_code,
                               "sku_code": pos.sku_code, "qty": pos.quantity.astype(int)}))
    rows = [(r["business_date"], r["fulfilment_location"], ln["sku_code"], ln["quantity"])
            for r in ec_records(landing) for ln in r["lines"]]
    parts.append(pd.DataFrame(rows, columns=["business_date", "location_code", "sku_code", "qty"]))
    for key, loc, sku_col, qty_col in (("ichiba", "M01", "SKU管理番号", "個数"), ("bazaar", "M02", "出品者SKU", "数量"),
                                       ("plaza", "M03", "商品コード", "数量")):
        m = source_frames(landing, f"mall_{key}", encoding="cp932")
        parts.append(pd.DataFrame({"business_date": m.business_date, "location_code": loc, "sku_code": m[sku_col],
                                   "qty": m[qty_col].astype(int)}))
    return pd.concat(parts, ignore_index=True)


def decode_cp932(path: Path) -> str:
    return path.read_bytes().decode("cp932")


def csv_text(text: str) -> pd.DataFrame:
    return pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
