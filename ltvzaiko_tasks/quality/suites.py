"""Expectation suites, derived from each source's declared contract (``ingest.sources``).

Every row-level rule of a landing file is written here once, from the fields of its
:class:`~ltvzaiko_tasks.ingest.sources.Source`; nothing in this module names a source. Built lazily (GX takes
seconds to import), never at DAG parse time. Raw values are text at this point, so numeric and date rules
are regular expressions on the delivered text.
"""
from __future__ import annotations

import re

from ..ingest.sources import Source

INTEGER = r"^-?\d+$"
NON_NEGATIVE_INTEGER = r"^\d+$"
NON_POSITIVE_INTEGER = r"^(?:0|-\d+)$"
NONZERO_INTEGER = r"^-?[1-9]\d*$"
NON_NEGATIVE_NUMBER = r"^\d+(?:\.\d+)?$"
PERCENTAGE = r"^(?:100|[1-9]?\d)$"
_DATE = r"\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])"
ISO_DATE = rf"^{_DATE}$"
_SLASH_DATE = r"\d{4}/(?:0[1-9]|1[0-2])/(?:0[1-9]|[12]\d|3[01])"
_HM = r"(?:[01]\d|2[0-3]):[0-5]\d"
_HMS = rf"{_HM}:[0-5]\d"


def timestamp_regex(fmt: str, business_date: str | None = None) -> str:
    """A local (JST) timestamp in the source's format; on ``business_date`` when given.

    ``iso_space`` 2025-04-01 21:14:05 · ``iso_offset`` 2025-04-01T21:14:05+09:00 · ``slash_minutes`` 2025/04/01 21:14
    """
    if fmt == "slash_minutes":
        day = re.escape(business_date.replace("-", "/")) if business_date else _SLASH_DATE
    else:
        day = re.escape(business_date) if business_date else _DATE
    return f"^{day}{_timestamp_time(fmt)}"


def _timestamp_time(fmt: str) -> str:
    """What follows the (10-character) date of a timestamp in ``fmt``, to the end."""
    if fmt == "iso_space":
        return rf" {_HMS}$"
    if fmt == "iso_offset":
        return rf"T{_HMS}\+09:00$"
    if fmt == "slash_minutes":
        return rf" {_HM}$"
    raise ValueError(f"unknown timestamp format {fmt!r}")


def business_timestamp_regex(business_date: str, fmt: str = "iso_space") -> str:
    return timestamp_regex(fmt, business_date)


def kind_condition(column: str, value: str):
    """A GX row condition selecting the rows of one kind."""
    from great_expectations.expectations.row_conditions import Column

    return Column(column) == value


def expectations_for(source: Source, business_date: str, reference_values: dict[str, set[str]] | None = None
                     ) -> list:
    """The GX expectations of ``source`` for a file of ``business_date``.

    ``reference_values`` maps a referencing column to the master's known values; references whose
    master is not available are not checked here (dbt relationship tests check them in the warehouse).
    """
    return _expectations(source, _FileDate(source, business_date, reference_values or {}))


def window_expectations(source: Source, reference_values_by_date: dict[str, dict[str, set[str]]]) -> list:
    """The same rules as :func:`expectations_for`, over the frame :func:`window_frame` builds from many files
    (of one or more business dates), in one suite run.

    Every date-dependent rule is checked per row against that row's own ``_business_date`` (timestamps on
    the business date, dates equal to it, references to that date's master values) through a derived column,
    and keys are unique per ``_source_file``. The window passes only if every file would pass on its own; a
    failing window says nothing about which file broke which rule: check its files one by one for that.
    """
    return _expectations(source, _RowDates(source, reference_values_by_date))


WINDOW_LINEAGE = ("_business_date", "_source_file")
_OK = "=business_date="
"""Stands for a value that holds its date-dependent rule on its row (never a delivered value: a breaking
value is prefixed with ``!``)."""


def window_frame(source: Source, parts: list[tuple[str, str, "pd.DataFrame"]],
                 reference_values_by_date: dict[str, dict[str, set[str]]]):
    """One frame of many canonical frames ``(business_date, source_file, frame)`` for
    :func:`window_expectations`: the source's columns, the lineage columns and one derived column per
    date-dependent rule (null where the value is null, ``_OK``-based where the rule holds on that row)."""
    import pandas as pd

    refs = _window_references(source, reference_values_by_date)
    out = []
    for business_date, source_file, frame in parts:
        frame = frame.copy()
        frame.insert(0, "_source_file", source_file)
        frame.insert(0, "_business_date", business_date)
        for c in source.dates_on_business_date:
            s = frame[c]
            frame[_on_date(c)] = ("!" + s).where(s != business_date, _OK).where(s.notna())
        day = business_date.replace("-", "/") if source.timestamp_format == "slash_minutes" else business_date
        for c in _business_timestamp_columns(source):
            s = frame[c]
            frame[_on_date(c)] = ("!" + s).where(s.str[:10] != day, _OK + s.str[10:]).where(s.notna())
        known = reference_values_by_date.get(business_date) or {}
        for c in refs:
            s = frame[c]
            if c in known:
                frame[_on_date(c)] = ("!" + s).where(~s.isin(known[c]), _OK).where(s.notna())
            else:  # not checked on this date, as in the file's own suite
                frame[_on_date(c)] = pd.Series(_OK, index=frame.index).where(s.notna())
        out.append(frame)
    return pd.concat(out, ignore_index=True)


def _on_date(column: str) -> str:
    return f"{column}@business_date"


def _business_timestamp_columns(source: Source) -> list[str]:
    cols = list(source.business_timestamps)
    for kind in source.kinds.values():
        cols += [c for c in kind.business_timestamps if c not in cols]
    return cols


def _window_references(source: Source, reference_values_by_date: dict) -> list[str]:
    return [r.column for r in source.references
            if any(r.column in (v or {}) for v in reference_values_by_date.values())]


class _FileDate:
    """Date-dependent rules of one file: against its business date."""

    def __init__(self, source: Source, business_date: str, reference_values: dict[str, set[str]]):
        self.source, self.business_date, self.reference_values = source, business_date, reference_values

    def columns(self) -> list[str]:
        return list(self.source.columns)

    def key(self) -> list[str]:
        return list(self.source.key)

    def on_date(self, column: str) -> tuple[str, list[str]]:
        return column, [self.business_date]

    def timestamp_on_date(self, column: str) -> tuple[str, str]:
        return column, timestamp_regex(self.source.timestamp_format, self.business_date)

    def reference(self, column: str) -> tuple[str, list[str]] | None:
        known = self.reference_values.get(column)
        return None if known is None else (column, sorted(known))


class _RowDates:
    """Date-dependent rules of a window of files: each row against its own ``_business_date``."""

    def __init__(self, source: Source, reference_values_by_date: dict):
        self.source = source
        self.refs = _window_references(source, reference_values_by_date)

    def columns(self) -> list[str]:
        s = self.source
        return [*WINDOW_LINEAGE, *s.columns, *map(_on_date, s.dates_on_business_date),
                *map(_on_date, _business_timestamp_columns(s)), *map(_on_date, self.refs)]

    def key(self) -> list[str]:
        return ["_source_file", *self.source.key] if self.source.key else []

    def on_date(self, column: str) -> tuple[str, list[str]]:
        return _on_date(column), [_OK]

    def timestamp_on_date(self, column: str) -> tuple[str, str]:
        return _on_date(column), "^" + re.escape(_OK) + _timestamp_time(self.source.timestamp_format)

    def reference(self, column: str) -> tuple[str, list[str]] | None:
        return (_on_date(column), [_OK]) if column in self.refs else None


def _expectations(source: Source, dates) -> list:
    import great_expectations as gx

    E = gx.expectations
    regex = E.ExpectColumnValuesToMatchRegex
    exps: list = [E.ExpectTableColumnsToMatchOrderedList(column_list=dates.columns())]
    exps += [E.ExpectColumnValuesToNotBeNull(column=c) for c in source.not_null]
    key = dates.key()
    if key:
        if len(key) == 1:
            exps.append(E.ExpectColumnValuesToBeUnique(column=key[0]))
        else:
            exps.append(E.ExpectCompoundColumnsToBeUnique(column_list=key))
    for c in source.integers:
        exps.append(regex(column=c, regex=NON_NEGATIVE_INTEGER if c in source.non_negative else INTEGER))
    for c in source.non_negative:
        if c not in source.integers:
            exps.append(regex(column=c, regex=NON_NEGATIVE_NUMBER))
    exps += [regex(column=c, regex=NONZERO_INTEGER) for c in source.nonzero]
    exps += [regex(column=c, regex=PERCENTAGE) for c in source.percentages]
    exps += [regex(column=c, regex=ISO_DATE) for c in source.dates]
    for c in source.dates_on_business_date:
        column, value_set = dates.on_date(c)
        exps.append(E.ExpectColumnValuesToBeInSet(column=column, value_set=value_set))
    exps += [regex(column=c, regex=timestamp_regex(source.timestamp_format)) for c in source.timestamps
             if c not in source.business_timestamps]
    for c in source.business_timestamps:
        column, pattern = dates.timestamp_on_date(c)
        exps.append(regex(column=column, regex=pattern))
    for c, values in source.allowed.items():
        exps.append(E.ExpectColumnValuesToBeInSet(column=c, value_set=list(values)))
    for c, pattern in source.patterns.items():
        exps.append(regex(column=c, regex=pattern))
    if source.kind_column:
        exps.append(E.ExpectColumnValuesToNotBeNull(column=source.kind_column))
        exps.append(E.ExpectColumnValuesToBeInSet(column=source.kind_column, value_set=list(source.kinds)))
        for value, kind in source.kinds.items():
            when = {"row_condition": kind_condition(source.kind_column, value)}
            exps += [E.ExpectColumnValuesToNotBeNull(column=c, **when) for c in kind.not_null]
            for c in kind.business_timestamps:
                column, pattern = dates.timestamp_on_date(c)
                exps.append(regex(column=column, regex=pattern, **when))
            sign = NON_NEGATIVE_INTEGER if kind.sign > 0 else NON_POSITIVE_INTEGER
            exps += [regex(column=c, regex=sign, **when) for c in source.signed]
    for ref in source.references:
        checked = dates.reference(ref.column)
        if checked is not None:
            column, value_set = checked
            exps.append(E.ExpectColumnValuesToBeInSet(column=column, value_set=value_set,
                                                      meta={"references": f"{ref.master}.{ref.master_column}"}))
    return exps
