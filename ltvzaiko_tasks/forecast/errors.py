"""Errors that tell the user how to fix the problem (mlforecast style)."""
from __future__ import annotations


class ForecastInputError(ValueError):
    """A history / future table the forecaster cannot use; the message says what to change."""


class ForecastConfigError(ValueError):
    """An inconsistent ``ForecastConfig``; the message says which value to change."""


class NotFittedError(RuntimeError):
    """``predict`` was called before ``fit``."""


def examples(values, limit: int = 5) -> str:
    """A short, readable list of example values for an error message."""
    values = list(values)
    shown = ", ".join(repr(v) if isinstance(v, str) else str(v) for v in values[:limit])
    more = f" (and {len(values) - limit} more)" if len(values) > limit else ""
    return shown + more
