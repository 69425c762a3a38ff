"""Number formatting for the report: yen, percentages, counts; one dash for a missing value."""
from __future__ import annotations

import math
from numbers import Number

import pandas as pd

MISSING = "—"


def _num(value) -> float | None:
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, Number):
        v = float(value)
    else:
        try:
            v = float(value)
        except (TypeError, ValueError):
            return None
    return None if math.isnan(v) or math.isinf(v) else v


def is_missing(value) -> bool:
    return _num(value) is None


def yen(value) -> str:
    """``¥1,234,567`` (rounded to the yen; negative as ``-¥1,234``)."""
    v = _num(value)
    if v is None:
        return MISSING
    r = round(v)
    return f"-¥{-r:,}" if r < 0 else f"¥{r:,}"


def yen_compact(value) -> str:
    """Short yen for chart axes and cards: ``¥980``, ``¥12.3K``, ``¥4.56M``, ``¥1.2B``."""
    v = _num(value)
    if v is None:
        return MISSING
    sign, a = ("-" if v < 0 else ""), abs(v)
    for div, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "K")):
        if a >= div:
            q = a / div
            return f"{sign}¥{q:.3g}{suffix}" if q < 1000 else f"{sign}¥{q:,.0f}{suffix}"
    return f"{sign}¥{a:,.0f}"


def integer(value) -> str:
    v = _num(value)
    return MISSING if v is None else f"{round(v):,}"


def number(value, digits: int = 1) -> str:
    v = _num(value)
    return MISSING if v is None else f"{v:,.{digits}f}"


def compact(value) -> str:
    """Short count for chart axes: ``950``, ``12.3K``, ``4.5M``."""
    v = _num(value)
    if v is None:
        return MISSING
    sign, a = ("-" if v < 0 else ""), abs(v)
    for div, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "K")):
        if a >= div:
            return f"{sign}{a / div:.3g}{suffix}"
    return f"{sign}{a:.3g}" if a < 10 and a != int(a) else f"{sign}{a:,.0f}"


def pct(value, digits: int = 1) -> str:
    """A rate as a percentage: ``0.1234`` → ``12.3%``."""
    v = _num(value)
    return MISSING if v is None else f"{v * 100:,.{digits}f}%"


def signed_pct(value, digits: int = 1) -> str:
    v = _num(value)
    return MISSING if v is None else f"{v * 100:+,.{digits}f}%"


def ratio(numerator, denominator):
    """numerator ÷ denominator, or None when either is missing or the denominator is 0."""
    n, d = _num(numerator), _num(denominator)
    if n is None or d is None or d == 0:
        return None
    return n / d


def text(value) -> str:
    if value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and math.isnan(value)):
        return MISSING
    return str(value)


FORMATTERS = {
    "text": text,
    "yen": yen,
    "int": integer,
    "num1": lambda v: number(v, 1),
    "num2": lambda v: number(v, 2),
    "num3": lambda v: number(v, 3),
    "pct": pct,
    "pct0": lambda v: pct(v, 0),
    "spct": signed_pct,
}


def fmt(value, kind: str) -> str:
    return FORMATTERS[kind](value)
