"""Which PostgreSQL we talk to, and how each client (SQLAlchemy, psycopg, dbt, Airflow) spells it."""
from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote, unquote, urlsplit, urlunsplit

from ..settings import Settings, load_settings
from .embedded import AIRFLOW_DB, EmbeddedWarehouse, WarehouseError


@dataclass(frozen=True)
class WarehouseTarget:
    url: str
    """libpq-style URL of the warehouse database: ``postgresql://user:pw@host:port/db``."""
    airflow_db_url: str
    """libpq-style URL of Airflow's metadata database."""
    embedded: bool

    @property
    def parts(self) -> dict:
        u = urlsplit(self.url)
        return {
            "host": u.hostname or "127.0.0.1",
            "port": u.port or 5432,
            "user": unquote(u.username or ""),
            "password": unquote(u.password or ""),
            "dbname": u.path.lstrip("/") or "postgres",
        }

    def sqlalchemy_url(self, url: str | None = None) -> str:
        return _with_scheme(url or self.url, "postgresql+psycopg")

    @property
    def airflow_sqlalchemy_url(self) -> str:
        return _with_scheme(self.airflow_db_url, "postgresql+psycopg2")

    @property
    def airflow_conn_uri(self) -> str:
        """The warehouse as an Airflow connection URI (``AIRFLOW_CONN_LTVZAIKO_WAREHOUSE``)."""
        return _with_scheme(self.url, "postgres")

    def redacted(self, url: str | None = None) -> str:
        u = urlsplit(url or self.url)
        if u.password:
            netloc = u.netloc.replace(":" + u.password + "@", ":***@")
            return urlunsplit(u._replace(netloc=netloc))
        return url or self.url


def _with_scheme(url: str, scheme: str) -> str:
    u = urlsplit(url)
    return urlunsplit(u._replace(scheme=scheme))


def _replace_db(url: str, db: str) -> str:
    u = urlsplit(url)
    return urlunsplit(u._replace(path="/" + quote(db)))


def resolve_target(settings: Settings | None = None, start: bool = False) -> WarehouseTarget:
    """The configured warehouse: ``LTVZAIKO_WAREHOUSE_URL`` if set, else the embedded server.

    With ``start=True`` the embedded server is started (or reused when already running).
    """
    settings = settings or load_settings()
    if settings.warehouse_url:
        url = _with_scheme(settings.warehouse_url, "postgresql")
        airflow = settings.airflow_db_url or _replace_db(url, AIRFLOW_DB)
        return WarehouseTarget(url=url, airflow_db_url=_with_scheme(airflow, "postgresql"), embedded=False)
    wh = EmbeddedWarehouse(settings.warehouse_dir)
    state = wh.start() if start else wh.state()
    if state is None:
        raise WarehouseError(
            f"the embedded warehouse in {settings.warehouse_dir} has not been started: run `ltvzaiko warehouse start`"
        )
    url = state.url()
    airflow = settings.airflow_db_url or state.url(AIRFLOW_DB)
    return WarehouseTarget(url=url, airflow_db_url=airflow, embedded=True)


def ensure_airflow_database(target: WarehouseTarget) -> None:
    """Create Airflow's metadata database in the server when missing (external servers too)."""
    import psycopg
    from psycopg import sql

    db = urlsplit(target.airflow_db_url).path.lstrip("/")
    admin = _replace_db(target.airflow_db_url, "postgres")
    try:
        with psycopg.connect(admin, autocommit=True, connect_timeout=10) as conn:
            if conn.execute("select 1 from pg_database where datname = %s", (db,)).fetchone() is None:
                conn.execute(sql.SQL("create database {}").format(sql.Identifier(db)))
    except psycopg.Error as exc:
        raise WarehouseError(
            f"cannot create Airflow's metadata database '{db}' ({exc}). Create it yourself, or point "
            "LTVZAIKO_AIRFLOW_DB_URL at an existing database."
        ) from exc
