"""Inline SVG charts drawn in Python (no plotting library, nothing fetched when the page opens).

Charts carry numbers and dates only; titles, axis names and legends are bilingual HTML around them
(:func:`legend`). Every text that reaches the SVG, point tooltips included, is escaped.
"""
from __future__ import annotations

import math
from datetime import date
from dataclasses import dataclass
from typing import Callable, Sequence

from .fmt import compact
from .html import bi, esc

PALETTE = {
    "store": "#4e79a7", "ec": "#f28e2b", "mall": "#59a14f",
    "高": "#c0392b", "中": "#e6a23c", "低": "#7f8c8d",
    "high": "#c0392b", "mid": "#e6a23c", "low": "#7f8c8d",
    "a": "#4e79a7", "b": "#e15759", "c": "#76b7b2", "d": "#edc948", "e": "#b07aa1", "f": "#9c755f",
}
SERIES_COLORS = ["#4e79a7", "#e15759", "#59a14f", "#f28e2b", "#b07aa1", "#76b7b2", "#edc948", "#9c755f"]

Fmt = Callable[[float], str]


@dataclass(frozen=True)
class Series:
    ja: str
    en: str
    values: Sequence[float | None]
    color: str = "#4e79a7"
    dashed: bool = False


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    color: str
    label: str
    """Tooltip text (escaped)."""
    r: float = 4.0


def nice_ticks(lo: float, hi: float, n: int = 5) -> list[float]:
    """About ``n`` round tick values covering ``lo..hi``."""
    if not (math.isfinite(lo) and math.isfinite(hi)):
        return [0.0, 1.0]
    if hi == lo:
        hi = lo + (abs(lo) or 1.0)
    raw = (hi - lo) / max(n, 1)
    mag = 10 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw)
    start = math.floor(lo / step) * step
    ticks, t = [], start
    while t <= hi + step * 1e-9:
        ticks.append(round(t, 12))
        t += step
    if ticks[-1] < hi:
        ticks.append(round(ticks[-1] + step, 12))
    return ticks


def _frame(width: int, height: int, label: str) -> tuple[str, str]:
    return (f'<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
            f'width="100%" preserveAspectRatio="xMidYMid meet" role="img" aria-label="{esc(label)}">'
            f'<title>{esc(label)}</title>', "</svg>")


def _x_ticks(n: int, want: int = 8) -> list[int]:
    if n <= want:
        return list(range(n))
    step = math.ceil((n - 1) / (want - 1))
    idx = list(range(0, n, step))
    if idx[-1] != n - 1:
        if n - 1 - idx[-1] < step / 2:
            idx[-1] = n - 1
        else:
            idx.append(n - 1)
    return idx


def _y_axis(ticks: list[float], y_of, left: int, right: int, y_fmt: Fmt) -> list[str]:
    out = []
    for t in ticks:
        y = y_of(t)
        out.append(f'<line x1="{left}" x2="{right}" y1="{y:.1f}" y2="{y:.1f}" class="gridline"/>')
        out.append(f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" class="tick">{esc(y_fmt(t))}</text>')
    return out


def line_chart(x: Sequence[str], series: Sequence[Series], *, label: str, y_fmt: Fmt = compact,
               width: int = 760, height: int = 260, zero_based: bool = True,
               hline: tuple[float, str] | None = None, markers: bool | None = None) -> str:
    """Lines over categorical x (dates): gaps where a value is missing."""
    left, right, top, bottom = 64, width - 16, 14, height - 30
    vals = [v for s in series for v in s.values if v is not None and math.isfinite(v)]
    if hline:
        vals.append(hline[0])
    if not vals or not x:
        return ""
    lo, hi = (min(0.0, min(vals)) if zero_based else min(vals)), max(vals)
    ticks = nice_ticks(lo, hi)
    lo, hi = ticks[0], ticks[-1]
    n = len(x)
    x_of = (lambda i: (left + right) / 2) if n == 1 else (lambda i: left + (right - left) * i / (n - 1))
    y_of = lambda v: bottom - (bottom - top) * (v - lo) / (hi - lo or 1)  # noqa: E731
    head, tail = _frame(width, height, label)
    parts = [head, *_y_axis(ticks, y_of, left, right, y_fmt)]
    for i in _x_ticks(n):
        parts.append(f'<text x="{x_of(i):.1f}" y="{height - 10}" text-anchor="middle" class="tick">{esc(x[i])}</text>')
    if hline:
        y = y_of(hline[0])
        parts.append(f'<line x1="{left}" x2="{right}" y1="{y:.1f}" y2="{y:.1f}" class="refline"/>'
                     f'<text x="{right}" y="{y - 4:.1f}" text-anchor="end" class="tick">{esc(hline[1])}</text>')
    show_markers = markers if markers is not None else n <= 40
    for s in series:
        runs: list[list[tuple[float, float, int]]] = [[]]
        for i, v in enumerate(s.values):
            if v is None or not math.isfinite(v):
                if runs[-1]:
                    runs.append([])
                continue
            runs[-1].append((x_of(i), y_of(v), i))
        dash = ' stroke-dasharray="6 4"' if s.dashed else ""
        for run in runs:
            if len(run) > 1:
                pts = " ".join(f"{px:.1f},{py:.1f}" for px, py, _ in run)
                parts.append(f'<polyline points="{pts}" fill="none" stroke="{esc(s.color)}" stroke-width="2"{dash}/>')
            for px, py, i in run if (show_markers or len(run) == 1) else []:
                parts.append(f'<circle cx="{px:.1f}" cy="{py:.1f}" r="3" fill="{esc(s.color)}">'
                             f'<title>{esc(s.en)} {esc(x[i])}: {esc(y_fmt(s.values[i]))}</title></circle>')
    parts.append(tail)
    return "".join(parts)


def stacked_bars(x: Sequence[str], series: Sequence[Series], *, label: str, y_fmt: Fmt = compact,
                 width: int = 760, height: int = 260) -> str:
    """Stacked columns per x (e.g. net sales per day by channel); negative parts are drawn at 0."""
    left, right, top, bottom = 64, width - 16, 14, height - 30
    n = len(x)
    if not n or not series:
        return ""
    totals = [sum(max(s.values[i] or 0.0, 0.0) for s in series) for i in range(n)]
    ticks = nice_ticks(0.0, max(totals) or 1.0)
    hi = ticks[-1]
    slot = (right - left) / n
    bar = min(max(slot * 0.8, 1.0), 36.0)
    y_of = lambda v: bottom - (bottom - top) * v / (hi or 1)  # noqa: E731
    head, tail = _frame(width, height, label)
    parts = [head, *_y_axis(ticks, y_of, left, right, y_fmt)]
    for i in _x_ticks(n):
        parts.append(f'<text x="{left + slot * (i + 0.5):.1f}" y="{height - 10}" text-anchor="middle" '
                     f'class="tick">{esc(x[i])}</text>')
    for i in range(n):
        base = 0.0
        x0 = left + slot * i + (slot - bar) / 2
        for s in series:
            v = max(s.values[i] or 0.0, 0.0)
            if v <= 0:
                continue
            y1, y0 = y_of(base + v), y_of(base)
            parts.append(f'<rect x="{x0:.1f}" y="{y1:.1f}" width="{bar:.1f}" height="{max(y0 - y1, 0.5):.1f}" '
                         f'fill="{esc(s.color)}"><title>{esc(x[i])} {esc(s.en)}: {esc(y_fmt(v))}</title></rect>')
            base += v
    parts.append(tail)
    return "".join(parts)


def columns(x: Sequence[str], values: Sequence[float], *, label: str, y_fmt: Fmt = compact, color: str = "#4e79a7",
            width: int = 760, height: int = 220, colors: Sequence[str] | None = None) -> str:
    """Simple columns (a histogram, counts per bucket); negative values hang below the zero line."""
    return stacked_bars(x, [Series("", "", list(values), color)], label=label, y_fmt=y_fmt, width=width,
                        height=height) if colors is None else _colored_columns(x, values, colors, label, y_fmt,
                                                                               width, height)


def _colored_columns(x, values, colors, label, y_fmt, width, height) -> str:
    left, right, top, bottom = 64, width - 16, 14, height - 30
    n = len(x)
    if not n:
        return ""
    ticks = nice_ticks(0.0, max([max(v or 0.0, 0.0) for v in values] + [1e-9]))
    hi = ticks[-1]
    slot = (right - left) / n
    bar = min(slot * 0.7, 48.0)
    y_of = lambda v: bottom - (bottom - top) * v / (hi or 1)  # noqa: E731
    head, tail = _frame(width, height, label)
    parts = [head, *_y_axis(ticks, y_of, left, right, y_fmt)]
    for i in range(n):
        v = max(values[i] or 0.0, 0.0)
        x0 = left + slot * i + (slot - bar) / 2
        parts.append(f'<text x="{x0 + bar / 2:.1f}" y="{height - 10}" text-anchor="middle" class="tick">{esc(x[i])}</text>')
        parts.append(f'<rect x="{x0:.1f}" y="{y_of(v):.1f}" width="{bar:.1f}" height="{max(bottom - y_of(v), 0.5):.1f}" '
                     f'fill="{esc(colors[i])}"><title>{esc(x[i])}: {esc(y_fmt(v))}</title></rect>')
    parts.append(tail)
    return "".join(parts)


def scatter(points: Sequence[Point], *, label: str, x_fmt: Fmt = compact, y_fmt: Fmt = compact,
            width: int = 760, height: int = 320, x_ref: float | None = None, y_ref: float | None = None,
            x_max: float | None = None) -> str:
    """Points with optional reference lines (the ZPM thresholds). x beyond ``x_max`` is drawn at the edge."""
    pts = [p for p in points if math.isfinite(p.x) and math.isfinite(p.y)]
    if not pts:
        return ""
    left, right, top, bottom = 64, width - 16, 14, height - 30
    xs = [min(p.x, x_max) if x_max is not None else p.x for p in pts]
    xt = nice_ticks(min(0.0, min(xs)), max(xs + ([x_ref] if x_ref is not None else [])))
    yt = nice_ticks(min(0.0, min(p.y for p in pts)), max([p.y for p in pts] + ([y_ref] if y_ref is not None else [])))
    x_of = lambda v: left + (right - left) * (v - xt[0]) / (xt[-1] - xt[0] or 1)  # noqa: E731
    y_of = lambda v: bottom - (bottom - top) * (v - yt[0]) / (yt[-1] - yt[0] or 1)  # noqa: E731
    head, tail = _frame(width, height, label)
    parts = [head, *_y_axis(yt, y_of, left, right, y_fmt)]
    for t in xt:
        parts.append(f'<text x="{x_of(t):.1f}" y="{height - 10}" text-anchor="middle" class="tick">{esc(x_fmt(t))}</text>')
    if x_ref is not None:
        parts.append(f'<line x1="{x_of(x_ref):.1f}" x2="{x_of(x_ref):.1f}" y1="{top}" y2="{bottom}" class="refline"/>')
    if y_ref is not None:
        parts.append(f'<line x1="{left}" x2="{right}" y1="{y_of(y_ref):.1f}" y2="{y_of(y_ref):.1f}" class="refline"/>')
    for p, px in zip(pts, xs):
        parts.append(f'<circle cx="{x_of(px):.1f}" cy="{y_of(p.y):.1f}" r="{p.r:.1f}" fill="{esc(p.color)}" '
                     f'fill-opacity="0.75"><title>{esc(p.label)}</title></circle>')
    parts.append(tail)
    return "".join(parts)


def legend(entries: Sequence[tuple[str, str, str]] | Sequence[Series], dashed: Sequence[bool] | None = None) -> str:
    """Bilingual legend under a chart: (ja, en, colour) per entry."""
    items = []
    for e in entries:
        ja, en, color, dash = (e.ja, e.en, e.color, e.dashed) if isinstance(e, Series) else (*e, False)
        cls = "swatch dashed" if dash else "swatch"
        items.append(f'<span class="lg"><i class="{cls}" style="--c:{esc(color)}"></i>{bi(ja, en)}</span>')
    return f'<div class="legend">{"".join(items)}</div>'


def hbars(rows: Sequence[tuple[str | tuple[str, str], float, str]], *, fmt: Fmt, color: str = "#4e79a7") -> str:
    """Horizontal bars as HTML (label, value, display text); a (ja, en) label follows the language switch.

    Negative values extend left of a centre line when any are present.
    """
    if not rows:
        return ""
    vmax = max(abs(v) for _, v, _ in rows if v is not None and math.isfinite(v)) if any(
        v is not None and math.isfinite(v) for _, v, _ in rows) else 0.0
    neg = any(v is not None and v < 0 for _, v, _ in rows)
    out = []
    for lab, v, text in rows:
        w = 0.0 if not vmax or v is None or not math.isfinite(v) else abs(v) / vmax * (50 if neg else 100)
        if neg:
            style = (f"left:{50 - w:.2f}%;width:{w:.2f}%" if (v or 0) < 0 else f"left:50%;width:{w:.2f}%")
        else:
            style = f"left:0;width:{w:.2f}%"
        c = "#c0392b" if (v or 0) < 0 else color
        shown = bi(*lab) if isinstance(lab, tuple) else esc(lab)
        title = " / ".join(dict.fromkeys(lab)) if isinstance(lab, tuple) else lab
        out.append(f'<div class="hb"><div class="hb-l" title="{esc(title)}">{shown}</div>'
                   f'<div class="hb-t"><div class="hb-b" style="{style};background:{esc(c)}"></div></div>'
                   f'<div class="hb-v">{bi(*text) if isinstance(text, tuple) else esc(text)}</div></div>')
    return f'<div class="hbars">{"".join(out)}</div>'


def axis_caption(x_ja: str, x_en: str, y_ja: str, y_en: str) -> str:
    return f'<p class="axes">{bi("縦軸", "y")}: {bi(y_ja, y_en)} · {bi("横軸", "x")}: {bi(x_ja, x_en)}</p>'


@dataclass(frozen=True)
class TimeSeries:
    """A line over real dates: ``points`` (date, value); segments from index ``dashed_from`` on are dashed."""
    label: str
    points: Sequence[tuple[date, float]]
    color: str
    dashed_from: int | None = None
    target: date | None = None
    """A date marked on the line with a diamond (e.g. the target sell-out date)."""


def timeline_chart(series: Sequence[TimeSeries], *, label: str, y_fmt: Fmt = compact, width: int = 760,
                   height: int = 300, y_max: float | None = None, today: date | None = None) -> str:
    """Lines over a date axis; a vertical rule at ``today``; diamonds at each series' target date."""
    pts = [(d, v) for s in series for d, v in s.points if v is not None and math.isfinite(v)]
    dates = [d for d, _ in pts] + [s.target for s in series if s.target] + ([today] if today else [])
    if not pts:
        return ""
    left, right, top, bottom = 64, width - 16, 14, height - 30
    d0, d1 = min(dates).toordinal(), max(dates).toordinal()
    d1 = d1 if d1 > d0 else d0 + 1
    yt = nice_ticks(0.0, y_max if y_max is not None else max(v for _, v in pts))
    x_of = lambda d: left + (right - left) * (d.toordinal() - d0) / (d1 - d0)  # noqa: E731
    y_of = lambda v: bottom - (bottom - top) * (v - yt[0]) / (yt[-1] - yt[0] or 1)  # noqa: E731
    head, tail = _frame(width, height, label)
    parts = [head, *_y_axis(yt, y_of, left, right, y_fmt)]
    span = d1 - d0
    step = max(1, math.ceil(span / 7))
    for k in range(0, span + 1, step):
        d = date.fromordinal(d0 + k)
        parts.append(f'<text x="{x_of(d):.1f}" y="{height - 10}" text-anchor="middle" class="tick">'
                     f'{esc(d.isoformat()[5:] if span < 300 else d.isoformat()[:7])}</text>')
    if today:
        x = x_of(today)
        parts.append(f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{top}" y2="{bottom}" class="today"/>')
    for s in series:
        clean = [(d, v) for d, v in s.points if v is not None and math.isfinite(v)]
        for i in range(1, len(clean)):
            (a, va), (b, vb) = clean[i - 1], clean[i]
            dash = ' stroke-dasharray="5 4"' if s.dashed_from is not None and i > s.dashed_from else ""
            parts.append(f'<line x1="{x_of(a):.1f}" y1="{y_of(va):.1f}" x2="{x_of(b):.1f}" y2="{y_of(vb):.1f}" '
                         f'stroke="{esc(s.color)}" stroke-width="2"{dash}/>')
        for d, v in clean:
            parts.append(f'<circle cx="{x_of(d):.1f}" cy="{y_of(v):.1f}" r="3" fill="{esc(s.color)}">'
                         f'<title>{esc(s.label)} {esc(d.isoformat())}: {esc(y_fmt(v))}</title></circle>')
        if s.target:
            x, y = x_of(s.target), y_of(yt[-1]) + 2
            parts.append(f'<path d="M{x:.1f} {y:.1f} l5 6 l-5 6 l-5 -6 z" fill="{esc(s.color)}" stroke="#333" '
                         f'stroke-width="0.5"><title>{esc(s.label)} target {esc(s.target.isoformat())}</title></path>')
    parts.append(tail)
    return "".join(parts)
