"""
### ltvzaiko_daily — the daily retail pipeline (日次パイプライン)

Loads the day's channel extracts from the landing zone, gates them with data-quality checks,
builds the warehouse with dbt (tests after each model) and publishes a run summary.

| stage | what it does |
| --- | --- |
| `ingest` | COPY each source's files of the business date(s) into `raw` (one mapped task per source) |
| `validate` | Great Expectations suites on the raw extracts; a failure stops the run here |
| `warehouse` | dbt staging → marts through Cosmos, each model followed by its tests |
| `publish` | records mart row counts in `ops.run_summary` |

**Run conf**: `business_date` (YYYY-MM-DD) for one day, or `date_from` / `date_to` for a backfill window
loaded in one run; `landing_dir` overrides `LTVZAIKO_LANDING_DIR`. A scheduled run (06:00 JST) loads the
previous JST day.
"""
from __future__ import annotations

import pendulum
from airflow.sdk import CronTriggerTimetable, Param, dag, get_current_context, task, task_group
from cosmos import DbtTaskGroup

from ltvzaiko_tasks.ingest.sources import SOURCES
from ltvzaiko_tasks.orchestration import dbt_cosmos


def _window():
    from ltvzaiko_tasks.stages.run_context import resolve_window

    ctx = get_current_context()
    return resolve_window(ctx["dag_run"].conf, ctx.get("logical_date"))


@dag(
    dag_id="ltvzaiko_daily",
    schedule=CronTriggerTimetable("0 6 * * *", timezone="Asia/Tokyo"),
    start_date=pendulum.datetime(2025, 1, 1, tz="Asia/Tokyo"),
    catchup=False,
    max_active_runs=1,
    tags=["ltvzaiko", "daily"],
    doc_md=__doc__,
    params={
        "business_date": Param(None, type=["null", "string"], description="One business date, YYYY-MM-DD"),
        "date_from": Param(None, type=["null", "string"], description="First business date of a backfill window"),
        "date_to": Param(None, type=["null", "string"], description="Last business date of a backfill window"),
        "landing_dir": Param(None, type=["null", "string"], description="Landing zone root (default from env)"),
    },
)
def ltvzaiko_daily():
    @task_group(group_id="ingest", tooltip="Load landing files into raw")
    def ingest():
        @task(retries=2)
        def load_source(source_name: str) -> dict:
            """COPY one source's files for the run's business dates into `raw`."""
            from ltvzaiko_tasks.stages.ingest_stage import ingest_source

            return ingest_source(source_name, _window())

        return load_source.expand(source_name=list(SOURCES))

    @task_group(group_id="validate", tooltip="Quality gates on raw extracts")
    def validate():
        @task
        def store_pos_suite() -> dict:
            """Great Expectations suite on the store POS files; fails the run with the rule and examples."""
            from ltvzaiko_tasks.stages.validate_stage import validate_store_pos

            return validate_store_pos(_window())

        return store_pos_suite()

    warehouse = DbtTaskGroup(
        group_id="warehouse",
        project_config=dbt_cosmos.project_config(),
        profile_config=dbt_cosmos.profile_config(),
        execution_config=dbt_cosmos.execution_config(),
        render_config=dbt_cosmos.render_config(),
        operator_args={"install_deps": False},
    )

    @task_group(group_id="publish", tooltip="Record what the run produced")
    def publish():
        @task
        def run_summary() -> dict:
            """Row counts of the published marts into `ops.run_summary`."""
            from ltvzaiko_tasks.stages.publish_stage import record_run_summary

            ctx = get_current_context()
            return record_run_summary(ctx["run_id"], _window(), {})

        return run_summary()

    ingest() >> validate() >> warehouse >> publish()


ltvzaiko_daily()
