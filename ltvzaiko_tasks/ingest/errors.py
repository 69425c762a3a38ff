"""What goes wrong with a landing file, said so that a data engineer can act on it."""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class RuleViolation:
    rule: str
    """A stable, machine-readable rule id, e.g. ``header_matches_contract``."""
    detail: str
    count: int | None = None
    examples: list = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"rule": self.rule, "detail": self.detail, "count": self.count, "examples": self.examples[:5]}

    def __str__(self) -> str:
        n = f" ({self.count} rows)" if self.count is not None else ""
        ex = f", e.g. {self.examples[:3]}" if self.examples else ""
        return f"rule '{self.rule}' failed{n}: {self.detail}{ex}"


class LandingFileError(ValueError):
    """A landing file breaks its contract; carries the violated rules."""

    def __init__(self, path, violations: list[RuleViolation]):
        self.path = path
        self.violations = violations
        super().__init__(f"{path}: " + "; ".join(str(v) for v in violations))


class RecordError(ValueError):
    """One record of a JSON Lines file breaks its contract (raised by a flattener, reported with its line)."""

    def __init__(self, rule: str, detail: str):
        self.rule, self.detail = rule, detail
        super().__init__(f"rule '{rule}': {detail}")
