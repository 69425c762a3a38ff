"""Item portfolio by customer value: item LTV contribution (SPEC §6.2) and the ZPM portfolio (SPEC §6.3).

Pure Python (numpy/pandas), usable without Airflow or a database::

    from ltvzaiko_tasks.ltv import score_customers
    from ltvzaiko_tasks.portfolio import item_ltv_contribution, zpm_item_inputs, classify_zpm

    scores = score_customers(summary, bg, gg)                      # clv, segment per customer
    item_ltv = item_ltv_contribution(lines, scores)                # per SKU: CLV contribution, class 高/中/低
    inputs = zpm_item_inputs(lines, stock, window_weeks=8)         # per SKU: sales, profit, stock
    inputs["ltv_class"] = item_ltv["ltv_class"]
    portfolio = classify_zpm(inputs)                               # cell, axis values, action

Definitions and thresholds: ``docs/ltv.md``.
"""
from .item_ltv import (CLASS_CRITERIA, ItemLtvConfig, classify_item_ltv, item_ltv_contribution,
                                    item_ltv_contribution_by_grain)
from .zpm import ZPM_CELLS, ZpmCell, ZpmConfig, classify_zpm, zpm_cells_table, zpm_item_inputs

__all__ = [
    "CLASS_CRITERIA",
    "ItemLtvConfig",
    "ZPM_CELLS",
    "ZpmCell",
    "ZpmConfig",
    "classify_item_ltv",
    "classify_zpm",
    "item_ltv_contribution",
    "item_ltv_contribution_by_grain",
    "zpm_cells_table",
    "zpm_item_inputs",
]
