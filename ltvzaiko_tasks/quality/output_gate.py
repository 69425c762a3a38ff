"""Quality gate for model outputs (scores, forecasts, order lists) before dbt turns them into marts.

The model stages write their frames to ``models.*``; a frame that breaks its rules must never reach BI. Each
stage declares its rules as Great Expectations expectations and calls :func:`gate_output` on the frame it is
about to write: on failure nothing is written and :class:`OutputCheckFailed` names the output, every broken
rule, how many rows break it and example values.

One GX context per process (creating one costs far more than validating a frame).
"""
from __future__ import annotations

from functools import lru_cache

import pandas as pd

from .runner import SuiteRunner, Verdict


class OutputCheckFailed(Exception):
    """A model output broke one of its quality rules; nothing was published."""

    def __init__(self, verdict: Verdict):
        self.verdict = verdict
        super().__init__("model output check failed, nothing published: " + verdict.message())


@lru_cache(maxsize=1)
def _runner() -> SuiteRunner:
    return SuiteRunner()


def check_output(frame: pd.DataFrame, output: str, expectations: list) -> Verdict:
    """Run ``expectations`` on ``frame`` and return the verdict (does not raise)."""
    fresh = [_unbound(e) for e in expectations]  # an expectation object belongs to one suite: copy it
    return _runner().validate(frame, f"output_{output}", fresh, subject=f"models.{output}")


def _unbound(expectation):
    copy = expectation.copy(deep=True)
    copy.id = None
    return copy


def gate_output(frame: pd.DataFrame, output: str, expectations: list) -> Verdict:
    """Run ``expectations`` on ``frame``; raise :class:`OutputCheckFailed` if any rule is broken."""
    verdict = check_output(frame, output, expectations)
    if not verdict.success:
        raise OutputCheckFailed(verdict)
    return verdict
