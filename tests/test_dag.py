"""The DAG imports cleanly and has the expected stages in the expected order."""
from __future__ import annotations

import pytest

from conftest import REPO


@pytest.fixture(scope="module")
def dagbag(manifest):
    from airflow.dag_processing.dagbag import DagBag

    return DagBag(dag_folder=str(REPO / "dags"))


def test_dags_import_without_errors(dagbag):
    assert dagbag.import_errors == {}
    assert "ltvzaiko_daily" in dagbag.dag_ids


def test_dag_has_docs_schedule_and_tags(dagbag):
    dag = dagbag.dags["ltvzaiko_daily"]
    assert dag.doc_md and "ingest" in dag.doc_md
    assert "ltvzaiko" in dag.tags
    assert dag.catchup is False
    assert dag.max_active_runs == 1
    assert dag.timetable.expression == "0 6 * * *"  # daily at 06:00 ...
    assert "Asia/Tokyo" in str(dag.timetable.timezone)  # ... Japan time
    assert dag.start_date.tzinfo is not None and dag.start_date.isoformat() == "2024-12-31T15:00:00+00:00"


def test_stage_order_ingest_validate_warehouse_publish(dagbag):
    dag = dagbag.dags["ltvzaiko_daily"]
    ids = set(dag.task_ids)
    assert "validate.gate_source" in ids
    assert "ingest.load_source" in ids
    assert "publish.run_summary" in ids
    # Cosmos renders each model as one `dbt build` task: the model, then its tests, before any dependant
    for model in ("stg_store_pos__lines", "stg_erp__products", "stg_erp__locations", "int_sales_lines",
                  "mart_channel_sales_daily", "mart_inventory_health", "mart_campaign_effect"):
        assert f"warehouse.{model}_model_build" in ids

    def downstream(task_id):
        return dag.get_task(task_id).get_flat_relative_ids(upstream=False)

    # nothing is loaded before every file passed its gate
    assert "ingest.load_source" in downstream("validate.gate_source")
    assert "warehouse.stg_store_pos__lines_model_build" in downstream("ingest.load_source")
    assert "publish.run_summary" in downstream("warehouse.mart_channel_sales_daily_model_build")
    # nothing reaches BI before every model and test of the run has passed
    assert "publish.swap_in_marts" in downstream("warehouse.mart_channel_sales_daily_model_build")
    assert "publish.run_summary" in downstream("publish.swap_in_marts")
    assert "publish.dbt_docs" in downstream("publish.swap_in_marts")
    # a model's test gates its dependants
    assert "warehouse.mart_channel_sales_daily_model_build" in downstream("warehouse.stg_store_pos__lines_model_build")


def test_gate_and_load_fan_out_per_source(dagbag):
    from ltvzaiko_tasks.ingest.sources import SOURCES

    dag = dagbag.dags["ltvzaiko_daily"]
    gate = dag.get_task("validate.gate_source")
    assert gate.is_mapped
    assert list(gate.op_kwargs_expand_input.value["source_name"]) == list(SOURCES)
    load = dag.get_task("ingest.load_source")
    assert load.is_mapped and load.retries == 2
    assert any(type(o).__name__ == "AssetAlias" for o in load.outlets)


def test_models_run_between_the_warehouse_and_the_decision_marts(dagbag):
    dag = dagbag.dags["ltvzaiko_daily"]
    ids = set(dag.task_ids)

    def downstream(task_id):
        return dag.get_task(task_id).get_flat_relative_ids(upstream=False)

    for t in ("models.customer_value", "models.item_value", "models.demand_forecast", "models.order_list"):
        assert t in ids
    # decision marts are rendered once, in their own group, after the models that feed them
    assert "decisions.replenishment_order_list_model_build" in ids
    assert not any(i.startswith("warehouse.replenishment_order_list") for i in ids)
    assert "models.customer_value" in downstream("warehouse.mart_channel_sales_daily_model_build")
    assert "models.order_list" in downstream("models.item_value")
    assert "models.order_list" in downstream("models.demand_forecast")
    assert "decisions.replenishment_order_list_model_build" in downstream("models.order_list")
    assert "publish.swap_in_marts" in downstream("decisions.replenishment_order_list_model_build")


def test_report_is_published_after_the_swap_and_every_group_is_documented(dagbag):
    dag = dagbag.dags["ltvzaiko_daily"]
    report = dag.get_task("publish.report")
    assert "publish.report" in dag.get_task("publish.swap_in_marts").get_flat_relative_ids(upstream=False)
    assert "latest.html" in report.doc_md  # the task's docs say where the report goes
    groups = dag.task_group.children
    for group_id in ("validate", "ingest", "warehouse", "models", "decisions", "publish"):
        doc = groups[group_id].doc_md
        assert doc and len(doc) > 80, f"task group {group_id} has no docs"
    # every task says what it does (TaskFlow docstrings; Cosmos' dbt tasks are documented by their group)
    for task in dag.tasks:
        if not task.task_id.startswith(("warehouse.", "decisions.")):
            doc = task.doc_md or getattr(task, "partial_kwargs", {}).get("doc_md")  # mapped tasks keep it there
            assert doc, f"{task.task_id} has no doc_md"
