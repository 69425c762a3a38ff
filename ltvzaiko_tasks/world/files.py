"""Writing files atomically: a file appears whole (``.part`` renamed into place) or not at all."""
from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

Columns = Mapping[str, Sequence] | pd.DataFrame
"""Column name → values (numpy arrays, lists or Series), in file order."""


def write_bytes(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".part")
    tmp.write_bytes(data)
    tmp.replace(path)
    return path


def _as_list(values) -> list:
    if isinstance(values, pd.Series):
        values = values.to_numpy()
    if isinstance(values, np.ndarray):
        return values.tolist()
    return list(values)


def _rows(columns: Columns) -> tuple[list[str], Iterable[tuple]]:
    if isinstance(columns, pd.DataFrame):
        names = [str(c) for c in columns.columns]
        cols = [_as_list(columns[c]) for c in columns.columns]
    else:
        names = list(columns)
        cols = [_as_list(v) for v in columns.values()]
    return names, zip(*cols)


def csv_text(columns: Columns, header: Sequence[str] | None = None, line_terminator: str = "\n",
             with_header: bool = True) -> str:
    """CSV text of ``columns`` (minimal quoting), with ``header`` overriding the column names."""
    names, rows = _rows(columns)
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator=line_terminator)
    if with_header:
        w.writerow(list(header) if header is not None else names)
    w.writerows(rows)
    return buf.getvalue()


def csv_bytes(columns: Columns, header: Sequence[str] | None = None, encoding: str = "utf-8",
              line_terminator: str = "\n") -> bytes:
    return csv_text(columns, header, line_terminator).encode(encoding)


def write_csv(path: Path, columns: Columns, header: Sequence[str] | None = None, encoding: str = "utf-8",
              line_terminator: str = "\n") -> Path:
    return write_bytes(path, csv_bytes(columns, header, encoding, line_terminator))


def write_csv_chunks(path: Path, header: Sequence[str], chunks: Iterable[Columns], encoding: str = "utf-8",
                     line_terminator: str = "\n") -> Path:
    """Stream ``chunks`` into one CSV, so a big file never has to be held in memory at once."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".part")
    with open(tmp, "wb") as fh:
        fh.write(csv_text({h: [] for h in header}, header, line_terminator).encode(encoding))
        for chunk in chunks:
            fh.write(csv_text(chunk, line_terminator=line_terminator, with_header=False).encode(encoding))
    tmp.replace(path)
    return path
