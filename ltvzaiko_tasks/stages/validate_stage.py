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

    from ..ingest.gate import QualityGateFailed
    from ..quality.runner import SuiteRunner

    settings = load_settings()
    target = resolve_target()
    docs_dir = data_docs_dir_for(run_id, source_name)
    runner = SuiteRunner(data_docs_dir=docs_dir)
    try:
        with psycopg.connect(target.url) as conn:
            result = gate_source(SOURCES[source_name], window.landing_dir, window.dates, work_dir_for(run_id),
                                 settings.quarantine_dir, conn, run_id=run_id, flatteners=FLATTENERS, runner=runner)
    except QualityGateFailed as exc:
        index = _build_docs(runner)
        raise QualityGateFailed(f"{exc} | Great Expectations Data Docs: {index}") from exc
    index = _build_docs(runner)
    log.info("%s: %d file(s) passed the gate; Data Docs: %s", source_name, len(result.accepted), index)
    return asdict(result)


def data_docs_dir_for(run_id: str | None, source_name: str):
    """Great Expectations Data Docs of one run and source: ``$LTVZAIKO_HOME/data_docs/<run>/<source>/``."""
    return load_settings().home / "data_docs" / work_dir_for(run_id).name / source_name


def _build_docs(runner) -> str:
    try:
        sites = runner.context.build_data_docs(site_names=["ltvzaiko"])
        return str(sites.get("ltvzaiko", runner.data_docs_dir))
    except Exception as exc:  # the docs are for reading; never the reason a gate fails  # noqa: BLE001
        log.warning("could not build Data Docs in %s: %s", runner.data_docs_dir, exc)
        return f"(not written: {exc})"
