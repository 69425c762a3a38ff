"""Channel breakdown (チャネル別): store / own EC / mall, from mart_channel_sales_daily."""
from __future__ import annotations

from datetime import date, timedelta

import pandas as pd

from .. import data as M
from ..data import ReportData
from ..fmt import pct, ratio, yen, yen_compact
from ..html import Col, bi, heading, note, source_tag, static_table
from ..i18n import enum_label
from ..svg import PALETTE, Series, hbars, legend, stacked_bars
from .common import Section, grain_blocks, unavailable

CHANNELS = ("store", "ec", "mall")
TOP_ITEMS = 15


def _daily_chart(d: ReportData) -> str:
    daily = d.frame("sales_daily")
    if daily.empty:
        return ""
    first = date.fromisoformat(str(daily["sales_date"].min()))
    days = [first + timedelta(days=i) for i in range((d.as_of - first).days + 1)]
    labels = [x.isoformat()[5:] for x in days]
    pivot = daily.pivot_table(index="sales_date", columns="channel", values="net_sales_jpy", aggfunc="sum")
    pivot.index = pivot.index.astype(str)
    channels = [c for c in CHANNELS if c in pivot.columns] + [c for c in pivot.columns if c not in CHANNELS]
    series = []
    for i, ch in enumerate(channels):
        ja, en = enum_label("channel", ch)
        values = pivot[ch].reindex([x.isoformat() for x in days]).fillna(0.0).astype(float).tolist()
        series.append(Series(ja, en, values, PALETTE.get(ch, "#999")))
    chart = stacked_bars(labels, series, label="Net sales per day by channel", y_fmt=yen_compact)
    return (heading(3, "日別 純売上（チャネル別）", "Net sales per day by channel") + chart + legend(series))


def _channel_table(d: ReportData) -> str:
    f = d.frame("sales_by_channel")
    cur = f[f["period"] == "current"].copy()
    if cur.empty:
        return note("直近の期間に売上がありません。", "No sales in the window.")
    prev = f[f["period"] == "previous"].set_index("channel")
    full_prev = not prev.empty and int(prev["days"].max()) >= d.window_days
    net_total = cur["net_sales_jpy"].sum()
    cur["margin"] = [ratio(g, n) for g, n in zip(cur["gross_profit_jpy"], cur["net_sales_jpy"])]
    cur["share"] = [ratio(n, net_total) for n in cur["net_sales_jpy"]]
    cur["growth"] = [ratio(n - prev.at[c, "net_sales_jpy"], prev.at[c, "net_sales_jpy"])
                     if full_prev and c in prev.index else None for c, n in zip(cur["channel"], cur["net_sales_jpy"])]
    order = {c: i for i, c in enumerate(CHANNELS)}
    cur = cur.sort_values("channel", key=lambda s: s.map(lambda c: order.get(c, 9)))
    cols = [Col("channel", "チャネル", "Channel", "enum:channel"), Col("units", "販売数量", "Units", "int"),
            Col("net_sales_jpy", "純売上", "Net sales", "yen"), Col("share", "構成比", "Share", "pct"),
            Col("gross_profit_jpy", "粗利", "Gross profit", "yen"), Col("margin", "粗利率", "Margin", "pct"),
            Col("discount_incl_tax_jpy", "値引額（税込）", "Discounts (incl. tax)", "yen"),
            Col("returned_units", "返品数量", "Returned units", "int"),
            Col("growth", f"前{d.window_days}日比", f"vs previous {d.window_days} days", "spct")]
    bars = hbars([(enum_label("channel", c), float(v), yen(v))
                  for c, v in zip(cur["channel"], cur["net_sales_jpy"])], fmt=yen)
    return (heading(3, f"チャネル別（直近{d.window_days}日）", f"By channel (last {d.window_days} days)")
            + static_table(cur, cols) + bars)


def _location_table(d: ReportData) -> str:
    f = d.frame("sales_by_location")
    if f.empty:
        return ""
    f = f.copy()
    f["margin"] = [ratio(g, n) for g, n in zip(f["gross_profit_jpy"], f["net_sales_jpy"])]
    cols = [Col("channel", "チャネル", "Channel", "enum:channel"), Col("location_id", "拠点", "Location"),
            Col("location_label", "拠点名", "Location name"), Col("units", "販売数量", "Units", "int"),
            Col("net_sales_jpy", "純売上", "Net sales", "yen"), Col("gross_profit_jpy", "粗利", "Gross profit", "yen"),
            Col("margin", "粗利率", "Margin", "pct")]
    return heading(3, f"拠点別（直近{d.window_days}日）", f"By location (last {d.window_days} days)") + static_table(f, cols)


def _top_items(d: ReportData) -> str:
    blocks = {}
    for grain, key, ja, en in (("style", "style_id", "商品番号", "style"), ("sku", "sku_id", "SKU", "SKU")):
        f = d.frame(f"sales_by_{grain}")
        if f.empty:
            blocks[grain] = note("データなし", "no data")
            continue
        top = f.sort_values("net_sales_jpy", ascending=False).head(TOP_ITEMS)
        rows = []
        for r in top.itertuples(index=False):
            label = str(getattr(r, key))
            if getattr(r, "style_label", None) is not None and pd.notna(r.style_label):
                label += f" {r.style_label}"
            rows.append((label, float(r.net_sales_jpy or 0), f"{yen(r.net_sales_jpy)} · {pct(ratio(r.gross_profit_jpy, r.net_sales_jpy))}"))
        blocks[grain] = (heading(3, f"売上上位 {TOP_ITEMS}（{ja}・直近{d.window_days}日）",
                                 f"Top {TOP_ITEMS} by net sales ({en}, last {d.window_days} days)")
                         + note("右: 純売上 · 粗利率", "right: net sales · margin", "axes") + hbars(rows, fmt=yen))
    return grain_blocks(blocks["style"], blocks["sku"])


def channel_section(d: ReportData) -> Section:
    if d.frame("sales_daily").empty and d.frame("sales_by_channel").empty:
        return Section("channels", "チャネル別売上", "Channel breakdown", unavailable(d, M.CHANNEL_SALES))
    body = (_daily_chart(d) + _channel_table(d) + _location_table(d) + _top_items(d)
            + source_tag(M.CHANNEL_SALES))
    return Section("channels", "チャネル別売上（店舗 / EC / モール）", "Channel breakdown (store / EC / mall)", body,
                   grain="both")
