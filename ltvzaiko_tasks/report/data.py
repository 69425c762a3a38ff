"""Read what the report shows from the marts (schema ``marts`` by default), for one as-of date.

Only marts are read, never ``models`` / ``intermediate``: the report shows what BI tools see. Aggregates are
plain sums and counts of mart columns (additive measures); rates the marts define per row are shown as the
marts give them. A mart that does not exist (yet) or has no rows for the date is recorded as such, so its
section can say so instead of breaking.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone

import pandas as pd
import psycopg
from psycopg import sql

from ..warehouse.frames import read_frame

MARTS_SCHEMA = "marts"
KPI_WINDOW_DAYS = 28
CHART_DAYS = 90
MAX_TABLE_ROWS = 2000
MAX_SKU_ROWS = 200_000

CHANNEL_SALES = "mart_channel_sales_daily"
CUSTOMER_LTV = "mart_customer_ltv"
ITEM_LTV = "mart_item_ltv_contribution"
ZPM = "mart_zpm"
FORECAST_ACCURACY = "mart_forecast_accuracy"
ORDER_LIST = "replenishment_order_list"
SELL_THROUGH = "mart_sell_through"
INVENTORY_HEALTH = "mart_inventory_health"
CAMPAIGN_EFFECT = "mart_campaign_effect"
MARKDOWN = "markdown_recommendations"
LTV_CALIBRATION = "mart_ltv_calibration"

AS_OF_MARTS = (CUSTOMER_LTV, ITEM_LTV, ZPM, FORECAST_ACCURACY, ORDER_LIST, SELL_THROUGH, INVENTORY_HEALTH,
               MARKDOWN, LTV_CALIBRATION, CAMPAIGN_EFFECT)

_TEXT_TYPES = {"text", "character varying", "character", "date", "timestamp without time zone",
               "timestamp with time zone", "boolean", "jsonb", "json"}


class ReportDataError(RuntimeError):
    """The marts cannot be read at all (no schema, no date)."""


@dataclass
class ReportData:
    as_of: date
    schema: str
    generated_at: datetime
    columns: dict[str, list[str]]
    """Columns of every mart that exists in the schema."""
    frames: dict[str, pd.DataFrame] = field(default_factory=dict)
    """Named frames the sections read (see :func:`load_report_data`)."""
    totals: dict[str, int] = field(default_factory=dict)
    """Row counts before capping, by frame name."""
    window_days: int = KPI_WINDOW_DAYS

    def has(self, mart: str) -> bool:
        return mart in self.columns

    def frame(self, name: str) -> pd.DataFrame:
        return self.frames.get(name, pd.DataFrame())

    @property
    def window(self) -> tuple[date, date]:
        return self.as_of - timedelta(days=self.window_days - 1), self.as_of


def mart_columns(conn: psycopg.Connection, schema: str) -> dict[str, dict[str, str]]:
    """``{table: {column: data_type}}`` for every table and view of ``schema``."""
    rows = conn.execute(
        "select table_name, column_name, data_type from information_schema.columns "
        "where table_schema = %s order by table_name, ordinal_position", (schema,)).fetchall()
    out: dict[str, dict[str, str]] = {}
    for table, column, dtype in rows:
        out.setdefault(table, {})[column] = dtype
    return out


def latest_as_of(conn: psycopg.Connection, schema: str = MARTS_SCHEMA) -> date | None:
    """The newest as-of date in the decision marts, else the last sales date; None when the marts are empty."""
    cols = mart_columns(conn, schema)
    candidates = []
    for mart in AS_OF_MARTS:
        if "as_of_date" in cols.get(mart, {}):
            q = sql.SQL("select max(as_of_date) from {}").format(sql.Identifier(schema, mart))
            candidates.append(conn.execute(q).fetchone()[0])
    if not any(candidates) and "sales_date" in cols.get(CHANNEL_SALES, {}):
        q = sql.SQL("select max(sales_date) from {}").format(sql.Identifier(schema, CHANNEL_SALES))
        candidates.append(conn.execute(q).fetchone()[0])
    found = [c for c in candidates if c is not None]
    return max(found) if found else None


def _dtypes(types: dict[str, str]) -> dict[str, str]:
    return {c: "string" for c, t in types.items() if t in _TEXT_TYPES}


def _read(conn: psycopg.Connection, query: sql.Composable, params: tuple, types: dict[str, str]) -> pd.DataFrame:
    frame = read_frame(conn, query.as_string(conn), params, dtypes=_dtypes(types))
    for col, dtype in types.items():
        if dtype == "boolean" and col in frame.columns:  # COPY writes booleans as t / f
            frame[col] = frame[col].map({"t": True, "f": False, "true": True, "false": False}).astype("boolean")
    return frame


def load_report_data(conn: psycopg.Connection, as_of: date | None = None, schema: str = MARTS_SCHEMA,
                     window_days: int = KPI_WINDOW_DAYS, chart_days: int = CHART_DAYS,
                     max_rows: int = MAX_TABLE_ROWS) -> ReportData:
    """Everything the report needs for ``as_of`` (default: the latest date in the marts)."""
    types = mart_columns(conn, schema)
    if not types:
        raise ReportDataError(f"schema '{schema}' has no tables: run the DAG first (ltvzaiko demo / ltvzaiko run)")
    if as_of is None:
        as_of = latest_as_of(conn, schema)
        if as_of is None:
            raise ReportDataError(f"the marts in schema '{schema}' have no dates yet: run the DAG first")
    data = ReportData(as_of=as_of, schema=schema, generated_at=datetime.now(timezone.utc),
                      columns={t: list(c) for t, c in types.items()}, window_days=window_days)
    _load_sales(conn, data, types, chart_days)
    _load_customer_ltv(conn, data, types)
    for mart in (ITEM_LTV, ZPM):  # one row per SKU: all of them (the matrix counts every SKU)
        _load_at_date(conn, data, types, mart, MAX_SKU_ROWS, grain="sku")
    for mart in (MARKDOWN, LTV_CALIBRATION):
        _load_at_date(conn, data, types, mart, max_rows)
    _load_history(conn, data, types, FORECAST_ACCURACY)
    _load_sell_through(conn, data, types, max_rows)
    _load_inventory_health(conn, data, types, max_rows)
    _load_campaigns(conn, data, types)
    _load_orders(conn, data, types, max_rows)
    return data


# ------------------------------------------------------------------------------------------------ loaders
def _table(schema: str, mart: str) -> sql.Composable:
    return sql.Identifier(schema, mart)


def _load_sales(conn, data: ReportData, types, chart_days: int) -> None:
    cols = types.get(CHANNEL_SALES)
    if not cols or "sales_date" not in cols:
        return
    t = _table(data.schema, CHANNEL_SALES)
    measures = [c for c in ("units", "net_sales_jpy", "gross_profit_jpy", "discount_incl_tax_jpy",
                            "returned_units", "cost_of_goods_jpy") if c in cols]
    sums = sql.SQL(", ").join(sql.SQL("sum({0}) as {0}").format(sql.Identifier(m)) for m in measures)
    start, end = data.window
    prev_start = start - timedelta(days=data.window_days)
    q = sql.SQL("select count(*) from {} where sales_date <= %s").format(t)
    data.totals[CHANNEL_SALES] = conn.execute(q, (data.as_of,)).fetchone()[0]
    # daily by channel over the chart window
    q = sql.SQL("select sales_date, channel, {} from {} where sales_date between %s and %s "
                "group by sales_date, channel order by sales_date, channel").format(sums, t)
    data.frames["sales_daily"] = _read(conn, q, (data.as_of - timedelta(days=chart_days - 1), data.as_of), cols)
    # by channel: this window and the one before it
    q = sql.SQL("select case when sales_date >= %s then 'current' else 'previous' end as period, channel, {}, "
                "count(distinct sales_date) as days from {} where sales_date between %s and %s "
                "group by 1, channel order by 1, channel").format(sums, t)
    data.frames["sales_by_channel"] = _read(conn, q, (start, prev_start, end), {**cols, "period": "text"})
    # by location in the window
    loc_cols = [c for c in ("channel", "location_id", "location_label") if c in cols]
    group = sql.SQL(", ").join(map(sql.Identifier, loc_cols))
    q = sql.SQL("select {g}, {s} from {t} where sales_date between %s and %s group by {g} "
                "order by sum(net_sales_jpy) desc").format(g=group, s=sums, t=t)
    data.frames["sales_by_location"] = _read(conn, q, (start, end), cols)
    # by item, both grains, in the window
    for grain, keys in (("sku", ("sku_id", "style_id", "style_label", "category", "item_type")),
                        ("style", ("style_id", "style_label", "category", "item_type"))):
        keys = [k for k in keys if k in cols]
        if (grain == "sku" and "sku_id" not in keys) or (grain == "style" and "style_id" not in keys):
            continue
        group = sql.SQL(", ").join(map(sql.Identifier, keys))
        q = sql.SQL("select {g}, {s} from {t} where sales_date between %s and %s group by {g} "
                    "order by sum(net_sales_jpy) desc nulls last").format(g=group, s=sums, t=t)
        data.frames[f"sales_by_{grain}"] = _read(conn, q, (start, end), cols)
    # SKU → style (商品番号) lookup, so SKU-grain lists can show the style beside the SKU
    if {"sku_id", "style_id"} <= set(cols):
        extra = sql.SQL(", max(style_label) as style_label") if "style_label" in cols else sql.SQL("")
        q = sql.SQL("select sku_id, max(style_id) as style_id{} from {} where sales_date <= %s group by sku_id"
                    ).format(extra, t)
        data.frames["sku_style"] = _read(conn, q, (data.as_of,), cols)


def _load_customer_ltv(conn, data: ReportData, types) -> None:
    cols = types.get(CUSTOMER_LTV)
    if not cols or "as_of_date" not in cols:
        return
    t = _table(data.schema, CUSTOMER_LTV)
    seg = "ltv_segment" if "ltv_segment" in cols else None
    clv = "clv_12m_margin_jpy" if "clv_12m_margin_jpy" in cols else None
    if clv is None:
        return
    parts = [sql.SQL("count(*) as customers"), sql.SQL("sum(clv_12m_margin_jpy) as clv_sum"),
             sql.SQL("avg(clv_12m_margin_jpy) as clv_avg"),
             sql.SQL("percentile_cont(0.5) within group (order by clv_12m_margin_jpy) as clv_median")]
    for c, alias in (("p_alive", "p_alive_avg"), ("expected_purchases_12m", "expected_purchases_avg"),
                     ("frequency", "frequency_avg"), ("avg_repeat_spend_jpy", "repeat_spend_avg")):
        if c in cols:
            parts.append(sql.SQL("avg({}) as {}").format(sql.Identifier(c), sql.Identifier(alias)))
    agg = sql.SQL(", ").join(parts)
    if seg:
        q = sql.SQL("select ltv_segment, {} from {} where as_of_date = %s group by ltv_segment").format(agg, t)
        data.frames["ltv_segments"] = _read(conn, q, (data.as_of,), {**cols, "ltv_segment": "text"})
    q = sql.SQL("select {} from {} where as_of_date = %s").format(agg, t)
    data.frames["ltv_overall"] = _read(conn, q, (data.as_of,), cols)
    # CLV distribution: 20 equal-width buckets up to the 99th percentile (the last bucket takes the tail)
    seg_sel = sql.SQL(", ltv_segment") if seg else sql.SQL("")
    q = sql.SQL(
        "with s as (select clv_12m_margin_jpy as v{seg} from {t} where as_of_date = %s and clv_12m_margin_jpy is not null),"
        " lim as (select greatest(percentile_cont(0.99) within group (order by v), 1) as hi from s)"
        " select least(width_bucket(v, 0, lim.hi, 20), 20) as bucket, lim.hi as hi{seg}, count(*) as customers"
        " from s, lim group by 1, 2{seg} order by 1").format(t=t, seg=seg_sel)
    data.frames["ltv_histogram"] = _read(conn, q, (data.as_of,), {"ltv_segment": "text"})


def _load_at_date(conn, data: ReportData, types, mart: str, limit: int, grain: str | None = None) -> None:
    """The mart's rows of the as-of date; of one item grain (``grain`` column: 'sku' / 'style') when given and
    the mart has both."""
    cols = types.get(mart)
    if not cols:
        return
    t = _table(data.schema, mart)
    if "as_of_date" in cols:
        where = sql.SQL("as_of_date = %s")
        args: tuple = (data.as_of,)
        if grain is not None and "grain" in cols:
            where = sql.SQL("as_of_date = %s and grain = %s")
            args = (data.as_of, grain)
        q = sql.SQL("select * from {} where {} limit %s").format(t, where)
        params: tuple = (*args, limit)
        cq = sql.SQL("select count(*) from {} where {}").format(t, where)
        data.totals[mart] = conn.execute(cq, args).fetchone()[0]
    else:
        q = sql.SQL("select * from {} limit %s").format(t)
        params = (limit,)
        data.totals[mart] = conn.execute(sql.SQL("select count(*) from {}").format(t)).fetchone()[0]
    data.frames[mart] = _read(conn, q, params, cols)


def _load_history(conn, data: ReportData, types, mart: str, name: str | None = None,
                  max_rows: int = 100_000) -> None:
    cols = types.get(mart)
    if not cols or "as_of_date" not in cols:
        return
    q = sql.SQL("select * from {} where as_of_date <= %s order by as_of_date limit %s").format(
        _table(data.schema, mart))
    data.frames[name or mart] = _read(conn, q, (data.as_of, max_rows), cols)


def _load_campaigns(conn, data: ReportData, types) -> None:
    """Campaigns are keyed by campaign × channel, not by as-of: those that started by the as-of date."""
    cols = types.get(CAMPAIGN_EFFECT)
    if not cols:
        return
    t = _table(data.schema, CAMPAIGN_EFFECT)
    if "start_date" in cols:
        q = sql.SQL("select * from {} where start_date <= %s order by start_date desc limit %s").format(t)
        data.frames[CAMPAIGN_EFFECT] = _read(conn, q, (data.as_of, MAX_TABLE_ROWS), cols)
        cq = sql.SQL("select count(*) from {} where start_date <= %s").format(t)
        data.totals[CAMPAIGN_EFFECT] = conn.execute(cq, (data.as_of,)).fetchone()[0]
    else:
        _load_at_date(conn, data, types, CAMPAIGN_EFFECT, MAX_TABLE_ROWS)


def _load_orders(conn, data: ReportData, types, max_rows: int) -> None:
    cols = types.get(ORDER_LIST)
    if not cols or "as_of_date" not in cols:
        return
    t = _table(data.schema, ORDER_LIST)
    has_type = "item_type" in cols
    qty = "recommended_order_qty" if "recommended_order_qty" in cols else None
    order = [sql.SQL("({} > 0) desc").format(sql.Identifier(qty))] if qty else []
    if "priority_rank" in cols:
        order.append(sql.SQL("priority_rank nulls last"))
    order.append(sql.SQL("sku_id, location_id") if {"sku_id", "location_id"} <= set(cols) else sql.SQL("1"))
    order_by = sql.SQL(", ").join(order)
    kinds = (("staple", "orders_staple"), ("seasonal", "orders_seasonal")) if has_type else ((None, "orders_all"),)
    for kind, name in kinds:
        if kind is None:
            where, params = sql.SQL("as_of_date = %s"), (data.as_of,)
        elif kind == "staple":  # anything not seasonal is ordered as a staple (orders stage default)
            where, params = sql.SQL("as_of_date = %s and coalesce(item_type, 'staple') <> 'seasonal'"), (data.as_of,)
        else:
            where, params = sql.SQL("as_of_date = %s and item_type = 'seasonal'"), (data.as_of,)
        q = sql.SQL("select * from {} where {} order by {} limit %s").format(t, where, order_by)
        data.frames[name] = _read(conn, q, (*params, max_rows), cols)
        sums = [sql.SQL("count(*) as lines")]
        if qty:
            sums += [sql.SQL("count(*) filter (where recommended_order_qty > 0) as order_lines"),
                     sql.SQL("sum(recommended_order_qty) as order_units")]
        for c in ("order_value_jpy", "expected_gross_profit_jpy"):
            if c in cols:
                sums.append(sql.SQL("sum({0}) as {0}").format(sql.Identifier(c)))
        q = sql.SQL("select {} from {} where {}").format(sql.SQL(", ").join(sums), t, where)
        data.frames[name + "__totals"] = _read(conn, q, params, cols)
        data.totals[name] = int(data.frames[name + "__totals"]["lines"].iloc[0])


def _sums(cols: dict[str, str], names: tuple[str, ...]) -> list[sql.Composable]:
    return [sql.SQL("sum({0}) as {0}").format(sql.Identifier(c)) for c in names if c in cols]


def _load_sell_through(conn, data: ReportData, types, max_rows: int) -> None:
    """Totals over every row in SQL; the rows themselves per grain, the all-channel and at-risk ones first."""
    cols = types.get(SELL_THROUGH)
    if not cols or not {"as_of_date", "grain", "channel"} <= set(cols):
        return
    t = _table(data.schema, SELL_THROUGH)
    sums = _sums(cols, ("sold_units", "on_hand_units", "received_units"))
    if sums and "item_type" in cols:
        q = sql.SQL("select grain, item_type, count(*) as items, {} from {} where as_of_date = %s and channel = 'all' "
                    "group by grain, item_type").format(sql.SQL(", ").join(sums), t)
        data.frames["sell_through__totals"] = _read(conn, q, (data.as_of,), cols)
    if "sell_through_status" in cols:
        q = sql.SQL("select grain, sell_through_status, count(*) as items from {} where as_of_date = %s "
                    "and channel = 'all' group by grain, sell_through_status").format(t)
        data.frames["sell_through__status"] = _read(conn, q, (data.as_of,), cols)
    risk = (sql.SQL("case sell_through_status when 'overstock_risk' then 0 when 'early_sell_out_risk' then 1 "
                    "when 'not_selling' then 2 when 'on_track' then 3 else 4 end")
            if "sell_through_status" in cols else sql.SQL("0"))
    frames = []
    total = 0
    for grain in ("style", "sku"):
        q = sql.SQL("select * from {t} where as_of_date = %s and grain = %s order by (channel = 'all') desc, {r}, "
                    "item_id, channel limit %s").format(t=t, r=risk)
        frames.append(_read(conn, q, (data.as_of, grain, max_rows), cols))
        n = conn.execute(sql.SQL("select count(*) from {} where as_of_date = %s and grain = %s").format(t),
                         (data.as_of, grain)).fetchone()[0]
        data.totals[f"{SELL_THROUGH}:{grain}"] = n
        total += n
    data.frames[SELL_THROUGH] = pd.concat(frames, ignore_index=True)
    data.totals[SELL_THROUGH] = total


def _load_inventory_health(conn, data: ReportData, types, max_rows: int) -> None:
    """Totals in SQL over every SKU × location; only the dead-stock rows are read, largest value first."""
    cols = types.get(INVENTORY_HEALTH)
    if not cols or "as_of_date" not in cols:
        return
    t = _table(data.schema, INVENTORY_HEALTH)
    parts = [sql.SQL("count(*) as rows")] + _sums(cols, ("cost_of_goods_90d_jpy", "stockout_days_28d",
                                                          "dead_stock_value_jpy", "on_hand_value_jpy",
                                                          "on_hand_units"))
    if {"avg_on_hand_units_90d", "unit_cost_jpy"} <= set(cols):
        parts.append(sql.SQL("sum(avg_on_hand_units_90d * unit_cost_jpy) as avg_stock_value_90d_jpy"))
    if "days_observed_90d" in cols:
        parts.append(sql.SQL("max(days_observed_90d) as days_observed_90d"))
    if "dead_stock_flag" in cols:
        parts.append(sql.SQL("count(*) filter (where dead_stock_flag) as dead_rows"))
    q = sql.SQL("select {} from {} where as_of_date = %s").format(sql.SQL(", ").join(parts), t)
    data.frames["inventory__totals"] = _read(conn, q, (data.as_of,), cols)
    data.totals[INVENTORY_HEALTH] = int(data.frames["inventory__totals"]["rows"].iloc[0])
    if {"location_id", "location_label"} <= set(cols):
        q = sql.SQL("select distinct location_id, location_label from {} where as_of_date = %s").format(t)
        data.frames["inventory__locations"] = _read(conn, q, (data.as_of,), cols)
    if {"sku_id", "style_id"} <= set(cols):
        extra = sql.SQL(", max(style_label) as style_label") if "style_label" in cols else sql.SQL("")
        q = sql.SQL("select sku_id, max(style_id) as style_id{} from {} where as_of_date = %s group by sku_id").format(
            extra, t)
        data.frames["inventory__sku_style"] = _read(conn, q, (data.as_of,), cols)
    if "dead_stock_flag" not in cols:
        return
    order = sql.SQL("dead_stock_value_jpy desc nulls last") if "dead_stock_value_jpy" in cols else sql.SQL("1")
    q = sql.SQL("select * from {} where as_of_date = %s and dead_stock_flag order by {} limit %s").format(t, order)
    data.frames[INVENTORY_HEALTH] = _read(conn, q, (data.as_of, max_rows), cols)
    value = _sums(cols, ("dead_stock_value_jpy", "on_hand_units"))
    if "dead_stock_reason" in cols and value:
        q = sql.SQL("select dead_stock_reason, count(*) as sku_locations, {} from {} where as_of_date = %s "
                    "and dead_stock_flag group by dead_stock_reason").format(sql.SQL(", ").join(value), t)
        data.frames["dead_stock__by_reason"] = _read(conn, q, (data.as_of,), cols)
    keys = [c for c in ("style_id", "style_label") if c in cols]
    if keys and value:
        g = sql.SQL(", ").join(map(sql.Identifier, keys))
        q = sql.SQL("select {g}, count(*) as sku_locations, {v} from {t} where as_of_date = %s and dead_stock_flag "
                    "group by {g} order by sum(dead_stock_value_jpy) desc nulls last limit %s").format(
            g=g, v=sql.SQL(", ").join(value), t=t)
        data.frames["dead_stock__by_style"] = _read(conn, q, (data.as_of, max_rows), cols)
