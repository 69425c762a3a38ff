"""Build dbt's manifest ahead of time so Airflow parses the DAG without running dbt."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from ..settings import Settings, load_settings


def manifest_is_fresh(settings: Settings) -> bool:
    manifest = settings.manifest_path
    if not manifest.exists():
        return False
    built = manifest.stat().st_mtime
    project = settings.dbt_project_dir
    for path in [project / "dbt_project.yml", *project.glob("models/**/*"), *project.glob("macros/**/*"),
                 *project.glob("tests/**/*")]:
        if path.is_file() and path.stat().st_mtime > built:
            return False
    return True


def build_manifest(settings: Settings | None = None, force: bool = False) -> Path:
    """Run ``dbt parse`` when the manifest is missing or older than the project files."""
    settings = settings or load_settings()
    if not force and manifest_is_fresh(settings):
        return settings.manifest_path
    dbt = Path(sys.executable).with_name("dbt")
    env = {**os.environ, "DBT_SEND_ANONYMOUS_USAGE_STATS": "False", "DO_NOT_TRACK": "1"}
    proc = subprocess.run(
        [str(dbt), "parse", "--project-dir", str(settings.dbt_project_dir),
         "--profiles-dir", str(settings.dbt_project_dir), "--quiet"],
        capture_output=True, text=True, env=env, cwd=str(settings.dbt_project_dir),
    )
    if proc.returncode != 0:
        raise RuntimeError(f"dbt parse failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")
    return settings.manifest_path
