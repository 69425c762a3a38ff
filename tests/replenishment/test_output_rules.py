"""Output checks of the order list: a clean list passes, each kind of corruption is rejected naming its rule."""
from __future__ import annotations

import pandas as pd
import pytest

from ltvzaiko_tasks.quality.output_gate import OutputCheckFailed
from ltvzaiko_tasks.replenishment.output_rules import gate_replenishment

POSITION = pd.DataFrame({"sku_id": ["A", "B", "C"], "location_id": "S01", "item_type": ["staple", "staple", "seasonal"],
                         "status": ["active", "active", "active"]})
ORDERS = pd.DataFrame({"sku_id": ["A", "B", "C"], "location_id": "S01", "order_qty": [12, 0, 30],
                       "safety_stock": [5.0, 3.0, 10.0], "reorder_point": [20.0, 9.0, 40.0],
                       "order_up_to": [30.0, 12.0, 40.0], "demand_mean": [25.0, 9.0, 30.0], "case_pack": [6, 6, 10]})
MARKDOWNS = pd.DataFrame({"action": ["hold", "transfer"], "suggested_markdown_rate": [0.0, 0.0],
                          "excess_units": [10.0, 5.0], "transfer_units": [0.0, 5.0]})


def test_a_clean_list_passes():
    verdicts = gate_replenishment(ORDERS, POSITION, MARKDOWNS)
    assert all(v.success for v in verdicts) and verdicts[0].rows == 3


@pytest.mark.parametrize("corrupt, rule, example", [
    (lambda o: o.assign(order_qty=[-6, 0, 30]), "expect_column_values_to_be_between(order_qty)", "-6"),
    (lambda o: o.assign(order_up_to=[15.0, 12.0, 40.0]),
     "expect_column_values_to_be_between(order_up_to_minus_reorder_point)", "-5"),
    (lambda o: o.assign(order_qty=[10, 0, 30]), "expect_column_values_to_be_in_set(case_pack_remainder)", "4"),
    (lambda o: o[o["sku_id"] != "B"], "expect_column_values_to_be_null(unlisted_active_staple)", "B@S01"),
])
def test_a_corrupted_list_is_rejected_naming_the_rule(corrupt, rule, example):
    with pytest.raises(OutputCheckFailed) as err:
        gate_replenishment(corrupt(ORDERS.copy()), POSITION)
    text = str(err.value)
    assert "models.order_recommendations" in text and rule in text and example in text


def test_a_missing_seasonal_or_ended_staple_is_not_required_and_markdowns_are_checked():
    ended = POSITION.assign(status=["active", "ended", "active"])
    assert gate_replenishment(ORDERS[ORDERS["sku_id"] != "B"], ended)[0].success
    assert gate_replenishment(ORDERS[ORDERS["sku_id"] != "C"], POSITION)[0].success
    with pytest.raises(OutputCheckFailed, match=r"excess_minus_transfer_units"):
        gate_replenishment(ORDERS, POSITION, MARKDOWNS.assign(transfer_units=[0.0, 9.0]))
