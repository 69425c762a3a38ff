"""Errors that say how to fix the input (the forecaster's convention)."""
from __future__ import annotations


class ReplenishmentInputError(ValueError):
    """Numbers or a table the policy functions cannot use; the message says what to change."""


def examples(values, limit: int = 5) -> str:
    """A short, readable list of example values for an error message."""
    values = list(values)
    shown = ", ".join(repr(v) if isinstance(v, str) else str(v) for v in values[:limit])
    more = f" (and {len(values) - limit} more)" if len(values) > limit else ""
    return shown + more
