"""
### ltvzaiko_daily — the daily retail pipeline (日次パイプライン)

Loads the day's channel extracts from the landing zone, gates them with data-quality checks,
builds the warehouse with dbt (tests after each model) and publishes a run summary.

| stage | what it does |
| --- | --- |
| `validate` | per source: file checks and a Great Expectations suite on every landing file; bad files are quarantined with a reason and the run stops here, before anything is loaded |
| `ingest` | per source: COPY the gated files into `raw`, replacing the business date's rows in one transaction; emits an asset per raw table |
| `warehouse` | dbt staging → marts through Cosmos, each model followed by its tests; marts are built aside in `marts_build` |
| `models` | customer LTV (BG/NBD + Gamma-Gamma), item value + ZPM, XGBoost demand forecast with a backtest, the replenishment order list, into `models.*` |
| `decisions` | dbt marts from the model outputs (customer LTV with its model check and the anonymous share of sales, item LTV and ZPM per SKU and style, forecast accuracy, order list), tests after each |
| `publish` | swaps the tested marts into `marts` in one transaction (BI never sees a half-built or failing mart), then records row counts in `ops.run_summary`, regenerates the dbt docs site (`$LTVZAIKO_HOME/dbt_docs/static_index.html`) and writes the HTML report (`$LTVZAIKO_HOME/reports/latest.html`, and `report_<date>.html` per business date) |

**Where to look after a run** — the report: `$LTVZAIKO_HOME/reports/latest.html` (the path is also in the
return value / XCom of `publish.report`); BI: schema `marts` as role `ltvzaiko_bi` (`ltvzaiko warehouse url --bi`);
table docs: the dbt docs site above; quarantined files and Data Docs: the failing `validate.gate_source` task's log.

**Run conf**: `business_date` (YYYY-MM-DD) for one day, or `date_from` / `date_to` for a backfill window
loaded in one run; `landing_dir` overrides `LTVZAIKO_LANDING_DIR`. A scheduled run (06:00 JST) loads the
previous JST day.
"""
from __future__ import annotations

from datetime import timedelta

import pendulum
from airflow.sdk import Asset, AssetAlias, CronTriggerTimetable, Param, dag, get_current_context, task, task_group
from cosmos import DbtTaskGroup

from ltvzaiko_tasks.ingest.sources import SOURCES
from ltvzaiko_tasks.orchestration import dbt_cosmos

RAW_TABLES = AssetAlias("ltvzaiko_raw_tables")

GROUP_DOCS = {
    "validate": "**検証 / validate** — one mapped `gate_source` task per landing source: file checks (name, "
                "encoding, header, row counts) then the source's Great Expectations suite. A bad file is moved to "
                "`quarantine/` with a reason file; the task fails and names the file, the rule and example rows. "
                "Nothing is loaded until every source has passed.",
    "ingest": "**取込 / ingest** — one mapped `load_source` task per source: COPY into `raw.<source>`, replacing "
              "the run's business dates in one transaction per date (a rerun never duplicates rows), with an "
              "audit row per file in `raw.load_audit`.",
    "warehouse": "**倉庫 / warehouse** — dbt staging → intermediate → marts through Cosmos, one task per model "
                 "(`<model>_model_build` = run + its tests). Marts are built in `marts_build`, not yet visible to BI.",
    "models": "**モデル / models** — Python models on the warehouse: customer LTV (BG/NBD + Gamma-Gamma) → item "
              "LTV contribution and ZPM; XGBoost demand forecast with a backtest; then the replenishment order "
              "list. Outputs go to schema `models`, gated by output checks before they are written.",
    "decisions": "**意思決定マート / decisions** — dbt marts from the model outputs (customer LTV, item LTV, ZPM, "
                 "forecast accuracy, order lists, sell-through), tests after each.",
    "publish": "**公開 / publish** — swap the tested marts into `marts` in one transaction, then the run summary "
               "(`ops.run_summary`), the dbt docs site and the HTML report (`$LTVZAIKO_HOME/reports/latest.html`).",
}


def _window():
    from ltvzaiko_tasks.stages.run_context import resolve_window

    ctx = get_current_context()
    return resolve_window(ctx["dag_run"].conf, ctx.get("logical_date"))


@dag(
    dag_id="ltvzaiko_daily",
    schedule=CronTriggerTimetable("0 6 * * *", timezone="Asia/Tokyo"),
    start_date=pendulum.datetime(2025, 1, 1, tz="Asia/Tokyo"),
    catchup=False,
    max_active_runs=1,  # runs never overlap: a run's swap publishes its own build, loads never race a later run's
    # every task works on the warehouse: the pool (ltvzaiko_tasks.orchestration.airflow_home.POOLS) bounds how
    # many do at once, whatever runs or workers they come from
    default_args={"pool": "ltvzaiko_warehouse"},
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
    @task_group(group_id="validate", tooltip="Quality gates on landing files, before anything is loaded",
                doc_md=GROUP_DOCS["validate"])
    def validate():
        @task(retries=1, retry_delay=timedelta(seconds=30),
              doc_md="Check one source's landing files for the run's dates: file checks, then its Great "
                     "Expectations suite. Bad files are quarantined with a reason; the task fails naming file and rule.")
        def gate_source(source_name: str) -> dict:
            """Check one source's files (structure, then its Great Expectations suite); quarantine bad files."""
            from airflow.sdk.exceptions import AirflowFailException

            from ltvzaiko_tasks.ingest.gate import MissingExtractError, QualityGateFailed
            from ltvzaiko_tasks.stages.validate_stage import gate_source_files

            try:
                return gate_source_files(source_name, _window(), get_current_context()["run_id"])
            except (QualityGateFailed, MissingExtractError) as exc:
                # bad or missing data does not heal by retrying: fail now, name the file and the rule
                raise AirflowFailException(str(exc)) from exc

        return gate_source.expand(source_name=list(SOURCES))

    @task_group(group_id="ingest", tooltip="COPY gated files into raw", doc_md=GROUP_DOCS["ingest"])
    def ingest(gated):
        @task(retries=2, retry_delay=timedelta(seconds=30), outlets=[RAW_TABLES],
              doc_md="COPY one source's gated files into `raw`, replacing the run's business dates (one "
                     "transaction per date; a rerun never duplicates rows) and auditing each file in `raw.load_audit`.")
        def load_source(gate_result: dict) -> dict:
            """Replace the run's business dates of one source in `raw`, one transaction per date."""
            from ltvzaiko_tasks.stages.ingest_stage import load_gated_source, raw_asset_uri

            ctx = get_current_context()
            loaded = load_gated_source(gate_result, ctx["run_id"])
            ctx["outlet_events"][RAW_TABLES].add(Asset(raw_asset_uri(loaded["raw_table"])))
            return loaded

        return load_source.expand(gate_result=gated)

    warehouse = DbtTaskGroup(
        group_id="warehouse",
        project_config=dbt_cosmos.project_config(),
        profile_config=dbt_cosmos.profile_config(),
        execution_config=dbt_cosmos.execution_config(),
        render_config=dbt_cosmos.render_config(exclude=[dbt_cosmos.DECISIONS_TAG]),
        doc_md=GROUP_DOCS["warehouse"],
    )

    @task_group(group_id="models", tooltip="Customer LTV, item value + ZPM, demand forecast, order list",
                doc_md=GROUP_DOCS["models"])
    def models():
        @task
        def customer_value() -> dict:
            """Fit BG/NBD + Gamma-Gamma on identified customers and score everyone (models.customer_ltv), with the
            run's hold-out check (models.ltv_calibration); nothing is written unless the scores pass their rules."""
            from ltvzaiko_tasks.stages.model_tasks import run_customer_value

            return run_customer_value(_window())

        @task
        def item_value() -> dict:
            """Customer value carried by each SKU and each style, LTV class and ZPM cell (models.item_value,
            models.item_value_by_style); nothing is written unless both pass their rules."""
            from ltvzaiko_tasks.stages.model_tasks import run_item_value

            return run_item_value(_window())

        @task
        def demand_forecast() -> dict:
            """XGBoost quantile forecast per SKU x location (weekly model, daily forecasts; registry in
            models.forecast_model_registry), rolling-origin backtest vs seasonal naive and moving average,
            output gate, sell-out dates (docs/forecast.md)."""
            from ltvzaiko_tasks.stages.model_tasks import run_forecast

            return run_forecast(_window())

        @task
        def order_list() -> dict:
            """Safety stock, reorder point, order-up-to and recommended quantities (models.order_recommendations)."""
            from ltvzaiko_tasks.stages.model_tasks import run_orders

            return run_orders(_window())

        [customer_value() >> item_value(), demand_forecast()] >> order_list()

    decisions = DbtTaskGroup(
        group_id="decisions",
        project_config=dbt_cosmos.project_config(),
        profile_config=dbt_cosmos.profile_config(),
        execution_config=dbt_cosmos.execution_config(),
        render_config=dbt_cosmos.render_config(select=[dbt_cosmos.DECISIONS_TAG]),
        doc_md=GROUP_DOCS["decisions"],
    )

    @task_group(group_id="publish", tooltip="Swap the tested marts in for BI, then record what the run produced",
                doc_md=GROUP_DOCS["publish"])
    def publish():
        @task
        def swap_in_marts() -> list[str]:
            """Move the marts built and tested in `marts_build` into `marts`, all in one transaction."""
            from ltvzaiko_tasks.stages.publish_stage import swap_in_built_marts

            return swap_in_built_marts()

        @task
        def run_summary() -> dict:
            """Row counts of the published marts into `ops.run_summary`."""
            from ltvzaiko_tasks.stages.publish_stage import record_run_summary

            ctx = get_current_context()
            return record_run_summary(ctx["run_id"], _window(), {})

        @task
        def dbt_docs() -> str:
            """`dbt docs generate --static`: $LTVZAIKO_HOME/dbt_docs/static_index.html for ops and BI."""
            from ltvzaiko_tasks.stages.publish_stage import publish_dbt_docs

            return publish_dbt_docs()

        @task
        def report() -> dict:
            """The bilingual HTML report (KPIs, channels, order lists, ZPM, sell-through, dead stock, campaigns,
            LTV, forecast accuracy) of the run's last business date, from the published marts:
            `$LTVZAIKO_HOME/reports/report_<date>.html` and the stable `$LTVZAIKO_HOME/reports/latest.html`.
            The return value (XCom) holds both paths."""
            from ltvzaiko_tasks.stages.publish_stage import publish_report

            return publish_report(_window())

        swapped = swap_in_marts()
        swapped >> [run_summary(), dbt_docs(), report()]  # returns nothing, so `warehouse >> publish()` reaches the roots

    ingest(validate()) >> warehouse >> models() >> decisions >> publish()


ltvzaiko_daily()
