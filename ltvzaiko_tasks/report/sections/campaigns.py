"""Campaign effect (施策効果) per campaign × channel, from mart_campaign_effect."""
from __future__ import annotations

from .. import data as M
from ..data import ReportData
from ..fmt import text, yen
from ..html import Col, Filter, heading, interactive_table, note, source_tag
from ..i18n import enum_label
from ..svg import hbars
from .common import Section, unavailable

COLS = [
    Col("campaign_id", "施策ID", "Campaign"), Col("campaign_label", "施策名", "Name"),
    Col("channel", "チャネル", "Channel", "enum:channel"), Col("mechanism", "手法", "Mechanism", "enum:mechanism"),
    Col("discount_pct", "値引率（%）", "Discount %", "int"), Col("points_multiplier", "ポイント倍率", "Points ×", "int"),
    Col("start_date", "開始日", "Start", "date"), Col("end_date", "終了日", "End", "date"),
    Col("is_complete", "終了済み", "Complete", "enum:bool"),
    Col("actual_units", "実績数量", "Actual units", "int"), Col("baseline_units", "ベースライン数量", "Baseline units", "num1"),
    Col("uplift_units", "増分数量", "Uplift units", "num1"), Col("uplift_pct", "増分率", "Uplift", "spct"),
    Col("actual_gross_profit_jpy", "実績粗利", "Actual GP", "yen"),
    Col("baseline_gross_profit_jpy", "ベースライン粗利", "Baseline GP", "yen"),
    Col("discount_cost_jpy", "値引コスト", "Discount cost", "yen"),
    Col("incremental_gross_profit_jpy", "増分粗利", "Incremental GP", "yen"),
    Col("post_campaign_dip_units", "施策後の反動（数量）", "Post-campaign dip units", "num1"),
    Col("net_incremental_gross_profit_jpy", "反動控除後の増分粗利", "Net incremental GP", "yen"),
    Col("halo_units", "同カテゴリ波及（数量）", "Halo / cannibalisation units", "num1"),
    Col("halo_gross_profit_jpy", "同カテゴリ波及（粗利）", "Halo / cannibalisation GP", "yen"),
    Col("buyers", "購入顧客数", "Buyers", "int"), Col("new_buyer_share", "新規顧客比率", "New buyer share", "pct"),
    Col("later_repeat_rate", "その後のリピート率", "Later repeat rate", "pct"),
    Col("repeat_window_complete", "リピート観測完了", "Repeat window complete", "enum:bool"),
]


def campaign_section(d: ReportData) -> Section:
    f = d.frame(M.CAMPAIGN_EFFECT)
    title = ("施策効果", "Campaign effect")
    if f.empty:
        return Section("campaigns", *title, unavailable(d, M.CAMPAIGN_EFFECT))
    metric = next((c for c in ("net_incremental_gross_profit_jpy", "incremental_gross_profit_jpy") if c in f.columns), None)
    body = note("ベースライン = 施策前の比較可能な週 × 対象外商品のトレンド。増分粗利 = 実績粗利 − ベースライン粗利（値引コスト控除後）。"
                "反動控除後 = 施策後の落ち込みも差し引いた値。方法の詳細は mart_campaign_effect の説明を参照。",
                "Baseline = comparable weeks before the campaign × the trend of untreated items. Incremental GP = actual − "
                "baseline gross profit, after discount cost. Net = after the post-campaign dip as well. The method is "
                "described with mart_campaign_effect.")
    if metric:
        top = f.dropna(subset=[metric]).sort_values(metric, ascending=False).head(20)
        rows = []
        for _, r in top.iterrows():
            name = text(r.get("campaign_label", r.get("campaign_id")))
            if "start_date" in r and text(r["start_date"]) != "—":
                name += f" ({text(r['start_date'])[5:10]})"
            ja, en = enum_label("channel", r.get("channel"))
            rows.append(((f"{name} · {ja}", f"{name} · {en}"), float(r[metric]), yen(r[metric])))
        body += (heading(3, "反動控除後の増分粗利（上位20）" if metric.startswith("net") else "増分粗利（上位20）",
                         "Net incremental gross profit (top 20)" if metric.startswith("net") else "Incremental gross profit (top 20)")
                 + hbars(rows, fmt=yen, color="#59a14f"))
    sort = [c for c in ("start_date", "campaign_id", "channel") if c in f.columns]
    body += heading(3, "施策 × チャネル", "Campaign × channel") + interactive_table(
        "campaign-table", f.sort_values(sort) if sort else f, COLS, csv_name=f"campaign_effect_{d.as_of.isoformat()}.csv",
        search_keys=[c for c in ("campaign_id", "campaign_label") if c in f.columns],
        filters=[Filter("channel", "チャネル", "Channel", "channel"), Filter("mechanism", "手法", "Mechanism", "mechanism")],
        total_rows=d.totals.get(M.CAMPAIGN_EFFECT))
    body += note(f"基準日 {d.as_of.isoformat()} までに始まった施策。数値はマートの最終更新時点のもの。",
                 f"Campaigns that started by {d.as_of.isoformat()}; figures as of the mart's last build.")
    return Section("campaigns", *title, body + source_tag(M.CAMPAIGN_EFFECT))
