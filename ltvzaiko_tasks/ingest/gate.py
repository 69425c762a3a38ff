"""The quality gate of one source over a run's business dates.

For every landing file: byte-level checks, decoding and header mapping into a canonical CSV
(``readers.normalise``), then the source's Great Expectations suite. A failing file is moved to
quarantine with its reason and audited; the gate then fails naming every bad file and rule.
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


def gate_source(source: Source, landing: Path, dates: list[str], work_dir: Path, quarantine_dir: Path,
                conn: psycopg.Connection, run_id: str | None = None, flatteners: dict | None = None,
                runner=None) -> GateResult:
    """Check every file of ``source`` for ``dates``; quarantine the bad ones; raise if any was bad."""
    from ..quality.runner import SuiteRunner
    from ..quality.suites import expectations_for

    if flatteners is None:
        from .flatteners import FLATTENERS as flatteners
    runner = runner or SuiteRunner()
    audit.ensure_audit_table(conn)
    result = GateResult(source=source.name)
    failures: list[str] = []
    missing: list[str] = []
    for d in dates:
        complete = [f for f in source.files_for(landing, d) if not is_in_flight(f)]
        result.in_flight += [str(f) for f in in_flight_files(source, landing, d)]
        if not complete:
            if source.required:
                missing.append(f"{landing / source.folder / d / source.pattern}")
            continue
        refs = reference_values(source, landing, d, conn, flatteners, work_dir)
        for path in complete:
            started = datetime.now(timezone.utc)
            out = work_dir / source.name / d / (path.name + ".canonical.csv")
            violations: list[RuleViolation] = []
            nf: NormalisedFile | None = None
            try:
                nf = normalise(source, path, d, out, flatteners.get(source.name))
            except LandingFileError as exc:
                violations = exc.violations
            rows_read = nf.rows if nf else None
            if nf is not None and nf.rows == 0:
                log.info("%s: no data rows, a valid empty delivery of %s", path, source.name)
            elif nf is not None:
                verdict = runner.validate(read_canonical(nf.path), source.name,
                                          expectations_for(source, d, refs), str(path), redact_columns=source.pii)
                log.info(verdict.message())
                violations = verdict.violations
            if not violations:
                result.accepted.append({k: str(v) if isinstance(v, Path) else v for k, v in asdict(nf).items()})
                continue
            sha = nf.sha256 if nf else _safe_sha(path)
            target = quarantine_file(path, quarantine_dir, source.name, d, sha, violations, run_id)
            if nf is not None:
                nf.path.unlink(missing_ok=True)
            message = f"{path.name}: " + "; ".join(str(v) for v in violations)
            audit.record(conn, audit.AuditRow(
                source=source.name, business_date=d, file_name=path.name, file_path=str(target),
                status="quarantined", started_at=started, sha256=sha, bytes=_safe_size(target),
                rows_read=rows_read, rows_loaded=0, rows_rejected=rows_read, message=message,
                violations=[v.as_dict() for v in violations], run_id=run_id))
            conn.commit()
            failures.append(f"{path} → quarantined at {target}: " + "; ".join(str(v) for v in violations))
            result.quarantined.append({"file": str(path), "quarantined_to": str(target),
                                       "violations": [v.as_dict() for v in violations]})
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
