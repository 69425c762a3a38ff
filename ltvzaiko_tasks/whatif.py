"""``ltvzaiko what-if``: the effect of another service level, lead time, review period or reorder point on
chosen SKUs, read from the published order list (the calculation is
:func:`ltvzaiko_tasks.replenishment.scenarios.what_if`).

Also the data of a report section: :func:`what_if_section_data` (service-level sensitivity of the staple order
list the report already reads).
"""
from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date

import pandas as pd
import psycopg
from psycopg import sql

from .replenishment.scenarios import (DEFAULT_ORDER_COST_JPY, METRICS, REQUIRED_COLUMNS, Scenario, what_if,
                                      what_if_totals)
from .warehouse.frames import read_frame

ORDER_LIST = "replenishment_order_list"
LABELS = {
    "service_level": ("サービス率", "cycle service level"), "safety_stock": ("安全在庫", "safety stock"),
    "reorder_point": ("発注点", "reorder point"), "order_up_to": ("補充点", "order-up-to"),
    "order_qty": ("推奨発注数", "order qty"), "stockout_probability": ("欠品確率/サイクル", "stock-out prob./cycle"),
    "expected_shortage_per_cycle": ("欠品数/サイクル", "units short/cycle"), "fill_rate": ("充足率", "fill rate"),
    "average_on_hand": ("平均在庫", "average on hand"), "shortage_units_per_year": ("欠品数/年", "units short/year"),
    "holding_cost_jpy_per_year": ("在庫保管コスト/年", "holding cost/year"),
    "ordering_cost_jpy_per_year": ("発注コスト/年", "ordering cost/year"),
    "inventory_cost_jpy_per_year": ("在庫コスト計/年", "inventory cost/year"),
}
RATES = ("service_level", "stockout_probability", "fill_rate")


class WhatIfError(RuntimeError):
    """The order list cannot be read for the request (no list, no date, unknown SKUs)."""


def load_order_rows(conn: psycopg.Connection, skus: Sequence[str], as_of: date | None = None,
                    schema: str = "marts", locations: Sequence[str] = ()) -> tuple[date, pd.DataFrame]:
    """The order list's rows of ``skus`` (and ``locations`` if given) at ``as_of`` (default: the latest)."""
    table = sql.Identifier(schema, ORDER_LIST)
    exists = conn.execute("select 1 from information_schema.tables where table_schema = %s and table_name = %s",
                          (schema, ORDER_LIST)).fetchone()
    if not exists:
        raise WhatIfError(f"{schema}.{ORDER_LIST} does not exist: run the DAG first (ltvzaiko demo / ltvzaiko run)")
    if as_of is None:
        as_of = conn.execute(sql.SQL("select max(as_of_date) from {}").format(table)).fetchone()[0]
        if as_of is None:
            raise WhatIfError(f"{schema}.{ORDER_LIST} is empty: run the DAG first")
    query = sql.SQL("select * from {} where as_of_date = %s and sku_id = any(%s)").format(table)
    params: tuple = (as_of, list(skus))
    if locations:
        query = sql.SQL("{} and location_id = any(%s)").format(query)
        params = (*params, list(locations))
    rows = read_frame(conn, query.as_string(conn) + " order by sku_id, location_id", params,
                      dtypes={"sku_id": "string", "location_id": "string", "item_type": "string"})
    missing = sorted(set(skus) - set(rows["sku_id"].astype(str))) if not rows.empty else sorted(set(skus))
    if missing:
        raise WhatIfError(f"no order-list rows on {as_of} for SKU(s) {', '.join(missing[:10])}"
                          + (f" at location(s) {', '.join(locations)}" if locations else "")
                          + f": check the codes in {schema}.{ORDER_LIST}")
    lacking = [c for c in REQUIRED_COLUMNS if c not in rows.columns]
    if lacking:
        raise WhatIfError(f"{schema}.{ORDER_LIST} lacks {lacking}: rebuild the marts with this version")
    return as_of, rows


def run_what_if(url: str, skus: Sequence[str], scenario: Scenario, as_of: date | None = None,
                schema: str = "marts", locations: Sequence[str] = (),
                order_cost_jpy: float = DEFAULT_ORDER_COST_JPY) -> dict:
    """Read the rows and compute the scenario: ``{"as_of_date", "scenario", "rows", "totals", "skipped"}``."""
    with psycopg.connect(url, connect_timeout=10) as conn:
        conn.read_only = True
        as_of, rows = load_order_rows(conn, skus, as_of, schema, locations)
    result = what_if(rows, scenario, order_cost_jpy=order_cost_jpy)
    seasonal = rows[rows["item_type"].astype(str).eq("seasonal")]
    return {"as_of_date": as_of.isoformat(), "scenario": scenario.describe(), "order_cost_jpy": order_cost_jpy,
            "rows": result, "totals": what_if_totals(result),
            "skipped": [f"{s}@{loc}" for s, loc in zip(seasonal["sku_id"], seasonal["location_id"])]}


def to_json(result: dict) -> str:
    out = {k: v for k, v in result.items() if k not in ("rows", "totals")}
    out["totals"] = result["totals"].to_dict(orient="records")
    out["rows"] = result["rows"].to_dict(orient="records")
    return json.dumps(out, ensure_ascii=False, indent=2, default=float)


def _fmt(metric: str, value: float) -> str:
    if pd.isna(value):
        return "–"
    if metric in RATES:
        return f"{value:.2%}"
    if metric.endswith("_jpy_per_year"):
        return f"¥{value:,.0f}"
    return f"{value:,.1f}"


def print_tables(result: dict, console) -> None:
    """The scenario as rich tables: totals (baseline, scenario, change), then one line per SKU × location."""
    from rich.table import Table

    totals = Table(title=f"What-if {result['as_of_date']}: {result['scenario']} (シナリオ分析)")
    for col in ("指標 / figure", "現状 / baseline", "シナリオ / scenario", "差 / change"):
        totals.add_column(col, justify="left" if col.startswith("指標") else "right")
    for r in result["totals"].itertuples(index=False):
        ja, en = LABELS[r.metric]
        label = f"{ja} / {en}" + (" (avg)" if r.aggregate == "mean" else "")
        change = f"{r.change:+.2%}" if r.metric in RATES else (
            f"{r.change:+,.0f}" if r.metric.endswith("_jpy_per_year") else f"{r.change:+,.1f}")
        totals.add_row(label, _fmt(r.metric, r.baseline), _fmt(r.metric, r.scenario), change)
    console.print(totals)
    rows = Table(title="SKU × 拠点 / SKU × location")
    for col in ("SKU", "拠点", "安全在庫 SS", "発注点 ROP", "欠品確率 P(stock-out)", "在庫コスト/年 cost/year"):
        rows.add_column(col, justify="left" if col in ("SKU", "拠点") else "right")
    for r in result["rows"].itertuples(index=False):
        pair = lambda m: f"{_fmt(m, getattr(r, 'baseline_' + m))} → {_fmt(m, getattr(r, 'scenario_' + m))}"  # noqa: E731
        rows.add_row(str(r.sku_id), str(r.location_id), pair("safety_stock"), pair("reorder_point"),
                     pair("stockout_probability"), pair("inventory_cost_jpy_per_year"))
    console.print(rows)
    if result["skipped"]:
        console.print(f"seasonal rows left out (newsvendor buys): {', '.join(result['skipped'][:20])}")


# ------------------------------------------------------------------------------------------- report section
SENSITIVITY_LEVELS = (0.90, 0.95, 0.98, 0.995)


def service_level_sensitivity(order_rows: pd.DataFrame, levels: Sequence[float] = SENSITIVITY_LEVELS,
                              top: int = 50, order_cost_jpy: float = DEFAULT_ORDER_COST_JPY) -> pd.DataFrame:
    """What the staple list would hold and risk at other service levels: for the ``top`` staple rows by order
    value (else all), one line per level plus ``as_published``, with safety stock (units and at cost), holding
    and inventory cost per year, mean stock-out probability per cycle and units short per year."""
    staples = order_rows[order_rows["item_type"].astype(str).ne("seasonal")] if "item_type" in order_rows else \
        order_rows.iloc[0:0]
    if staples.empty or any(c not in staples.columns for c in REQUIRED_COLUMNS):
        return pd.DataFrame()
    if "order_value_jpy" in staples.columns:
        staples = staples.sort_values("order_value_jpy", ascending=False, kind="stable")
    staples = staples.head(top)
    cost = pd.to_numeric(staples["unit_cost_jpy"], errors="coerce").fillna(0).to_numpy()
    out = []
    for label, level in [("as_published", None), *((f"{lv:.1%}", lv) for lv in levels)]:
        r = what_if(staples, Scenario(service_level=level), order_cost_jpy=order_cost_jpy)
        out.append({
            "scenario": label, "service_level": level if level is not None else r["scenario_service_level"].mean(),
            "rows": len(r), "safety_stock_units": r["scenario_safety_stock"].sum(),
            "safety_stock_value_jpy": float((r["scenario_safety_stock"].to_numpy() * cost).sum()),
            "holding_cost_jpy_per_year": r["scenario_holding_cost_jpy_per_year"].sum(),
            "inventory_cost_jpy_per_year": r["scenario_inventory_cost_jpy_per_year"].sum(),
            "stockout_probability": r["scenario_stockout_probability"].mean(),
            "shortage_units_per_year": r["scenario_shortage_units_per_year"].sum(),
        })
    return pd.DataFrame(out)


def what_if_section_data(d) -> pd.DataFrame:
    """Data of a report section "what-if": :func:`service_level_sensitivity` of the staple order list the report
    loaded (``ReportData.frame("orders_staple")``, from ``marts.replenishment_order_list``)."""
    return service_level_sensitivity(d.frame("orders_staple"))


__all__ = ["METRICS", "WhatIfError", "load_order_rows", "print_tables", "run_what_if", "service_level_sensitivity",
           "to_json", "what_if_section_data"]
