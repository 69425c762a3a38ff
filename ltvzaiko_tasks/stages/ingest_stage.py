"""Ingest stage: load every source's files of the run's business dates into ``raw``."""
from __future__ import annotations

import logging

import psycopg

from ..ingest.loader import load_source_date
from ..ingest.sources import SOURCES
from ..warehouse.connection import resolve_target
from .run_context import RunWindow

log = logging.getLogger(__name__)


class MissingExtractError(FileNotFoundError):
    pass


def ingest_source(source_name: str, window: RunWindow) -> dict:
    """Load ``source_name`` for each business date of the window; returns rows loaded per date."""
    source = SOURCES[source_name]
    target = resolve_target()
    loaded: dict[str, int] = {}
    with psycopg.connect(target.url) as conn:
        for d in window.dates:
            files = source.files_for(window.landing_dir, d)
            if not files:
                raise MissingExtractError(
                    f"no {source.description} file for business date {d}: expected "
                    f"{window.landing_dir / source.name / d / source.pattern}"
                )
            results = load_source_date(conn, source, d, files)
            loaded[d] = sum(r.rows_loaded for r in results)
            log.info("loaded %s %s: %s", source.name, d, ", ".join(f"{r.file} ({r.rows_loaded} rows)" for r in results))
    return {"source": source_name, "rows_by_date": loaded, "rows": sum(loaded.values())}
