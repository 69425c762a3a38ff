"""Publish stage: record what the run produced, for ops and for the next run."""
from __future__ import annotations

import json

import psycopg

from ..warehouse.connection import resolve_target
from .run_context import RunWindow

DDL = """
create schema if not exists ops;
create table if not exists ops.run_summary (
    run_id            text not null,
    business_date_from date not null,
    business_date_to   date not null,
    mart_rows         jsonb not null,
    stage_figures     jsonb not null,
    published_at      timestamptz not null default now(),
    primary key (run_id)
);
"""

def swap_in_built_marts() -> list[str]:
    """Move the marts dbt built and tested in ``marts_build`` into ``marts`` (one transaction) and make sure
    the read-only BI role can read them."""
    from ..warehouse.roles import bi_password, ensure_bi_role
    from ..warehouse.swap import swap_in_marts

    target = resolve_target()
    with psycopg.connect(target.url, autocommit=True) as conn:
        ensure_bi_role(conn, bi_password())
        return swap_in_marts(conn)


def publish_dbt_docs() -> str:
    """Regenerate the dbt docs site after the marts are published; returns the file to open."""
    from ..orchestration.dbt_manifest import generate_docs

    return str(generate_docs(resolve_target().url))


def record_run_summary(run_id: str, window: RunWindow, stage_figures: dict) -> dict:
    from psycopg import sql

    target = resolve_target()
    with psycopg.connect(target.url) as conn:
        conn.execute(DDL)
        published = [r[0] for r in conn.execute(
            "select table_name from information_schema.tables where table_schema = 'marts' order by 1")]
        mart_rows = {
            m: conn.execute(sql.SQL("select count(*) from {}").format(sql.Identifier("marts", m))).fetchone()[0]
            for m in published
        }
        conn.execute(
            """insert into ops.run_summary (run_id, business_date_from, business_date_to, mart_rows, stage_figures)
               values (%s, %s, %s, %s, %s)
               on conflict (run_id) do update set mart_rows = excluded.mart_rows,
                   stage_figures = excluded.stage_figures, published_at = now()""",
            (run_id, window.dates[0], window.last_date, json.dumps(mart_rows), json.dumps(stage_figures)),
        )
    from ..ingest.loader import clear_work_dir
    from .validate_stage import work_dir_for

    clear_work_dir(work_dir_for(run_id))
    return {"mart_rows": mart_rows}


def publish_report(window: RunWindow) -> dict:
    """Write the HTML report of the run's last business date from the just-published marts.

    Two files under ``$LTVZAIKO_HOME/reports/``: ``report_<date>.html`` (kept per date) and ``latest.html``
    (a stable address to bookmark or serve), both written aside and renamed into place so a reader never
    opens half a file.
    """
    import shutil
    from datetime import date

    from ..report import build_report
    from ..settings import load_settings

    as_of = date.fromisoformat(str(window.last_date))
    path = build_report(as_of=as_of)
    latest = load_settings().home / "reports" / "latest.html"
    tmp = latest.with_name(latest.name + ".tmp")
    shutil.copyfile(path, tmp)
    tmp.replace(latest)
    return {"report": str(path.resolve()), "latest": str(latest.resolve()), "as_of_date": as_of.isoformat()}
