"""Forecast accuracy over time (予測精度の推移), from mart_forecast_accuracy."""
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
        Col("bias", "バイアス", "Bias", "spct"), Col("p10_p90_coverage", "予測区間カバー率（p10–p90）",
                                                   "p10–p90 coverage", "pct")]


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
    f = d.frame(M.FORECAST_ACCURACY)
    title = ("予測精度の推移", "Forecast accuracy over time")
    if f.empty:
        return Section("forecast", *title, unavailable(d, M.FORECAST_ACCURACY))
    body = note("毎回の実行で直近の期間を伏せて予測し、実績と比較（欠品日は除外）。WAPE が低いほど良い。バイアス > 0 は過大予測。",
                "Every run holds out its last horizon and scores the forecast against actuals (stock-out days "
                "excluded). Lower WAPE is better; bias > 0 means over-forecasting.")
    if "wape" in f.columns:
        body += _chart(f, "wape", "WAPE（基準日別）", "WAPE by as-of date")
    if "bias" in f.columns:
        body += _chart(f, "bias", "バイアス（基準日別）", "Bias by as-of date", zero_line=True)
    latest = f[f["as_of_date"].astype(str) == d.as_of.isoformat()]
    if latest.empty:
        body += note("この基準日の検証結果はありません（下は直近の結果）。", "No backtest for this as-of date (latest shown below).")
        latest = f[f["as_of_date"].astype(str) == f["as_of_date"].astype(str).max()]
    body += heading(3, "基準日の検証結果", "Backtest at the as-of date") + static_table(latest, COLS)
    return Section("forecast", *title, body + source_tag(M.FORECAST_ACCURACY))
