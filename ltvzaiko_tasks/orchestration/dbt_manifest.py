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
                 *project.glob("tests/**/*"), *project.glob("seeds/**/*")]:
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


def dbt_profile_env(url: str) -> dict[str, str]:
    """Environment for dbt's ``default`` profile (profiles.yml) pointing at the warehouse ``url``."""
    from urllib.parse import unquote, urlsplit

    u = urlsplit(url)
    return {"LTVZAIKO_DBT_HOST": u.hostname or "127.0.0.1", "LTVZAIKO_DBT_PORT": str(u.port or 5432),
            "LTVZAIKO_DBT_USER": unquote(u.username or ""), "LTVZAIKO_DBT_PASSWORD": unquote(u.password or ""),
            "LTVZAIKO_DBT_DBNAME": u.path.lstrip("/") or "ltvzaiko", "DBT_SEND_ANONYMOUS_USAGE_STATS": "False",
            "DO_NOT_TRACK": "1"}


def generate_docs(url: str, settings: Settings | None = None) -> Path:
    """``dbt docs generate --static``: one self-contained ``static_index.html`` under
    ``$LTVZAIKO_HOME/dbt_docs`` that ops and BI users open in a browser (every model, column and test, with
    the business terms in English and Japanese)."""
    settings = settings or load_settings()
    out = settings.home / "dbt_docs"
    dbt = Path(sys.executable).with_name("dbt")
    proc = subprocess.run(
        [str(dbt), "docs", "generate", "--static", "--project-dir", str(settings.dbt_project_dir),
         "--profiles-dir", str(settings.dbt_project_dir), "--target-path", str(out),
         "--log-path", str(settings.home / "logs" / "dbt"), "--quiet"],
        capture_output=True, text=True, env={**os.environ, **dbt_profile_env(url)}, cwd=str(settings.dbt_project_dir),
    )
    if proc.returncode != 0:
        raise RuntimeError(f"dbt docs generate failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")
    return out / "static_index.html"
