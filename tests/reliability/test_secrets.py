"""Secrets come only from the environment (SPEC §9: no secret in the repository; connections come from environment
/ Airflow connections).

- No password, key or token literal is committed: every tracked file is scanned for credential-shaped text.
  The only literals allowed are the ``change-me`` placeholders of ``.env.example`` (and a few obviously fake
  test values, listed below, for a host that does not exist).
- The warehouse URL and password come from ``LTVZAIKO_WAREHOUSE_URL`` or from the embedded server's state file,
  written at run time with a random password, readable by its owner only: nothing in the repository holds one.
- Nothing but that state file keeps the password at rest: not Airflow's home, not the logs (the DAG runs' logs
  are checked the same way in ``tests/test_end_to_end.py``).
- The CLI masks it everywhere except ``ltvzaiko warehouse url``, whose job (SPEC §10) is to print the URL a BI
  tool or ``psql`` connects with; ``--no-show-password`` prints it masked.
- docker-compose.yml takes every secret by ``${VAR:?}`` substitution: ``tests/test_compose.py`` checks its
  environment blocks; the scan here covers its commands too.
"""
from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest

from conftest import REPO, cli
from ltvzaiko_tasks.settings import load_settings

from .support import files_containing

# key = "literal" / key: 'literal' / "key": "literal" (Python, YAML, JSON, TOML)
QUOTED = re.compile(r"""(?i)(?:pass(?:word|wd)?|pwd|secret|token|api_?key|fernet_?key|private_?key)\w*["']?\s*[:=]\s*"""
                    r"""["']([^"'\s]+)["']""")
# KEY=value (shell, .env, Makefile, Dockerfile ENV) and KEY: value (YAML), for variables named like secrets
ASSIGNED = re.compile(r"""(?m)^\s*(?:export\s+|ENV\s+|-\s+)?[A-Z0-9_]*(?:PASSWORD|PASSWD|SECRET|TOKEN|FERNET_KEY|"""
                      r"""API_KEY|PRIVATE_KEY)[A-Z0-9_]*\s*[:=]\s*["']?([^\s"'#]+)""")
# key: value / key = value unquoted, in configuration files (YAML, INI, TOML, .env)
CONFIG_KEY = re.compile(r"""(?im)^\s*(?:-\s+)?[\w.-]*(?:password|passwd|secret|token|api_key|fernet_key)[\w.-]*\s*[:=]"""
                        r"""\s*([^\s"'#]+)""")
CONFIG_FILES = (".yml", ".yaml", ".cfg", ".ini", ".toml", ".conf", ".properties", ".env", ".example")
# --password value / --password=value on a command line
FLAG = re.compile(r"""(?i)--(?:password|passwd|secret|token)[= ]+["']?([^\s"'\\]+)""")
# scheme://user:password@host
URL_USERINFO = re.compile(r"""\b[a-z][a-z0-9+.-]*://[^/\s:@'"]+:([^@\s/'"]+)@""")
# well-known shapes of real keys and tokens
KEY_SHAPES = re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----|\bAKIA[0-9A-Z]{16}\b|\bgh[pousr]_[A-Za-z0-9]{36}\b|"
                        r"\bgithub_pat_\w{40,}|\bxox[abposr]-[A-Za-z0-9-]{10,}|\bsk-[A-Za-z0-9]{32,}")

# a value that is a reference or a placeholder, not a secret
REFERENCE = re.compile(r"""^(?:\$\$?\{[^}]*\}?|\$[A-Za-z_]\w*|\{\{.*|\{[^}]*\}?|<[^>]*>?|\*+|…|\.\.\.|x|pw|password|"""
                       r"""change-me.*|none|null|true|false|os\.environ.*|env_var\(.*)$""", re.I)
# obviously fake values of unit tests, never a credential of anything that exists (db.example is no host)
TEST_FAKES = {("tests/test_warehouse.py", "wrong"), ("tests/test_warehouse.py", "s3cret")}


def find_secrets(text: str, kind: str = "text") -> list[str]:
    """Credential-shaped literals in ``text``; ``kind`` is ``python`` (values are quoted literals), ``config``
    (YAML, INI, .env: values go unquoted) or ``text`` (shell, Dockerfile, Makefile, docs)."""
    hits = [m.group(0) for m in KEY_SHAPES.finditer(text)]
    patterns = [QUOTED, FLAG, URL_USERINFO]
    if kind != "python":
        patterns.append(ASSIGNED)
    if kind == "config":
        patterns.append(CONFIG_KEY)
    for pattern in patterns:
        hits += [m.group(1) for m in pattern.finditer(text) if not REFERENCE.match(m.group(1))]
    return hits


def tracked_files() -> list[Path]:
    try:
        # tracked, and new files not ignored (what the next commit may add)
        out = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=REPO,
                             capture_output=True, check=True).stdout
        names = [n for n in out.decode().split("\0") if n]
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("not a git checkout: the tracked files are unknown")
    return [REPO / n for n in names if (REPO / n).is_file()]


def test_the_scanner_finds_what_it_looks_for():
    pw = "hunter" + "2x9"  # assembled, so this file holds no such literal itself
    for text in (f'password = "{pw}"', f"AIRFLOW_DB_PASSWORD={pw}", f"    POSTGRES_PASSWORD: {pw}",
                 f"postgresql://ltvzaiko:{pw}@warehouse:5432/ltvzaiko", f'--password "{pw}"',
                 f'{{"api_key": "{pw}"}}', "-----BEGIN RSA " + "PRIVATE KEY-----"):
        assert find_secrets(text), text
    assert find_secrets(f"  password: {pw}", "config") and not find_secrets(f"  password: {pw}")
    assert find_secrets(f'DB_PASSWORD = "{pw}"', "python") and not find_secrets("NAME = re.compile(r'SECRET')", "python")
    for text, kind in (("AIRFLOW_DB_PASSWORD=change-me", "config"),
                       ("POSTGRES_PASSWORD: ${AIRFLOW_DB_PASSWORD:?set it}", "config"),
                       ("password: \"{{ env_var('LTVZAIKO_DBT_PASSWORD', '') }}\"", "config"),
                       ("postgresql://user:pw@host:port/db", "text"),
                       ('f"postgresql://{user}:{pw}@127.0.0.1:{self.port}/{database}"', "python"),
                       ('--password "$${_ADMIN_PASSWORD}"', "config"),
                       ("def connect(password: str | None = None):", "python"),
                       ('password=os.environ["X_PASSWORD"]', "python"),
                       ("SECRET_NAME = re.compile(r'PASSWORD|SECRET')", "python")):
        assert not find_secrets(text, kind), text


def test_no_secret_literal_is_committed():
    found = []
    for path in tracked_files():
        if path.resolve() == Path(__file__).resolve():
            continue  # this scanner: its patterns and examples describe secrets (its examples are assembled)
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue  # binary (images, the CP932 fixtures): no configuration lives there
        rel = path.relative_to(REPO).as_posix()
        kind = ("python" if path.suffix == ".py" else
                "config" if path.name.startswith(".env") or path.suffix in CONFIG_FILES else "text")
        found += [f"{rel}: {hit}" for hit in find_secrets(text, kind) if (rel, hit) not in TEST_FAKES]
    assert found == []
    assert ".env" not in {p.relative_to(REPO).as_posix() for p in tracked_files()}


def test_connections_come_from_the_environment_or_the_runtime_state(warehouse, tmp_path):
    # the settings read the environment and nothing else
    assert load_settings({}).warehouse_url is None
    assert load_settings({"LTVZAIKO_WAREHOUSE_URL": "postgresql://u:p@h/d"}).warehouse_url == "postgresql://u:p@h/d"
    # no built-in fallback credentials: a home whose server never started has no URL at all
    from ltvzaiko_tasks.warehouse.connection import resolve_target
    from ltvzaiko_tasks.warehouse.embedded import WarehouseError

    with pytest.raises(WarehouseError, match="has not been started"):
        resolve_target(load_settings({"LTVZAIKO_HOME": str(tmp_path)}))
    # dbt outside Airflow reads its password from the environment; inside Airflow from the connection the
    # project's Airflow environment carries (built from the runtime target, not from a file)
    profiles = (REPO / "dbt_project" / "profiles.yml").read_text(encoding="utf-8")
    assert re.search(r"password:\s*\"\{\{ env_var\('LTVZAIKO_DBT_PASSWORD'", profiles)
    from ltvzaiko_tasks.orchestration.airflow_home import airflow_env

    env = airflow_env(load_settings(), warehouse)
    assert env["AIRFLOW_CONN_LTVZAIKO_WAREHOUSE"] == warehouse.airflow_conn_uri
    if warehouse.embedded:
        # the embedded server's password is generated when it is initialised, and lives in its state file only
        state = load_settings().warehouse_dir / "state.json"
        password = json.loads(state.read_text())["password"]
        assert len(password) >= 16 and warehouse.parts["password"] == password
        assert not [p for p in tracked_files() if password in p.read_bytes().decode("utf-8", "replace")]


def test_the_password_rests_in_the_state_file_only(warehouse, session_home):
    if not warehouse.embedded:
        pytest.skip("an external warehouse's password is the environment's, not in our home")
    from ltvzaiko_tasks.orchestration.airflow_home import prepare_airflow

    prepare_airflow()  # Airflow's home (its config, its migration marker) is set up
    secrets = [warehouse.parts["password"]]
    bi = json.loads((load_settings().warehouse_dir / "state.json").read_text()).get("bi_password")
    secrets += [bi] if bi else []
    state = load_settings().warehouse_dir / "state.json"
    for secret in secrets:
        assert files_containing(session_home, secret, skip=[load_settings().warehouse_dir / "pgdata"]) == [state]


def test_the_cli_masks_the_password_unless_printing_the_url_is_the_point(warehouse, tmp_path):
    password = warehouse.parts["password"]
    if warehouse.embedded:
        status = cli("warehouse", "status")
        started = cli("warehouse", "start")
        assert password not in status.stdout + status.stderr + started.stdout + started.stderr
        masked = cli("warehouse", "url", "--no-show-password").stdout.strip()
        assert password not in masked and ":***@" in masked
        assert cli("warehouse", "url").stdout.strip() == warehouse.url  # for psql / BI tools, on request
    # an external warehouse's URL is masked in what the CLI says about it
    fake = "ext-" + "Zq7Rk2Lm9"
    external = {"LTVZAIKO_WAREHOUSE_URL": f"postgresql://ops:{fake}@127.0.0.1:9/shop", "LTVZAIKO_HOME": str(tmp_path)}
    status = cli("warehouse", "status", env=external)
    assert fake not in status.stdout + status.stderr and "ops:***@127.0.0.1:9/shop" in status.stdout
    refused = cli("warehouse", "start", env=external, check=False)
    assert refused.returncode != 0 and fake not in refused.stdout + refused.stderr
