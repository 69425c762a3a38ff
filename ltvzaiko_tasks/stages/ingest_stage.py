"""Ingest stage: COPY the gated files of one source into ``raw``."""
from __future__ import annotations

import logging

import psycopg

from ..ingest.loader import discard_work_files, load_source_files
from ..ingest.sources import SOURCES
from ..warehouse.connection import resolve_target

log = logging.getLogger(__name__)


def load_gated_source(gate_result: dict, run_id: str | None) -> dict:
    source = SOURCES[gate_result["source"]]
    target = resolve_target()
    with psycopg.connect(target.url) as conn:
        results = load_source_files(conn, source, gate_result["accepted"], run_id=run_id)
    discard_work_files(gate_result["accepted"])
    for r in results:
        log.info("%s %s: %s, %d rows from %s", r.source, r.business_date, r.status, r.rows_loaded, ", ".join(r.files))
    return {"source": source.name, "raw_table": f"raw.{source.raw_table}",
            "rows_loaded": sum(r.rows_loaded for r in results),
            "dates_loaded": [r.business_date for r in results if r.status == "loaded"],
            "dates_unchanged": [r.business_date for r in results if r.status == "unchanged"]}


def raw_asset_uri(raw_table: str) -> str:
    """The Airflow asset URI of a raw table, in the form Cosmos uses for dbt models."""
    p = resolve_target().parts
    schema, table = raw_table.split(".", 1)
    return f"postgres://{p['host']}:{p['port']}/{p['dbname']}/{schema}/{table}"
