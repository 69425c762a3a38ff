"""Customer LTV segments (LTVセグメント) and the model's calibration check, from mart_customer_ltv."""
from __future__ import annotations

import pandas as pd

from .. import data as M
from ..data import ReportData
from ..fmt import compact, integer, number, ratio, signed_pct, yen_compact
from ..html import Col, heading, note, source_tag, static_table
from ..svg import PALETTE, Series, legend, line_chart, stacked_bars
from .common import Section, auto_cols, unavailable

SEGMENTS = ("high", "mid", "low")
SEG_LABEL = {"high": ("高", "high"), "mid": ("中", "mid"), "low": ("低", "low")}
SEG_COLS = [
    Col("ltv_segment", "LTVセグメント", "LTV segment", "enum:segment"), Col("customers", "顧客数", "Customers", "int"),
    Col("customer_share", "顧客構成比", "Share of customers", "pct"),
    Col("clv_sum", "予測LTV合計", "Predicted CLV, total", "yen"), Col("clv_share", "LTV構成比", "Share of CLV", "pct"),
    Col("clv_avg", "予測LTV平均", "Predicted CLV, mean", "yen"), Col("clv_median", "予測LTV中央値", "Predicted CLV, median", "yen"),
    Col("p_alive_avg", "生存確率（平均）", "p(alive), mean", "pct"),
    Col("expected_purchases_avg", "期待購買回数（12か月・平均）", "Expected purchases 12m, mean", "num2"),
    Col("frequency_avg", "リピート回数（平均）", "Repeat purchases, mean", "num2"),
    Col("repeat_spend_avg", "平均購買単価", "Repeat spend, mean", "yen"),
]


def _histogram(d: ReportData) -> str:
    h = d.frame("ltv_histogram")
    if h.empty:
        return ""
    hi = float(h["hi"].iloc[0])
    buckets = list(range(1, 21))
    labels = [yen_compact((b - 1) * hi / 20) for b in buckets]
    labels[-1] = "≥" + labels[-1]
    series = []
    segs = [s for s in SEGMENTS if "ltv_segment" in h and s in set(h["ltv_segment"])] or [None]
    for s in segs:
        part = h if s is None else h[h["ltv_segment"] == s]
        counts = part.groupby("bucket")["customers"].sum()
        ja, en = SEG_LABEL.get(s, ("全顧客", "all customers"))
        series.append(Series(f"LTV {ja}", f"LTV {en}", [float(counts.get(b, 0)) for b in buckets],
                             PALETTE.get(s, "#4e79a7")))
    return (heading(3, "予測LTVの分布", "Distribution of predicted CLV")
            + stacked_bars(labels, series, label="Customers by predicted 12-month CLV", y_fmt=compact, height=240)
            + legend(series) + note("横軸: 予測LTV（12か月粗利、各区間の下限）· 縦軸: 顧客数",
                                    "x: predicted 12-month margin CLV (lower bound of each bucket) · y: customers", "axes"))


CAL_COLS = [
    Col("frequency_bucket", "学習期間のリピート回数", "Repeat purchases (calibration)"),
    Col("customers", "顧客数", "Customers", "int"),
    Col("actual_holdout_purchases", "実績（平均購買回数）", "Actual (mean purchases)", "num2"),
    Col("predicted_holdout_purchases", "予測（平均購買回数）", "Predicted (mean purchases)", "num2"),
    Col("naive_holdout_purchases", "単純予測（平均購買回数）", "Naive rule (mean purchases)", "num2"),
]


def _calibration(d: ReportData) -> str:
    head = heading(3, "モデル検証（キャリブレーション）", "Model check (calibration vs hold-out)")
    cal = d.frame(M.LTV_CALIBRATION)
    if cal.empty:
        return head + unavailable(d, M.LTV_CALIBRATION) + note(
            "この基準日には BG/NBD のホールドアウト検証（頻度別の予測と実績）がありません（履歴が短い場合など）。",
            "There is no BG/NBD hold-out check (predicted vs actual purchases by frequency) for this as-of date "
            "(e.g. too little history).")
    x_key = next((c for c in ("frequency_bucket", "frequency", "bucket") if c in cal.columns), cal.columns[0])
    a_key = next((c for c in ("actual_holdout_purchases", "actual") if c in cal.columns), None)
    p_key = next((c for c in ("predicted_holdout_purchases", "predicted") if c in cal.columns), None)
    chart = ""
    if a_key and p_key:
        sort_key = "frequency_min" if "frequency_min" in cal.columns else x_key
        cal = cal.sort_values(sort_key)
        series = [Series("実績", "actual", _values(cal[a_key]), "#4e79a7"),
                  Series("予測", "predicted", _values(cal[p_key]), "#e15759", True)]
        if "naive_holdout_purchases" in cal.columns:
            series.append(Series("単純予測", "naive rule", _values(cal["naive_holdout_purchases"]), "#bab0ac", True))
        chart = (line_chart([str(v) for v in cal[x_key]], series, label="Calibration: hold-out purchases by frequency",
                            y_fmt=lambda v: number(v, 2), markers=True) + legend(series)
                 + note("横軸: 学習期間のリピート回数 · 縦軸: ホールドアウト期間の平均購買回数",
                        "x: repeat purchases in the calibration period · y: mean purchases in the hold-out", "axes"))
    known = [c for c in CAL_COLS if c.key in cal.columns]
    table = static_table(cal, known if len(known) >= 3 else auto_cols(cal))
    return head + _calibration_summary(cal) + chart + table + source_tag(M.LTV_CALIBRATION)


def _values(col: pd.Series) -> list:
    return [None if pd.isna(v) else float(v) for v in pd.to_numeric(col, errors="coerce")]


def _calibration_summary(cal: pd.DataFrame) -> str:
    """The run's headline: hold-out period and total relative error of the model and of the naive rule."""
    need = {"calibration_end_date", "holdout_end_date", "holdout_weeks", "total_relative_error",
            "naive_total_relative_error", "customers_evaluated"}
    if not need <= set(cal.columns):
        return ""
    r = cal.iloc[0]
    err, naive = r["total_relative_error"], r["naive_total_relative_error"]
    return note(
        f"学習期間 〜{r['calibration_end_date']}、ホールドアウト {integer(r['holdout_weeks'])} 週（〜{r['holdout_end_date']}）、"
        f"{integer(r['customers_evaluated'])} 人。総購買回数の予測誤差 {signed_pct(err)}（単純予測 {signed_pct(naive)}）。",
        f"Calibration up to {r['calibration_end_date']}, hold-out {integer(r['holdout_weeks'])} weeks (to "
        f"{r['holdout_end_date']}), {integer(r['customers_evaluated'])} customers. Total purchases predicted "
        f"{signed_pct(err)} off (naive rule {signed_pct(naive)}).")


def customer_section(d: ReportData) -> Section:
    seg = d.frame("ltv_segments")
    title = ("顧客LTVセグメント", "Customer LTV segments")
    if seg.empty:
        return Section("ltv", *title, unavailable(d, M.CUSTOMER_LTV) + _calibration(d))
    seg = seg.copy()
    n, v = seg["customers"].sum(), seg["clv_sum"].sum()
    seg["customer_share"] = [ratio(c, n) for c in seg["customers"]]
    seg["clv_share"] = [ratio(c, v) for c in seg["clv_sum"]]
    order = {s: i for i, s in enumerate(SEGMENTS)}
    seg = seg.sort_values("ltv_segment", key=lambda s: s.map(lambda x: order.get(x, 9)))
    body = (note("予測LTV = 今後12か月の割引後粗利（BG/NBD + Gamma-Gamma）。セグメントは予測LTV順位で 高 20% / 中 30% / 低 50%。",
                 "Predicted CLV = discounted gross margin over the next 12 months (BG/NBD + Gamma-Gamma). Segments by "
                 "CLV rank: high 20 %, mid 30 %, low 50 %.")
            + static_table(seg, SEG_COLS) + _histogram(d) + source_tag(M.CUSTOMER_LTV) + _calibration(d))
    return Section("ltv", *title, body)
