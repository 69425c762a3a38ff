"""The HTML report (``ltvzaiko report``): one self-contained, bilingual file drawn from the marts.

    from ltvzaiko_tasks.report import build_report
    path = build_report(out=Path("report.html"))               # latest as-of date, schema marts
    html = render_report(load_report_data(conn, as_of, "marts"))
"""
from __future__ import annotations

from datetime import date
from pathlib import Path

from .data import MARTS_SCHEMA, ReportData, ReportDataError, latest_as_of, load_report_data
from .page import render_page


def render_report(data: ReportData) -> str:
    """The page for already loaded mart data (pure: no database)."""
    return render_page(data)


def build_report(out: Path | None = None, as_of: date | None = None, url: str | None = None,
                 schema: str = MARTS_SCHEMA) -> Path:
    """Read the marts of the configured warehouse (or ``url``) and write the report for ``as_of``.

    ``out`` defaults to ``$LTVZAIKO_HOME/reports/report_<as_of>.html``. The marts are read in one read-only,
    repeatable-read transaction; the file is written next to ``out`` and renamed into place.
    """
    import psycopg

    from ..settings import load_settings
    from ..warehouse.connection import resolve_target

    settings = load_settings()
    url = url or resolve_target(settings).url
    with psycopg.connect(url, connect_timeout=10) as conn:
        # one read-only snapshot: a publish swapping the marts mid-read cannot mix two runs in one report
        conn.read_only = True
        conn.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        data = load_report_data(conn, as_of, schema)
    out = Path(out) if out else settings.home / "reports" / f"report_{data.as_of.isoformat()}.html"
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".tmp")
    tmp.write_text(render_report(data), encoding="utf-8")
    tmp.replace(out)
    return out


__all__ = ["MARTS_SCHEMA", "ReportData", "ReportDataError", "build_report", "latest_as_of", "load_report_data",
           "render_report"]
