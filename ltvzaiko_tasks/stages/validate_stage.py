"""Validate stage: the quality gate on landing files, before anything touches ``raw``."""
from __future__ import annotations

import logging
import re
from dataclasses import asdict

import psycopg

from ..ingest.gate import gate_source
from ..ingest.sources import SOURCES
from ..settings import load_settings
from ..warehouse.connection import resolve_target
from .run_context import RunWindow

log = logging.getLogger(__name__)


def work_dir_for(run_id: str | None):
    safe = re.sub(r"[^A-Za-z0-9_.-]+", "_", run_id or "adhoc")
    return load_settings().home / "work" / safe


def gate_source_files(source_name: str, window: RunWindow, run_id: str | None) -> dict:
    """Gate every file of one source for the run's dates; returns what may be loaded."""
    from ..ingest.flatteners import FLATTENERS

    settings = load_settings()
    target = resolve_target()
    with psycopg.connect(target.url) as conn:
        result = gate_source(SOURCES[source_name], window.landing_dir, window.dates, work_dir_for(run_id),
                             settings.quarantine_dir, conn, run_id=run_id, flatteners=FLATTENERS)
    log.info("%s: %d file(s) passed the gate", source_name, len(result.accepted))
    return asdict(result)
