"""One place where configuration is read.

Everything configurable comes from environment variables with the ``LTVZAIKO_`` prefix
(SPEC §10). Nothing here touches a database or the network, so DAG files may import it.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
REPO_DIR = PACKAGE_DIR.parent


@dataclass(frozen=True)
class Settings:
    home: Path
    warehouse_url: str | None
    """An external PostgreSQL to use instead of the embedded one (``LTVZAIKO_WAREHOUSE_URL``)."""
    airflow_db_url: str | None
    """Airflow's metadata database; default: database ``airflow`` in the warehouse server."""
    dbt_project_dir: Path
    dags_dir: Path
    landing_dir: Path

    @property
    def warehouse_dir(self) -> Path:
        return self.home / "warehouse"

    @property
    def airflow_home(self) -> Path:
        return self.home / "airflow"

    @property
    def quarantine_dir(self) -> Path:
        return self.home / "quarantine"

    @property
    def dbt_target_dir(self) -> Path:
        return self.home / "dbt_target"

    @property
    def manifest_path(self) -> Path:
        return self.dbt_project_dir / "target" / "manifest.json"


def load_settings(env: dict[str, str] | None = None) -> Settings:
    env = os.environ if env is None else env
    home = Path(env.get("LTVZAIKO_HOME", ".ltvzaiko")).expanduser().resolve()
    return Settings(
        home=home,
        warehouse_url=env.get("LTVZAIKO_WAREHOUSE_URL") or None,
        airflow_db_url=env.get("LTVZAIKO_AIRFLOW_DB_URL") or None,
        dbt_project_dir=Path(env.get("LTVZAIKO_DBT_PROJECT_DIR", REPO_DIR / "dbt_project")).resolve(),
        dags_dir=Path(env.get("LTVZAIKO_DAGS_DIR", REPO_DIR / "dags")).resolve(),
        landing_dir=Path(env.get("LTVZAIKO_LANDING_DIR", home / "landing")).expanduser().resolve(),
    )
