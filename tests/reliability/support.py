"""Helpers of the reliability tests: stage a COPY that is provably in progress (its input is a named pipe the
test feeds), see which backend waits on which lock, and shape files the way the quality gate hands them over."""
from __future__ import annotations

import errno
import hashlib
import os
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg


def database_url(server_url: str, name: str) -> str:
    return urlunsplit(urlsplit(server_url)._replace(path="/" + name))


def wait_for(predicate, what: str, timeout: float = 30.0, interval: float = 0.02):
    """Poll ``predicate`` until it returns something truthy; fail naming ``what`` after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f}s waiting for {what}")
        time.sleep(interval)


def copy_in_progress(conn: psycopg.Connection, table: str) -> tuple[int, int] | None:
    """(backend pid, tuples so far) of a COPY into ``table`` that has already stored rows, else None."""
    row = conn.execute("select pid, tuples_processed from pg_stat_progress_copy "
                       "where relid = to_regclass(%s) and tuples_processed > 0", (table,)).fetchone()
    return (row[0], row[1]) if row else None


def waiting_on_lock(conn: psycopg.Connection, pid: int, locktype: str | None = None) -> bool:
    """Whether backend ``pid`` is blocked waiting for a heavyweight lock (of ``locktype``, if given)."""
    return conn.execute("select exists (select 1 from pg_locks where pid = %s and not granted "
                        "and (%s::text is null or locktype = %s))", (pid, locktype, locktype)).fetchone()[0]


def backend_gone(conn: psycopg.Connection, pid: int) -> bool:
    return conn.execute("select not exists (select 1 from pg_stat_activity where pid = %s)", (pid,)).fetchone()[0]


def open_fifo_writer(fifo: Path, alive, timeout: float = 30.0) -> int:
    """Open the write end of ``fifo`` once its reader (the loader) has opened it; ``alive()`` says whether the
    reader's process is still running (so a crash fails fast instead of hanging)."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            fd = os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)
        except OSError as exc:
            if exc.errno != errno.ENXIO:
                raise
            if not alive():
                raise AssertionError("the loader ended before it opened its input") from None
            if time.monotonic() > deadline:
                raise AssertionError(f"nobody opened {fifo} for reading in {timeout:.0f}s") from None
            time.sleep(0.02)
            continue
        os.set_blocking(fd, True)
        return fd


def accepted_entry(business_date: str, original: str, path: Path, content: bytes, rows: int) -> dict:
    """A file as the quality gate hands it to the loader (``GateResult.accepted``)."""
    return {"source": "store_pos", "business_date": business_date, "original": original, "path": str(path),
            "sha256": hashlib.sha256(content).hexdigest(), "bytes": len(content), "rows": rows}


def files_containing(root: Path, secret: str, skip: list[Path] = ()) -> list[Path]:
    """Every file under ``root`` (but not under ``skip``) whose bytes contain ``secret``."""
    needle = secret.encode()
    skipped = [Path(s).resolve() for s in skip]
    hits = []
    for dirpath, dirnames, filenames in os.walk(root):
        here = Path(dirpath).resolve()
        dirnames[:] = [d for d in dirnames if (here / d) not in skipped]
        for name in filenames:
            path = here / name
            try:
                if path.is_file() and needle in path.read_bytes():
                    hits.append(path)
            except OSError:
                continue
    return sorted(hits)
