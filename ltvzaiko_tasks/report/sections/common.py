"""What every section shares: its frame, the grain badge, lookups between marts by key."""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ..data import ReportData
from ..html import bi, esc, heading


@dataclass(frozen=True)
class Section:
    anchor: str
    ja: str
    en: str
    body: str
    grain: str = ""
    """"both" when the section switches between 商品番号 and SKU, "sku" when its mart is SKU-grain only."""

    def render(self) -> str:
        badge = ""
        if self.grain == "both":
            badge = f'<span class="badge">{bi("商品番号 / SKU 切替", "style / SKU switch")}</span>'
        elif self.grain == "sku":
            badge = f'<span class="badge muted">{bi("SKU 粒度のみ", "SKU grain only")}</span>'
        return (f'<section class="card" id="{esc(self.anchor)}" data-section="{esc(self.anchor)}">'
                f'<div class="sec-head">{heading(2, self.ja, self.en)}{badge}</div>{self.body}</section>')


def grain_blocks(style_html: str, sku_html: str) -> str:
    """The same view at both grains; the page's switch shows one."""
    return f'<div class="g-style">{style_html}</div><div class="g-sku">{sku_html}</div>'


def location_labels(d: ReportData) -> dict[str, str]:
    """location_id → label as the marts name it (channel sales, inventory health)."""
    out: dict[str, str] = {}
    for name in ("sales_by_location", "inventory__locations"):
        f = d.frame(name)
        if {"location_id", "location_label"} <= set(f.columns):
            for k, v in f[["location_id", "location_label"]].dropna().drop_duplicates("location_id").itertuples(
                    index=False, name=None):
                out.setdefault(str(k), str(v))
    return out


def sku_styles(d: ReportData) -> pd.DataFrame:
    """sku_id → style_id (商品番号) and style_label, from the marts that carry both."""
    frames = []
    for name in ("sku_style", "inventory__sku_style"):
        f = d.frame(name)
        if {"sku_id", "style_id"} <= set(f.columns):
            cols = [c for c in ("sku_id", "style_id", "style_label") if c in f.columns]
            frames.append(f[cols])
    if not frames:
        return pd.DataFrame(columns=["sku_id", "style_id", "style_label"])
    out = pd.concat(frames, ignore_index=True).drop_duplicates("sku_id")
    if "style_label" not in out.columns:
        out["style_label"] = pd.NA
    return out


def with_styles(frame: pd.DataFrame, d: ReportData) -> pd.DataFrame:
    """``frame`` with style_id / style_label beside sku_id when a mart maps them (labels, not numbers)."""
    if "sku_id" not in frame.columns or "style_id" in frame.columns:
        return frame
    m = sku_styles(d)
    return frame.merge(m, on="sku_id", how="left") if not m.empty else frame


def with_locations(frame: pd.DataFrame, d: ReportData) -> pd.DataFrame:
    if "location_id" not in frame.columns or "location_label" in frame.columns:
        return frame
    labels = location_labels(d)
    out = frame.copy()
    out["location_label"] = out["location_id"].map(lambda v: labels.get(str(v)) if pd.notna(v) else None)
    return out


def pair(frame: pd.DataFrame, ja: str, en: str) -> list:
    """(ja, en) per row from two mart columns, for a ``pair`` table column."""
    if ja not in frame.columns and en not in frame.columns:
        return [None] * len(frame)
    a = frame[ja] if ja in frame.columns else frame[en]
    b = frame[en] if en in frame.columns else frame[ja]
    return list(zip(a.tolist(), b.tolist()))


def nonempty(d: ReportData, name: str) -> bool:
    f = d.frame(name)
    return not f.empty


def total(frame: pd.DataFrame, col: str):
    """Sum of a mart column (None when absent or all missing)."""
    if col not in frame.columns:
        return None
    s = pd.to_numeric(frame[col], errors="coerce")
    return None if s.notna().sum() == 0 else float(s.sum())


def unavailable(d: ReportData, mart: str) -> str:
    """Plain words for a mart that does not exist in the schema or has no rows for the as-of date."""
    from ..html import empty_notice

    if not d.has(mart):
        return empty_notice(mart, f"{mart} はスキーマ {d.schema} にまだありません（このパイプラインでは未公開）。",
                            f"{mart} does not exist in schema {d.schema} (not published by this pipeline yet).")
    return empty_notice(mart, f"{mart} には基準日 {d.as_of.isoformat()} の行がありません。",
                        f"{mart} has no rows for the as-of date {d.as_of.isoformat()}.")


def flag(series: pd.Series) -> pd.Series:
    """A boolean mart column as True/False (missing → False), whichever way it was read."""
    if series.dtype == bool:
        return series
    return series.map(lambda v: str(v).lower() in ("true", "t", "1") if pd.notna(v) else False).astype(bool)


def auto_cols(frame: pd.DataFrame, skip: tuple[str, ...] = ("as_of_date",)):
    """Columns for a mart whose layout the report does not know: kinds guessed from names and types."""
    from ..html import Col

    cols = []
    for c in frame.columns:
        if c in skip or c.startswith("_"):
            continue
        if c.endswith("_jpy"):
            kind = "yen"
        elif c.endswith(("_rate", "_share", "_pct")) and pd.api.types.is_numeric_dtype(frame[c]):
            kind = "pct"
        elif pd.api.types.is_integer_dtype(frame[c]):
            kind = "int"
        elif pd.api.types.is_numeric_dtype(frame[c]):
            kind = "num2"
        else:
            kind = "text"
        cols.append(Col(c, c, c, kind))
    return cols
