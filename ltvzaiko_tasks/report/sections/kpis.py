"""Headline figures (主要指標): each card names the mart it sums."""
from __future__ import annotations

import pandas as pd

from .. import data as M
from ..data import ReportData
from ..fmt import MISSING, integer, number, pct, ratio, signed_pct, yen
from ..html import bi, esc, note
from .common import Section, total


def _card(key: str, ja: str, en: str, value: str, sub_ja: str, sub_en: str, mart: str) -> str:
    missing = " missing" if value == MISSING else ""
    return (f'<div class="kpi{missing}" data-kpi="{esc(key)}"><div class="k-label">{bi(ja, en)}</div>'
            f'<div class="k-value">{esc(value)}</div><div class="k-sub">{bi(sub_ja, sub_en)}</div>'
            f'<div class="k-src">{esc(mart)}</div></div>')


def _no_rows(d: ReportData, mart: str) -> tuple[str, str]:
    if not d.has(mart):
        return "マート未公開", "mart not published"
    return "この基準日のデータなし", "no rows for this date"


def kpi_section(d: ReportData) -> Section:
    cards = []
    days = d.window_days
    by_ch = d.frame("sales_by_channel")
    if not by_ch.empty:
        cur = by_ch[by_ch["period"] == "current"]
        prev = by_ch[by_ch["period"] == "previous"]
        net, gp = total(cur, "net_sales_jpy"), total(cur, "gross_profit_jpy")
        prev_full = not prev.empty and int(prev["days"].max()) >= days
        prev_net = total(prev, "net_sales_jpy") if prev_full else None
        growth = ratio(net - prev_net, prev_net) if net is not None and prev_net else None
        cards.append(_card("net_sales", f"純売上（直近{days}日・税抜）", f"Net sales ({days} days, excl. tax)", yen(net),
                           f"前{days}日比 {signed_pct(growth)}", f"vs previous {days} days {signed_pct(growth)}",
                           M.CHANNEL_SALES))
        cards.append(_card("gross_profit", f"粗利（直近{days}日）", f"Gross profit ({days} days)", yen(gp),
                           f"粗利率 {pct(ratio(gp, net))}", f"margin {pct(ratio(gp, net))}", M.CHANNEL_SALES))
    else:
        s = _no_rows(d, M.CHANNEL_SALES) if not d.has(M.CHANNEL_SALES) else ("この期間の売上なし", "no sales in the window")
        cards.append(_card("net_sales", "純売上", "Net sales", MISSING, *s, M.CHANNEL_SALES))
        cards.append(_card("gross_profit", "粗利", "Gross profit", MISSING, *s, M.CHANNEL_SALES))

    ltv = d.frame("ltv_overall")
    if not ltv.empty and int(ltv["customers"].iloc[0] or 0) > 0:
        r = ltv.iloc[0]
        cards.append(_card("customer_ltv", "顧客LTV（平均・12か月粗利）", "Customer LTV (mean, 12-month margin)",
                           yen(r["clv_avg"]), f"{integer(r['customers'])} 人 · 合計 {yen(r['clv_sum'])}",
                           f"{integer(r['customers'])} customers · total {yen(r['clv_sum'])}", M.CUSTOMER_LTV))
    else:
        cards.append(_card("customer_ltv", "顧客LTV", "Customer LTV", MISSING, *_no_rows(d, M.CUSTOMER_LTV),
                           M.CUSTOMER_LTV))

    inv = d.frame("inventory__totals")
    if not inv.empty and int(inv["rows"].iloc[0] or 0) > 0:
        r = inv.iloc[0]
        days90 = r.get("days_observed_90d")
        base = ratio(r.get("cost_of_goods_90d_jpy"), r.get("avg_stock_value_90d_jpy"))
        turnover = base * 365.0 / float(days90) if base is not None and days90 else None
        cards.append(_card("turnover", "在庫回転率（年換算）", "Inventory turnover (annualised)",
                           MISSING if turnover is None else f"{number(turnover, 2)}×",
                           f"直近{integer(days90)}日の売上原価 ÷ 平均在庫額",
                           f"COGS ÷ avg stock at cost, last {integer(days90)} days", M.INVENTORY_HEALTH))
        d28 = min(28.0, float(days90)) if days90 else None
        so_days = r.get("stockout_days_28d")
        rate = ratio(so_days, float(r["rows"]) * d28) if d28 else None
        cards.append(_card("stockout_rate", f"欠品率（直近{integer(d28)}日）", f"Stock-out rate ({integer(d28)} days)",
                           pct(rate), f"欠品 {integer(so_days)} 日 / SKU×拠点×日",
                           f"{integer(so_days)} stock-out days / SKU × location × days", M.INVENTORY_HEALTH))
        dead_value, stock = r.get("dead_stock_value_jpy"), r.get("on_hand_value_jpy")
        dead_n = r.get("dead_rows")
        cards.append(_card("dead_stock", "不良在庫（原価）", "Dead stock (at cost)", yen(dead_value),
                           f"{integer(dead_n)} SKU×拠点 · 在庫額の {pct(ratio(dead_value, stock))}",
                           f"{integer(dead_n)} SKU × locations · {pct(ratio(dead_value, stock))} of stock value",
                           M.INVENTORY_HEALTH))
    else:
        s = _no_rows(d, M.INVENTORY_HEALTH)
        for key, ja, en in (("turnover", "在庫回転率", "Inventory turnover"), ("stockout_rate", "欠品率", "Stock-out rate"),
                            ("dead_stock", "不良在庫", "Dead stock")):
            cards.append(_card(key, ja, en, MISSING, *s, M.INVENTORY_HEALTH))

    st = d.frame("sell_through__totals")
    if not st.empty and {"grain", "sold_units", "on_hand_units"} <= set(st.columns):
        rows = st[st["grain"] == "style"]
        sold, on_hand = total(rows, "sold_units"), total(rows, "on_hand_units")
        rate = ratio(sold, (sold or 0) + (on_hand or 0))
        seas = rows[rows["item_type"] == "seasonal"] if "item_type" in rows else rows.iloc[0:0]
        s_sold, s_oh = total(seas, "sold_units"), total(seas, "on_hand_units")
        s_rate = ratio(s_sold, (s_sold or 0) + (s_oh or 0))
        cards.append(_card("sell_through", "消化率（販売期間）", "Sell-through (selling period)", pct(rate),
                           f"シーズン品 {pct(s_rate)}", f"seasonal {pct(s_rate)}", M.SELL_THROUGH))
    else:
        cards.append(_card("sell_through", "消化率", "Sell-through", MISSING, *_no_rows(d, M.SELL_THROUGH), M.SELL_THROUGH))

    tot = [d.frame(n + "__totals") for n in ("orders_staple", "orders_seasonal", "orders_all")]
    tot = [t for t in tot if not t.empty]
    if tot:
        t = pd.concat(tot, ignore_index=True)
        cards.append(_card("orders", "推奨発注", "Recommended orders", yen(total(t, "order_value_jpy")),
                           f"発注行 {integer(total(t, 'order_lines'))} · {integer(total(t, 'order_units'))} 点",
                           f"order lines {integer(total(t, 'order_lines'))} · units {integer(total(t, 'order_units'))}",
                           M.ORDER_LIST))
    else:
        cards.append(_card("orders", "推奨発注", "Recommended orders", MISSING, *_no_rows(d, M.ORDER_LIST), M.ORDER_LIST))
    body = f'<div class="kpis">{"".join(cards)}</div>'
    start, end = d.window
    body += note(f"期間: {start.isoformat()} 〜 {end.isoformat()}（基準日まで{days}日）。各カードの下にマート名。",
                 f"Window: {start.isoformat()} to {end.isoformat()} ({days} days to the as-of date). Each card names its mart.")
    return Section("kpis", "主要指標", "Key figures", body)
