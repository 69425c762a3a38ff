"""Cosmos configuration for running our dbt project inside Airflow.

Imported at DAG parse time: reads settings and builds config objects only; it never runs dbt
(the DAG renders from a pre-built manifest, see ``ltvzaiko_tasks.orchestration.dbt_manifest``).
"""
from __future__ import annotations

from cosmos import ExecutionConfig, ProfileConfig, ProjectConfig, RenderConfig
from cosmos.constants import ExecutionMode, InvocationMode, LoadMode, TestBehavior
from cosmos.profiles import PostgresUserPasswordProfileMapping

from ..settings import load_settings

WAREHOUSE_CONN_ID = "ltvzaiko_warehouse"


def project_config() -> ProjectConfig:
    s = load_settings()
    return ProjectConfig(
        dbt_project_path=s.dbt_project_dir,
        manifest_path=s.manifest_path,
        install_dbt_deps=False,
        env_vars={"DBT_SEND_ANONYMOUS_USAGE_STATS": "False"},
    )


def profile_config() -> ProfileConfig:
    return ProfileConfig(
        profile_name="ltvzaiko",
        target_name="airflow",
        profile_mapping=PostgresUserPasswordProfileMapping(conn_id=WAREHOUSE_CONN_ID,
                                                           profile_args={"schema": "public", "threads": 2}),
    )


def execution_config() -> ExecutionConfig:
    return ExecutionConfig(execution_mode=ExecutionMode.LOCAL, invocation_mode=InvocationMode.DBT_RUNNER)


DECISIONS_TAG = "tag:decisions"
"""Marts built from the Python model stages' outputs; they run after those stages, in their own group."""


def render_config(select: list[str] | None = None, exclude: list[str] | None = None) -> RenderConfig:
    return RenderConfig(load_method=LoadMode.DBT_MANIFEST, test_behavior=TestBehavior.BUILD,
                        select=select or [], exclude=exclude or [])
