"""Read a landing file as delivered and rewrite it as a canonical UTF-8 CSV ready for ``COPY``.

The canonical file starts with the lineage columns ``_business_date`` and ``_source_file`` followed by
the source's columns in declared order, so it can be copied straight into the raw table. File-level
problems (empty, compressed, NUL bytes, wrong encoding, bad header, ragged rows, broken JSON) are
raised as :class:`LandingFileError` naming the rule, with line numbers as examples.
"""
from __future__ import annotations

import csv
import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from .errors import LandingFileError, RecordError, RuleViolation
from .sources import FileFormat, Source

LINEAGE_COLUMNS = ("_business_date", "_source_file")
IN_FLIGHT_SUFFIXES = (".part", ".tmp", ".filepart", ".crdownload", ".partial")
MAGIC = {b"PK\x03\x04": "zip archive", b"\x1f\x8b": "gzip archive", b"%PDF": "PDF document",
         b"\xd0\xcf\x11\xe0": "legacy Excel/OLE document"}
MAX_FIELD_CHARS = 128 * 1024
MAX_EXAMPLES = 5
CHUNK = 1 << 20


@dataclass(frozen=True)
class NormalisedFile:
    source: str
    business_date: str
    original: Path
    path: Path
    sha256: str
    bytes: int
    rows: int


def is_in_flight(path: Path) -> bool:
    """A file still being written by its sender: named with a temporary suffix."""
    return path.name.lower().endswith(IN_FLIGHT_SUFFIXES)


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(CHUNK):
            h.update(chunk)
    return h.hexdigest()


def precheck(path: Path, zero_bytes_ok: bool = False) -> list[RuleViolation]:
    """Byte-level rules checked before decoding. ``zero_bytes_ok``: a 0-byte file is a valid empty delivery
    (JSON Lines of a source that may be empty: no record, no header)."""
    size = path.stat().st_size
    if size == 0:
        return [] if zero_bytes_ok else [RuleViolation("file_not_empty", "the file has 0 bytes")]
    with open(path, "rb") as fh:
        head = fh.read(8)
    for magic, kind in MAGIC.items():
        if head.startswith(magic):
            return [RuleViolation("plain_text_file", f"the file is a {kind}, not a text extract")]
    nul_lines: list[int] = []
    line = 1
    with open(path, "rb") as fh:
        while chunk := fh.read(CHUNK):
            if b"\x00" in chunk:
                for i, part in enumerate(chunk.split(b"\n")):
                    if b"\x00" in part and len(nul_lines) < MAX_EXAMPLES:
                        nul_lines.append(line + i)
            line += chunk.count(b"\n")
    if nul_lines:
        return [RuleViolation("no_nul_bytes", "NUL bytes found (binary garbage or a corrupt transfer)",
                              examples=[f"line {n}" for n in nul_lines])]
    return []


def _csv_rows(source: Source, path: Path) -> Iterator[tuple[int, list[str]]]:
    encoding = "utf-8-sig" if source.encoding.lower().replace("_", "-") in ("utf-8", "utf8") else source.encoding
    with open(path, newline="", encoding=encoding, errors="strict") as fh:
        reader = csv.reader(fh, strict=True)
        for row in reader:
            yield reader.line_num, row


def _jsonl_rows(source: Source, path: Path, flatten, problems: dict[str, RuleViolation]
                ) -> Iterator[tuple[int, list[str]]]:
    """Canonical rows of a JSON Lines file, streamed line by line. A bad line is recorded in ``problems``
    (one violation per rule, counting lines, the first line numbers as examples) and reading goes on, so
    the reason names every broken line, not just the first."""
    columns = set(source.columns)
    with open(path, encoding="utf-8-sig", errors="strict") as fh:
        yield 0, list(source.columns)  # JSON carries names per record; the canonical header is implied
        for n, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
                if not isinstance(record, dict):
                    raise RecordError("json_lines_parseable", "a line must hold one JSON object")
                rows = list(flatten(record))
                stray = sorted({k for row in rows for k in row if k not in columns})
                if stray:
                    raise RecordError("json_keys_match_contract", f"record fields outside the contract: {stray}")
            except json.JSONDecodeError as exc:
                _note(problems, "json_lines_parseable", str(exc), n)
                continue
            except RecordError as exc:
                _note(problems, exc.rule, exc.detail, n)
                continue
            for row in rows:
                yield n, ["" if row.get(c) is None else str(row.get(c)) for c in source.columns]


def _note(problems: dict[str, RuleViolation], rule: str, detail: str, line: int) -> None:
    v = problems.get(rule)
    if v is None:
        problems[rule] = v = RuleViolation(rule, detail, count=0)
    v.count += 1
    if len(v.examples) < MAX_EXAMPLES:
        v.examples.append(f"line {line}")


def check_header(source: Source, header: list[str]) -> list[RuleViolation]:
    mapped = [source.header_map.get(h.strip(), h.strip()) for h in header]
    if tuple(mapped) == source.columns:
        return []
    missing = [c for c in source.columns if c not in mapped]
    extra = [h for h, m in zip(header, mapped) if m not in source.columns]
    dupes = sorted({m for m in mapped if mapped.count(m) > 1})
    detail = (f"header must be {list(source.columns)} (after mapping); missing {missing}, unexpected {extra[:10]}"
              + (f", duplicated {dupes}" if dupes else "")
              + ("" if missing or extra or dupes else ", columns out of order"))
    return [RuleViolation("header_matches_contract", detail, examples=[h[:80] for h in header[:10]])]


def normalise(source: Source, path: Path, business_date: str, out: Path, flatten=None) -> NormalisedFile:
    """Validate the file's structure and write the canonical CSV ``out``; raise LandingFileError (and leave
    no canonical file behind)."""
    try:
        return _normalise(source, path, business_date, out, flatten)
    except LandingFileError:
        out.unlink(missing_ok=True)
        raise


def _normalise(source: Source, path: Path, business_date: str, out: Path, flatten) -> NormalisedFile:
    is_jsonl = source.file_format is FileFormat.JSONL
    problems = precheck(path, zero_bytes_ok=is_jsonl and source.may_be_empty)
    if problems:
        raise LandingFileError(path, problems)
    if is_jsonl and flatten is None:
        raise ValueError(f"source {source.name} is JSON Lines and needs a flatten function")
    out.parent.mkdir(parents=True, exist_ok=True)
    csv.field_size_limit(MAX_FIELD_CHARS)
    ragged: list[str] = []
    n_ragged = 0
    rows = 0
    record_problems: dict[str, RuleViolation] = {}
    rows_iter = _jsonl_rows(source, path, flatten, record_problems) if is_jsonl else _csv_rows(source, path)
    try:
        with open(out, "w", newline="", encoding="utf-8") as fo:
            writer = csv.writer(fo, lineterminator="\n")
            header = None
            for line_no, row in rows_iter:
                if header is None:
                    header = row
                    bad = check_header(source, header)
                    if bad:
                        raise LandingFileError(path, bad)
                    writer.writerow([*LINEAGE_COLUMNS, *source.columns])
                    continue
                if not row:
                    continue  # a blank line
                if len(row) != len(source.columns):
                    n_ragged += 1
                    if len(ragged) < MAX_EXAMPLES:
                        ragged.append(f"line {line_no}: {len(row)} fields")
                    continue
                writer.writerow([business_date, path.name, *row])
                rows += 1
            if header is None:
                raise LandingFileError(path, [RuleViolation("header_present", "the file has no header row")])
    except UnicodeDecodeError as exc:
        raise LandingFileError(path, [RuleViolation(
            "encoding", f"not valid {source.encoding}: {exc.reason} at byte {exc.start}",
            examples=[repr(exc.object[max(0, exc.start - 10):exc.start + 10])])]) from None
    except csv.Error as exc:
        rule = "field_size" if "field larger" in str(exc) else "csv_well_formed"
        raise LandingFileError(path, [RuleViolation(rule, f"{exc} (limit {MAX_FIELD_CHARS} characters per field)"
                                                    if rule == "field_size" else str(exc))]) from None
    if record_problems:
        raise LandingFileError(path, list(record_problems.values()))
    if n_ragged:
        raise LandingFileError(path, [RuleViolation(
            "field_count", f"every row must have {len(source.columns)} fields (a truncated or shifted line)",
            count=n_ragged, examples=ragged)])
    if rows == 0 and not source.may_be_empty:
        raise LandingFileError(path, [RuleViolation(
            "has_rows", "the file has no data rows" + ("" if is_jsonl else " (header only)")
            + f"; {source.name} must not be empty")])
    return NormalisedFile(source.name, business_date, path, out, sha256_of(path), path.stat().st_size, rows)
