"""Expectation suites, declared in code, one per landing source.

Built lazily (GX takes seconds to import), never at DAG parse time.
"""
from __future__ import annotations

from ..ingest.sources import STORE_POS

INTEGER = r"^-?\d+$"
NON_NEGATIVE_INTEGER = r"^\d+$"
JST_TIMESTAMP = r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$"


def store_pos_expectations(business_date: str) -> list:
    """Rules for a store POS file of ``business_date``."""
    import great_expectations as gx

    E = gx.expectations
    return [
        E.ExpectTableColumnsToMatchOrderedList(column_list=list(STORE_POS.columns)),
        *[E.ExpectColumnValuesToNotBeNull(column=c) for c in
          ("store_code", "receipt_no", "line_no", "sold_at", "sku_code", "quantity", "unit_price_jpy",
           "line_amount_jpy")],
        E.ExpectCompoundColumnsToBeUnique(column_list=["receipt_no", "line_no"]),
        E.ExpectColumnValuesToMatchRegex(column="line_no", regex=NON_NEGATIVE_INTEGER),
        E.ExpectColumnValuesToMatchRegex(column="quantity", regex=INTEGER),
        E.ExpectColumnValuesToMatchRegex(column="unit_price_jpy", regex=NON_NEGATIVE_INTEGER),
        E.ExpectColumnValuesToMatchRegex(column="discount_jpy", regex=NON_NEGATIVE_INTEGER),
        E.ExpectColumnValuesToMatchRegex(column="line_amount_jpy", regex=INTEGER),
        E.ExpectColumnValuesToMatchRegex(column="sold_at", regex=JST_TIMESTAMP),
        E.ExpectColumnValuesToMatchRegex(column="sold_at", regex=rf"^{business_date} "),
    ]
