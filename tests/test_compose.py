"""Static checks of the production-like stack: docker-compose.yml, Dockerfile and .env.example.

No Docker engine is needed: the files are read and parsed (PyYAML resolves the `<<: *anchor` merges the
same way compose does).
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
COMPOSE_TEXT = (ROOT / "docker-compose.yml").read_text(encoding="utf-8")
COMPOSE = yaml.safe_load(COMPOSE_TEXT)
COMPOSE_CODE = re.sub(r"(?m)^\s*#.*$", "", COMPOSE_TEXT)  # without comment lines
SERVICES = COMPOSE["services"]

# service -> command
AIRFLOW_SERVICES = {
    "airflow-apiserver": "api-server",
    "airflow-scheduler": "scheduler",
    "airflow-dag-processor": "dag-processor",
    "airflow-triggerer": "triggerer",
    "airflow-worker": "celery worker",
}
ALL_AIRFLOW = [*AIRFLOW_SERVICES, "airflow-init"]
# long-running service -> a fragment its healthcheck command must contain
HEALTHCHECKS = {
    "postgres-airflow": "pg_isready",
    "warehouse": "pg_isready",
    "redis": "redis-cli ping",
    "airflow-apiserver": "http://localhost:8080/api/v2/monitor/health",
    "airflow-scheduler": "http://localhost:8974/health",
    "airflow-dag-processor": "jobs check --job-type DagProcessorJob",
    "airflow-triggerer": "jobs check --job-type TriggererJob",
    "airflow-worker": "inspect ping",
}
# `${NAME...}` but not the `$${NAME}` escape (that one is for the container's shell).
VAR_REF = re.compile(r"(?<!\$)\$\{([A-Za-z_][A-Za-z0-9_]*)[^}]*\}")
REQUIRED_REF = re.compile(r"\$\{[A-Za-z_][A-Za-z0-9_]*:\?[^}]*\}")
SECRET_NAME = re.compile(r"PASSWORD|SECRET|FERNET|TOKEN|_KEY$")
FAB = "airflow.providers.fab.auth_manager.fab_auth_manager.FabAuthManager"


def env(service: str) -> dict[str, str]:
    raw = SERVICES[service].get("environment") or {}
    if isinstance(raw, list):
        raw = dict(item.split("=", 1) for item in raw)
    return {key: str(value) for key, value in raw.items()}


def as_text(command) -> str:
    return " ".join(command) if isinstance(command, list) else str(command)


def url(value: str):
    """Parse a URL after replacing `${...}` references (their `:?` would look like a query string)."""
    return urlsplit(VAR_REF.sub("x", value))


# "source:target[:mode]" where the source may be a `${VAR:-default}` reference (which has a colon itself)
VOLUME = re.compile(r"(?P<source>\$\{[^}]*\}|[^:]+):(?P<target>[^:]+)(?::\w+)?")


def mounts(service: str) -> dict[str, str]:
    """container path -> host path or volume name"""
    matches = (VOLUME.fullmatch(volume) for volume in SERVICES[service].get("volumes", []))
    return {match["target"]: match["source"] for match in matches}


def test_required_services_exist():
    assert set(ALL_AIRFLOW) | set(HEALTHCHECKS) <= set(SERVICES)
    assert "x-airflow-common" in COMPOSE


@pytest.mark.parametrize("service", ALL_AIRFLOW)
def test_airflow_services_use_the_locally_built_image(service):
    spec = SERVICES[service]
    context = spec["build"] if isinstance(spec["build"], str) else spec["build"].get("context", ".")
    assert context in (".", "./")
    assert spec["image"].startswith("ltvzaiko-airflow:")
    if service in AIRFLOW_SERVICES:
        assert as_text(spec["command"]) == AIRFLOW_SERVICES[service]


def test_dockerfile_extends_airflow_image_and_installs_project():
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    assert re.search(r"^FROM apache/airflow:3\.3\.2-python3\.11\s*$", dockerfile, re.M)
    copied = " ".join(re.findall(r"^COPY .*$", dockerfile, re.M))
    for path in ("pyproject.toml", "constraints.txt", "README.md", "ltvzaiko_tasks/"):
        assert path in copied
    install = re.search(r"pip install(?:[^\n]*\\\n)*[^\n]*", dockerfile).group(0)  # with continuations
    for fragment in ("-c ", "constraints.txt", "apache-airflow-providers-celery",
                     "apache-airflow-providers-fab", "redis", "ltvzaiko-src"):
        assert fragment in install
    assert re.findall(r"^USER (\S+)", dockerfile, re.M)[-1] == "airflow"


@pytest.mark.parametrize(("service", "major"), [("postgres-airflow", "postgres:17"),
                                                ("warehouse", "postgres:17"), ("redis", "redis:7")])
def test_infrastructure_images_are_pinned_to_a_major_version(service, major):
    assert re.fullmatch(re.escape(major) + r"([.-][\w.-]+)?", SERVICES[service]["image"])


@pytest.mark.parametrize("service", HEALTHCHECKS)
def test_long_running_services_have_a_healthcheck(service):
    check = SERVICES[service].get("healthcheck")
    assert check and not check.get("disable")
    assert HEALTHCHECKS[service] in as_text(check["test"])
    assert SERVICES[service].get("restart") in ("always", "unless-stopped")


def test_scheduler_serves_its_health_endpoint():
    assert env("airflow-scheduler")["AIRFLOW__SCHEDULER__ENABLE_HEALTH_CHECK"].lower() == "true"


@pytest.mark.parametrize("service", ALL_AIRFLOW)
def test_celery_executor_and_fab_auth_manager(service):
    variables = env(service)
    assert variables["AIRFLOW__CORE__EXECUTOR"] == "CeleryExecutor"
    assert variables["AIRFLOW__CORE__AUTH_MANAGER"] == FAB
    broker = url(variables["AIRFLOW__CELERY__BROKER_URL"])
    assert (broker.scheme, broker.hostname) == ("redis", "redis")
    backend = url(variables["AIRFLOW__CELERY__RESULT_BACKEND"])
    assert (backend.scheme, backend.hostname) == ("db+postgresql", "postgres-airflow")
    metadata = url(variables["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"])
    assert (metadata.scheme, metadata.hostname) == ("postgresql+psycopg2", "postgres-airflow")


@pytest.mark.parametrize("service", ALL_AIRFLOW)
def test_airflow_environment(service):
    variables = env(service)
    assert variables["AIRFLOW__CORE__LOAD_EXAMPLES"] == "False"
    assert variables["AIRFLOW__CORE__DAGS_FOLDER"] == "/opt/airflow/dags"
    assert variables["AIRFLOW__CORE__EXECUTION_API_SERVER_URL"] == "http://airflow-apiserver:8080/execution/"
    assert variables["LTVZAIKO_HOME"] == "/opt/airflow/ltvzaiko_home"
    assert variables["LTVZAIKO_LANDING_DIR"] == "/opt/airflow/landing"
    assert variables["LTVZAIKO_DBT_PROJECT_DIR"] == "/opt/airflow/dbt_project"
    connection = url(variables["AIRFLOW_CONN_LTVZAIKO_WAREHOUSE"])
    assert (connection.scheme, connection.hostname) == ("postgres", "warehouse")
    warehouse = url(variables["LTVZAIKO_WAREHOUSE_URL"])
    assert (warehouse.scheme, warehouse.hostname) == ("postgresql", "warehouse")


@pytest.mark.parametrize("service", ALL_AIRFLOW)
def test_telemetry_is_off(service):
    variables = env(service)
    assert variables["AIRFLOW__COSMOS__ENABLE_TELEMETRY"] == "False"
    assert variables["DO_NOT_TRACK"] == "1"
    assert variables["DBT_SEND_ANONYMOUS_USAGE_STATS"] == "False"


def test_init_migrates_the_database_and_creates_the_admin():
    init = SERVICES["airflow-init"]
    command = as_text(init["command"])
    assert "airflow db migrate" in command
    assert "airflow users create" in command and "--role Admin" in command
    assert init["depends_on"]["postgres-airflow"]["condition"] == "service_healthy"
    assert "healthcheck" not in init and init.get("restart", "no") == "no"


@pytest.mark.parametrize("service", AIRFLOW_SERVICES)
def test_airflow_services_wait_for_init_and_healthy_backends(service):
    depends_on = SERVICES[service]["depends_on"]
    assert depends_on["airflow-init"]["condition"] == "service_completed_successfully"
    for backend in ("postgres-airflow", "redis"):
        assert depends_on[backend]["condition"] == "service_healthy"


def test_no_literal_secret_in_compose():
    for name in SERVICES:
        for key, value in env(name).items():
            if SECRET_NAME.search(key):
                assert REQUIRED_REF.fullmatch(value), f"{name}: {key} must be a ${{VAR:?}} reference"
            if "://" in value and "@" in value:
                userinfo = value.split("://", 1)[1].rsplit("@", 1)[0]
                password = re.fullmatch(r"(\$\{[^}]*\}|[^:]*):(.*)", userinfo)[2]
                assert REQUIRED_REF.fullmatch(password), f"{name}: password in {key} must be a ${{VAR:?}}"


def _env_example() -> dict[str, str]:
    lines = (ROOT / ".env.example").read_text(encoding="utf-8").splitlines()
    pairs = (line.split("=", 1) for line in lines if line.strip() and not line.lstrip().startswith("#"))
    return {key.strip(): value.strip() for key, value in pairs}


def test_env_example_defines_every_referenced_variable_with_placeholders():
    example = _env_example()
    assert set(VAR_REF.findall(COMPOSE_CODE)) - set(example) == set()
    for key, value in example.items():
        if SECRET_NAME.search(key):
            assert value.startswith("change-me"), f"{key} in .env.example must be a change-me placeholder"


def test_published_ports_bind_loopback_only():
    published = {}
    for name, spec in SERVICES.items():
        for port in spec.get("ports", []):
            if isinstance(port, dict):
                assert port.get("host_ip") == "127.0.0.1", name
                published[name] = str(port["target"])
            else:
                assert str(port).startswith("127.0.0.1:"), f"{name} publishes {port} beyond loopback"
                published[name] = str(port).rsplit(":", 1)[1]
    assert published == {"airflow-apiserver": "8080", "warehouse": "5432"}


@pytest.mark.parametrize("service", ALL_AIRFLOW)
def test_project_folders_are_mounted(service):
    volumes = mounts(service)
    assert volumes["/opt/airflow/dags"] == "./dags"
    assert volumes["/opt/airflow/dbt_project"] == "./dbt_project"
    assert volumes["/opt/airflow/landing"].startswith("${LTVZAIKO_LANDING_HOST_DIR")


def test_each_postgres_keeps_its_data_in_its_own_named_volume():
    data_dir = "/var/lib/postgresql/data"
    airflow_db, warehouse = mounts("postgres-airflow")[data_dir], mounts("warehouse")[data_dir]
    assert airflow_db != warehouse
    assert {airflow_db, warehouse} <= set(COMPOSE["volumes"])


def test_env_file_is_git_ignored():
    gitignore = ROOT / ".gitignore"
    assert gitignore.exists(), ".gitignore is missing"
    assert {".env", "/.env"} & {line.strip() for line in gitignore.read_text().splitlines()}


def test_celery_settings_are_the_ones_the_celery_test_runs_with():
    """Every Airflow component gets each setting a CeleryExecutor deployment needs (ltvzaiko_tasks'
    celery_settings, which tests/test_celery.py runs a real worker with), and the same value everywhere: a JWT
    secret that differs between scheduler and api-server makes every task fail its Task Execution API calls."""
    from ltvzaiko_tasks.orchestration.celery_settings import REQUIRED_SETTINGS

    for key in REQUIRED_SETTINGS:
        values = {env(service).get(key) for service in ALL_AIRFLOW}
        assert None not in values, f"{key} is missing from a service"
        assert len(values) == 1, f"{key} differs between services: {values}"
    concurrency = env("airflow-worker")["AIRFLOW__CELERY__WORKER_CONCURRENCY"]
    assert re.fullmatch(r"\$\{AIRFLOW_WORKER_CONCURRENCY:-\d+\}|\d+", concurrency)


def test_worker_healthcheck_names_the_installed_celery_app():
    from importlib import import_module

    from ltvzaiko_tasks.orchestration.celery_settings import WORKER_APP

    check = as_text(SERVICES["airflow-worker"]["healthcheck"]["test"])
    assert f"--app {WORKER_APP} inspect ping" in check
    module, attribute = WORKER_APP.rsplit(".", 1)
    app = getattr(import_module(module), attribute)  # the provider this image installs
    assert type(app).__name__ == "Celery"
