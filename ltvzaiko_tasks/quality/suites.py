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
    day = re.escape(business_date) if business_date else _DATE
    if fmt == "iso_space":
        return rf"^{day} {_HMS}$"
    if fmt == "iso_offset":
        return rf"^{day}T{_HMS}\+09:00$"
    if fmt == "slash_minutes":
        slash = re.escape(business_date.replace("-", "/")) if business_date else _SLASH_DATE
        return rf"^{slash} {_HM}$"
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
    import great_expectations as gx

    E = gx.expectations
    regex = E.ExpectColumnValuesToMatchRegex
    exps: list = [E.ExpectTableColumnsToMatchOrderedList(column_list=list(source.columns))]
    exps += [E.ExpectColumnValuesToNotBeNull(column=c) for c in source.not_null]
    if source.key:
        if len(source.key) == 1:
            exps.append(E.ExpectColumnValuesToBeUnique(column=source.key[0]))
        else:
            exps.append(E.ExpectCompoundColumnsToBeUnique(column_list=list(source.key)))
    for c in source.integers:
        exps.append(regex(column=c, regex=NON_NEGATIVE_INTEGER if c in source.non_negative else INTEGER))
    for c in source.non_negative:
        if c not in source.integers:
            exps.append(regex(column=c, regex=NON_NEGATIVE_NUMBER))
    exps += [regex(column=c, regex=NONZERO_INTEGER) for c in source.nonzero]
    exps += [regex(column=c, regex=PERCENTAGE) for c in source.percentages]
    exps += [regex(column=c, regex=ISO_DATE) for c in source.dates]
    exps += [E.ExpectColumnValuesToBeInSet(column=c, value_set=[business_date]) for c in source.dates_on_business_date]
    exps += [regex(column=c, regex=timestamp_regex(source.timestamp_format)) for c in source.timestamps
             if c not in source.business_timestamps]
    exps += [regex(column=c, regex=timestamp_regex(source.timestamp_format, business_date))
             for c in source.business_timestamps]
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
            exps += [regex(column=c, regex=timestamp_regex(source.timestamp_format, business_date), **when)
                     for c in kind.business_timestamps]
            sign = NON_NEGATIVE_INTEGER if kind.sign > 0 else NON_POSITIVE_INTEGER
            exps += [regex(column=c, regex=sign, **when) for c in source.signed]
    for ref in source.references:
        known = (reference_values or {}).get(ref.column)
        if known is not None:
            exps.append(E.ExpectColumnValuesToBeInSet(column=ref.column, value_set=sorted(known),
                                                      meta={"references": f"{ref.master}.{ref.master_column}"}))
    return exps

