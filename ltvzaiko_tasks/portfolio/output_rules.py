"""Quality rules for the item-value outputs (item LTV contribution, LTV class, ZPM cell), checked before they
are published (SPEC §2, §7).

The item-value stage runs these Great Expectations rules on each grain's frame (``models.item_value`` per
SKU, ``models.item_value_by_style`` per style, 商品番号) before writing either
(:func:`ltvzaiko_tasks.quality.output_gate.gate_output`); a frame that breaks one is not written and the task
fails naming the rule:

* one row per item (the key not null and unique), ``as_of_date`` not null;
* ``ltv_class`` one of the configured classes (default 高 / 中 / 低), never null;
* ``zpm_cell`` one of the eight cells (``ZL-PH-MH`` …, :data:`~ltvzaiko_tasks.portfolio.zpm.ZPM_CELLS`), never
  null, with its recommended action;
* shares and rates in [0, 1]: ``clv_share``, ``repeat_rate``, ``sell_through_rate``, ``high_ltv_buyer_share``,
  ``gateway_repeat_rate`` (null where nothing was measured). ``anonymous_sales_share`` is a share of *net*
  sales, so returns can push it outside [0, 1]: it is not range-checked;
* counts and money that cannot be negative are not: ``buyers``, ``clv_contribution_jpy``,
  ``high_ltv_buyer_lift``, ``weeks_of_cover``, ``high_ltv_buyers``, ``gateway_buyers``, ``gateway_repeat_lift``;
  ``clv_rank`` >= 1.
"""
from __future__ import annotations

import great_expectations as gx

from .item_ltv import ItemLtvConfig
from .zpm import ZPM_CELLS

SHARE_COLUMNS = ("clv_share", "repeat_rate", "sell_through_rate", "high_ltv_buyer_share", "gateway_repeat_rate")
"""Columns that are shares or rates in [0, 1]."""
NON_NEGATIVE_COLUMNS = ("buyers", "clv_contribution_jpy", "high_ltv_buyer_lift", "weeks_of_cover", "high_ltv_buyers",
                        "gateway_buyers", "gateway_repeat_lift")


def item_value_rules(item_col: str = "sku_id", config: ItemLtvConfig | None = None) -> list:
    """Rules for one as-of date's item values at one grain (``item_col``: ``"sku_id"`` or ``"style_id"``)."""
    config = config or ItemLtvConfig()
    e = gx.expectations
    rules: list = [e.ExpectColumnValuesToNotBeNull(column=c)
                   for c in ("as_of_date", item_col, "ltv_class", "zpm_cell", "recommended_action")]
    rules += [
        e.ExpectColumnValuesToBeUnique(column=item_col, description="one row per item"),
        e.ExpectColumnValuesToBeInSet(column="ltv_class", value_set=list(config.class_labels),
                                      description="item LTV class " + " / ".join(config.class_labels)),
        e.ExpectColumnValuesToBeInSet(column="zpm_cell", value_set=sorted(c.cell for c in ZPM_CELLS),
                                      description="one of the eight ZPM cells"),
        e.ExpectColumnValuesToBeBetween(column="clv_rank", min_value=1),
    ]
    rules += [e.ExpectColumnValuesToBeBetween(column=c, min_value=0, max_value=1, description="a share in [0, 1]")
              for c in SHARE_COLUMNS]
    rules += [e.ExpectColumnValuesToBeBetween(column=c, min_value=0) for c in NON_NEGATIVE_COLUMNS]
    return rules
