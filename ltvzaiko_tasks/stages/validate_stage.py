"""Validate stage: the quality gate on raw extracts before dbt reads them."""
from __future__ import annotations

import logging

import pandas as pd

from ..ingest.sources import STORE_POS
from ..quality.runner import Verdict, validate_frame
from ..quality.suites import store_pos_expectations
from .run_context import RunWindow

log = logging.getLogger(__name__)


class QualityGateFailed(RuntimeError):
    pass


def read_landing_csv(path) -> pd.DataFrame:
    """Read a landing CSV as delivered: every value as text, empty fields as null."""
    return pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""], encoding="utf-8-sig")


def validate_store_pos(window: RunWindow) -> dict:
    verdicts: list[Verdict] = []
    for d in window.dates:
        for path in STORE_POS.files_for(window.landing_dir, d):
            verdict = validate_frame(read_landing_csv(path), "store_pos", store_pos_expectations(d), str(path))
            log.info(verdict.message())
            verdicts.append(verdict)
    failed = [v for v in verdicts if not v.success]
    if failed:
        raise QualityGateFailed("quality gate failed: " + " | ".join(v.message() for v in failed))
    return {"files": len(verdicts), "rows": sum(v.rows for v in verdicts)}
