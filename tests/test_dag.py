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
    # Cosmos renders each model as run + test tasks (tests after each model)
    for model in ("stg_store_pos__lines", "stg_erp__products", "stg_erp__locations", "mart_channel_sales_daily"):
        assert f"warehouse.{model}.run" in ids
        assert f"warehouse.{model}.test" in ids

    def downstream(task_id):
        return dag.get_task(task_id).get_flat_relative_ids(upstream=False)

    # nothing is loaded before every file passed its gate
    assert "ingest.load_source" in downstream("validate.gate_source")
    assert "warehouse.stg_store_pos__lines.run" in downstream("ingest.load_source")
    assert "publish.run_summary" in downstream("warehouse.mart_channel_sales_daily.test")
    # nothing reaches BI before every model and test of the run has passed
    assert "publish.swap_in_marts" in downstream("warehouse.mart_channel_sales_daily.test")
    assert "publish.run_summary" in downstream("publish.swap_in_marts")
    # a model's test gates its dependants
    assert "warehouse.mart_channel_sales_daily.run" in downstream("warehouse.stg_store_pos__lines.test")


def test_gate_and_load_fan_out_per_source(dagbag):
    from ltvzaiko_tasks.ingest.sources import SOURCES

    dag = dagbag.dags["ltvzaiko_daily"]
    gate = dag.get_task("validate.gate_source")
    assert gate.is_mapped
    assert list(gate.op_kwargs_expand_input.value["source_name"]) == list(SOURCES)
    load = dag.get_task("ingest.load_source")
    assert load.is_mapped and load.retries == 2
    assert any(type(o).__name__ == "AssetAlias" for o in load.outlets)
