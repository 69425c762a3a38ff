"""The quality gate of one source over a run's business dates.

For every landing file: byte-level checks, decoding and header mapping into a canonical CSV
(``readers.normalise``), then the source's Great Expectations suite (one suite run over many files of the
window, each file alone only when that run fails). A failing file is moved to quarantine with its reason and
audited; the gate then fails naming every bad file and rule.
Files that pass are handed to the loader; nothing is loaded by the gate.
"""
from __future__ import annotations

import fnmatch
import logging
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import pandas as pd
import psycopg

from . import audit
from .errors import LandingFileError, RuleViolation
from .quarantine import quarantine_file
from .readers import NormalisedFile, is_in_flight, normalise, sha256_of
from .sources import SOURCES, Source

log = logging.getLogger(__name__)


class QualityGateFailed(RuntimeError):
    """One or more landing files broke their contract and were quarantined."""


class MissingExtractError(FileNotFoundError):
    """A required extract is not in the landing zone."""


@dataclass
class GateResult:
    source: str
    accepted: list[dict] = field(default_factory=list)
    """Normalised files ready to load (``NormalisedFile`` as dicts, JSON-serialisable for XCom)."""
    quarantined: list[dict] = field(default_factory=list)
    in_flight: list[str] = field(default_factory=list)


def in_flight_files(source: Source, landing: Path, business_date: str) -> list[Path]:
    """Files of this source that their sender is still writing (``pos_lines_x.csv.part``)."""
    folder = Path(landing) / source.folder / business_date
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir()
                  if is_in_flight(p) and fnmatch.fnmatch(p.name[:p.name.rfind(".")], source.pattern))


def read_canonical(path: Path) -> pd.DataFrame:
    """A canonical CSV as text columns, empty fields as null, lineage columns dropped."""
    df = pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""], encoding="utf-8")
    return df.drop(columns=["_business_date", "_source_file"])


def reference_values(source: Source, landing: Path, business_date: str, conn: psycopg.Connection | None,
                     flatteners: dict, work_dir: Path) -> dict[str, set[str]]:
    """Known master values for each reference of ``source``: the master file of the same business date
    when delivered, else the latest master loaded in raw. Each master file is read once."""
    values: dict[str, set[str]] = {}
    by_master: dict[str, list] = {}
    for ref in source.references:
        by_master.setdefault(ref.master, []).append(ref)
    for master_name, refs in by_master.items():
        master = SOURCES[master_name]
        wanted = sorted({r.master_column for r in refs})
        files = [f for f in master.files_for(landing, business_date) if not is_in_flight(f)]
        known: dict[str, set[str]] | None = None
        if files:
            known = {c: set() for c in wanted}
            for f in files:
                tmp = work_dir / "refcheck" / master.name / business_date / (f.name + ".csv")
                try:
                    nf = normalise(master, f, business_date, tmp, flatteners.get(master.name))
                except LandingFileError:
                    known = None  # the master's own gate reports it
                    break
                frame = read_canonical(nf.path)
                for c in wanted:
                    known[c] |= set(frame[c].dropna())
                tmp.unlink(missing_ok=True)
        elif conn is not None:
            known = _loaded_master_values(conn, master, wanted, business_date)
        if known is not None:
            for ref in refs:
                values[ref.column] = known[ref.master_column]
    return values


def _loaded_master_values(conn: psycopg.Connection, master: Source, columns: list[str], business_date: str
                          ) -> dict[str, set[str]] | None:
    """Values of the latest snapshot of ``master`` loaded in raw on or before the business date (None when
    there is none)."""
    from psycopg import sql

    if not conn.execute("select to_regclass(%s)", (f"raw.{master.raw_table}",)).fetchone()[0]:
        return None
    table = sql.Identifier("raw", master.raw_table)
    latest = conn.execute(sql.SQL("select max(_business_date) from {} where _business_date <= %s").format(table),
                          (business_date,)).fetchone()[0]
    if latest is None:
        return None
    return {c: {r[0] for r in conn.execute(sql.SQL(
        "select distinct {col} from {tbl} where _business_date = %s and {col} is not null").format(
            col=sql.Identifier(c), tbl=table), (latest,))} for c in columns}


WINDOW_ROWS = 200_000
"""Most rows of a source checked together in one suite run (bounds the memory of a long backfill)."""


@dataclass
class _Checked:
    """One landing file on its way through the gate."""
    business_date: str
    path: Path
    started: datetime
    nf: NormalisedFile | None = None
    frame: pd.DataFrame | None = None
    """The canonical rows, while the file waits for its suite run."""
    violations: list[RuleViolation] = field(default_factory=list)


def gate_source(source: Source, landing: Path, dates: list[str], work_dir: Path, quarantine_dir: Path,
                conn: psycopg.Connection, run_id: str | None = None, flatteners: dict | None = None,
                runner=None, window_rows: int = WINDOW_ROWS) -> GateResult:
    """Check every file of ``source`` for ``dates``; quarantine the bad ones; raise if any was bad.

    Each file is normalised (byte-level and header checks) on its own. Their rows are then checked by the
    source's suite together, up to ``window_rows`` rows per suite run, every date-dependent rule against each
    row's own business date (a suite run costs about the same whatever its rows). When such a run fails,
    each of its files is checked on its own, so a bad file is reported exactly as if it had been alone.
    """
    from ..quality.runner import SuiteRunner
    from ..quality.suites import expectations_for, window_expectations, window_frame

    if flatteners is None:
        from .flatteners import FLATTENERS as flatteners
    runner = runner or SuiteRunner()
    audit.ensure_audit_table(conn)
    result = GateResult(source=source.name)
    failures: list[str] = []
    missing: list[str] = []
    refs_by_date: dict[str, dict[str, set[str]]] = {}
    pending: list[_Checked] = []  # in date and file order, decided together by flush()

    def check_alone(c: _Checked) -> None:
        verdict = runner.validate(c.frame, source.name,
                                  expectations_for(source, c.business_date, refs_by_date[c.business_date]),
                                  str(c.path), redact_columns=source.pii)
        log.info(verdict.message())
        c.violations = verdict.violations

    def flush() -> None:
        waiting = [c for c in pending if c.frame is not None]
        if len(waiting) == 1:
            check_alone(waiting[0])
        elif waiting:
            parts = [(c.business_date, str(c.path), c.frame) for c in waiting]
            dates_here = sorted({c.business_date for c in waiting})
            verdict = runner.validate(
                window_frame(source, parts, refs_by_date), source.name,
                window_expectations(source, {d: refs_by_date[d] for d in dates_here}),
                f"{len(waiting)} {source.name} files of {dates_here[0]}..{dates_here[-1]}",
                redact_columns=source.pii)
            if verdict.success:
                log.info(verdict.message())
            else:  # rules only: the window's derived columns are not redacted, its files' own reasons are
                log.info("%s: %s broken; checking its files one by one to name the bad ones", verdict.subject,
                         ", ".join(v.rule for v in verdict.violations))
                for c in waiting:
                    check_alone(c)
        for c in pending:
            c.frame = None
            _decide(c)
        pending.clear()

    def _decide(c: _Checked) -> None:
        nf, path, d, violations = c.nf, c.path, c.business_date, c.violations
        if not violations:
            result.accepted.append({k: str(v) if isinstance(v, Path) else v for k, v in asdict(nf).items()})
            return
        rows_read = nf.rows if nf else None
        sha = nf.sha256 if nf else _safe_sha(path)
        target = quarantine_file(path, quarantine_dir, source.name, d, sha, violations, run_id)
        if nf is not None:
            nf.path.unlink(missing_ok=True)
        message = f"{path.name}: " + "; ".join(str(v) for v in violations)
        audit.record(conn, audit.AuditRow(
            source=source.name, business_date=d, file_name=path.name, file_path=str(target),
            status="quarantined", started_at=c.started, sha256=sha, bytes=_safe_size(target),
            rows_read=rows_read, rows_loaded=0, rows_rejected=rows_read, message=message,
            violations=[v.as_dict() for v in violations], run_id=run_id))
        conn.commit()
        failures.append(f"{path} → quarantined at {target}: " + "; ".join(str(v) for v in violations))
        result.quarantined.append({"file": str(path), "quarantined_to": str(target),
                                   "violations": [v.as_dict() for v in violations]})

    waiting_rows = 0
    for d in dates:
        complete = [f for f in source.files_for(landing, d) if not is_in_flight(f)]
        result.in_flight += [str(f) for f in in_flight_files(source, landing, d)]
        if not complete:
            if source.required:
                missing.append(f"{landing / source.folder / d / source.pattern}")
            continue
        refs_by_date[d] = reference_values(source, landing, d, conn, flatteners, work_dir)
        for path in complete:
            c = _Checked(business_date=d, path=path, started=datetime.now(timezone.utc))
            out = work_dir / source.name / d / (path.name + ".canonical.csv")
            try:
                c.nf = normalise(source, path, d, out, flatteners.get(source.name))
            except LandingFileError as exc:
                c.violations = exc.violations
            if c.nf is not None and c.nf.rows == 0:
                log.info("%s: no data rows, a valid empty delivery of %s", path, source.name)
            elif c.nf is not None:
                c.frame = read_canonical(c.nf.path)
                if list(c.frame.columns) != list(source.columns):  # the suite names it, on this file alone
                    check_alone(c)
                    c.frame = None
                else:
                    waiting_rows += len(c.frame)
            pending.append(c)
            if waiting_rows >= window_rows:
                flush()
                waiting_rows = 0
    flush()
    if failures:
        raise QualityGateFailed(f"quality gate of {source.description} failed for {len(failures)} file(s): "
                                + " | ".join(failures))
    if missing:
        raise MissingExtractError(f"no {source.description} file for " + ", ".join(missing)
                                  + (f" (still being written: {result.in_flight})" if result.in_flight else ""))
    return result


def _safe_sha(path: Path) -> str | None:
    try:
        return sha256_of(path)
    except OSError:
        return None


def _safe_size(path: Path) -> int | None:
    try:
        return path.stat().st_size
    except OSError:
        return None
