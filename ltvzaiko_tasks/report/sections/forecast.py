"""Forecast accuracy over time (予測精度の推移), from mart_forecast_accuracy.

The mart holds one row per run × model × segment × horizon bucket; the charts and the headline table read the
overall rows (``segment_type = 'all'``, ``horizon_bucket = 'all'``), the breakdown table the others. A mart
without those columns (written before the breakdowns existed) is all overall rows."""
from __future__ import annotations

import pandas as pd

from .. import data as M
from ..data import ReportData
from ..fmt import pct
from ..html import Col, heading, note, source_tag, static_table
from ..i18n import enum_label
from ..svg import SERIES_COLORS, Series, legend, line_chart
from .common import Section, unavailable

MODEL_COLORS = {"xgboost": "#4e79a7", "seasonal_naive": "#e15759", "moving_average": "#59a14f"}
COLS = [Col("model", "予測モデル", "Model", "enum:model"), Col("cutoff_date", "学習打切日", "Cutoff", "date"),
        Col("horizon_days", "予測期間（日）", "Horizon (days)", "int"), Col("series", "系列数", "Series", "int"),
        Col("actual_units", "実績数量", "Actual units", "num1"), Col("wape", "WAPE", "WAPE", "pct"),
        Col("wape_14d", "WAPE（14日合計）", "WAPE (14-day totals)", "pct"),
        Col("bias", "バイアス", "Bias", "spct"), Col("mase", "MASE", "MASE", "num2"),
        Col("p10_p90_coverage", "予測区間カバー率（p10–p90）", "p10–p90 coverage", "pct"),
        Col("model_version", "モデルバージョン", "Model version", "text")]
BREAKDOWN_COLS = [
    Col("segment_type", "区分", "Breakdown", "enum:segment_type"), Col("segment_label", "セグメント", "Segment", "pair"),
    Col("horizon_bucket", "予測日数帯", "Days ahead", "text"), Col("series", "系列数", "Series", "int"),
    Col("wape_xgboost", "WAPE（XGBoost）", "WAPE (XGBoost)", "pct"),
    Col("wape_seasonal_naive", "WAPE（季節ナイーブ）", "WAPE (seasonal naive)", "pct"),
    Col("wape_moving_average", "WAPE（移動平均）", "WAPE (moving average)", "pct"),
    Col("mase_xgboost", "MASE（XGBoost）", "MASE (XGBoost)", "num2"),
    Col("bias_xgboost", "バイアス（XGBoost）", "Bias (XGBoost)", "spct"),
    Col("p10_p90_coverage_xgboost", "区間カバー率", "p10–p90 coverage", "pct")]


def _overall(f: pd.DataFrame) -> pd.DataFrame:
    keep = pd.Series(True, index=f.index)
    for col in ("segment_type", "horizon_bucket"):
        if col in f.columns:
            keep &= f[col].astype(str).eq("all")
    return f[keep]


def _breakdown(latest: pd.DataFrame) -> str:
    """WAPE of every model side by side, MASE, bias and coverage of XGBoost, per segment and horizon bucket."""
    if not {"segment_type", "segment", "horizon_bucket"} <= set(latest.columns):
        return ""
    rows = latest[~(latest["segment_type"].astype(str).eq("all") & latest["horizon_bucket"].astype(str).eq("all"))]
    if rows.empty:
        return ""
    keys = ["segment_type", "segment", "horizon_bucket"]
    sort = [k for k in ("horizon_from",) if k in rows.columns]
    wide = rows.pivot_table(index=keys + sort, columns="model",
                            values=[c for c in ("wape", "mase", "bias", "p10_p90_coverage") if c in rows.columns],
                            aggfunc="first")
    wide.columns = [f"{v}_{m}" for v, m in wide.columns]
    wide = wide.reset_index()
    wide = wide.merge(rows[rows["model"].astype(str) == "xgboost"][keys + ["series"]], on=keys, how="left")
    order = {"all": 0, "item_type": 1, "ltv_class": 2}
    wide = wide.sort_values(by=keys[:2] + sort, key=lambda c: c.map(order).fillna(9) if c.name == "segment_type" else c)
    wide["segment_label"] = [enum_label(t if t in ("item_type", "ltv_class") else "segment_type", s)
                             for t, s in zip(wide["segment_type"].astype(str), wide["segment"].astype(str))]
    return (heading(3, "検証結果の内訳（予測日数帯・セグメント別）", "Backtest by days ahead and segment")
            + static_table(wide, BREAKDOWN_COLS))


def _chart(f: pd.DataFrame, metric: str, ja: str, en: str, zero_line: bool = False) -> str:
    dates = sorted(f["as_of_date"].astype(str).unique())
    models = list(dict.fromkeys(f["model"].astype(str)))
    series = []
    for i, m in enumerate(models):
        sub = f[f["model"].astype(str) == m]
        s = pd.Series(pd.to_numeric(sub[metric], errors="coerce").to_numpy(), index=sub["as_of_date"].astype(str))
        mja, men = enum_label("model", m)
        series.append(Series(mja, men, [None if pd.isna(s.get(x)) else float(s.get(x)) for x in dates],
                             MODEL_COLORS.get(m, SERIES_COLORS[i % len(SERIES_COLORS)]), dashed=m != "xgboost"))
    chart = line_chart([x[5:] if len(dates) < 200 else x for x in dates], series, label=f"{en} by as-of date",
                       y_fmt=lambda v: pct(v, 0), zero_based=not zero_line, hline=(0.0, "0") if zero_line else None)
    return heading(3, ja, en) + chart + legend(series)


def forecast_section(d: ReportData) -> Section:
    full = d.frame(M.FORECAST_ACCURACY)
    title = ("予測精度の推移", "Forecast accuracy over time")
    if full.empty:
        return Section("forecast", *title, unavailable(d, M.FORECAST_ACCURACY))
    f = _overall(full)
    body = note("毎回の実行で直近の期間を伏せて予測し（ローリング・オリジン）、実績と比較（欠品日は除外）。WAPE・MASE が"
                "低いほど良い（MASE < 1 は前週同曜日の予測誤差より小さい）。バイアス > 0 は過大予測。",
                "Every run holds out its last horizon on rolling origins and scores the forecasts against actuals "
                "(stock-out days excluded). Lower WAPE and MASE are better (MASE < 1: smaller errors than "
                "same-weekday-last-week in sample); bias > 0 means over-forecasting.")
    body += note("WAPE（14日合計）は系列ごとに14日間の需要を合計してから比較した値。発注が賄うのは数日分の合計であり、"
                 "1日・1SKU・1拠点の WAPE は偶然の変動に左右される（docs/forecast.md §8）。",
                 "WAPE (14-day totals) compares each series' demand summed over 14 days, what an order covering two "
                 "weeks sees; the daily WAPE of one SKU at one location is dominated by chance (docs/forecast.md §8).")
    if "wape_14d" in f.columns and pd.to_numeric(f["wape_14d"], errors="coerce").notna().any():
        body += _chart(f, "wape_14d", "WAPE・14日合計（基準日別）", "WAPE of 14-day totals by as-of date")
    if "wape" in f.columns:
        body += _chart(f, "wape", "WAPE・日次（基準日別）", "Daily WAPE by as-of date")
    if "bias" in f.columns:
        body += _chart(f, "bias", "バイアス（基準日別）", "Bias by as-of date", zero_line=True)
    shown = d.as_of.isoformat()
    if not f["as_of_date"].astype(str).eq(shown).any():
        body += note("この基準日の検証結果はありません（下は直近の結果）。", "No backtest for this as-of date (latest shown below).")
        shown = f["as_of_date"].astype(str).max()
    latest = f[f["as_of_date"].astype(str) == shown]
    body += heading(3, "基準日の検証結果", "Backtest at the as-of date") + static_table(latest, COLS)
    body += _breakdown(full[full["as_of_date"].astype(str) == shown])
    return Section("forecast", *title, body + source_tag(M.FORECAST_ACCURACY))
