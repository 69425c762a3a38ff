"""The model-output gate: a frame that breaks a rule is rejected with the rule, count and examples."""
from __future__ import annotations

import great_expectations as gx
import pandas as pd
import pytest

from ltvzaiko_tasks.quality.output_gate import OutputCheckFailed, check_output, gate_output

RULES = [gx.expectations.ExpectColumnValuesToNotBeNull(column="p_alive"),
         gx.expectations.ExpectColumnValuesToBeBetween(column="p_alive", min_value=0, max_value=1)]


def test_a_clean_frame_passes():
    verdict = gate_output(pd.DataFrame({"p_alive": [0.0, 0.5, 1.0]}), "customer_ltv", RULES)
    assert verdict.success and verdict.rows == 3


def test_a_broken_frame_is_rejected_naming_rule_count_and_examples():
    frame = pd.DataFrame({"p_alive": [0.2, 1.7, None, 0.9]})
    assert not check_output(frame, "customer_ltv", RULES).success
    with pytest.raises(OutputCheckFailed) as err:
        gate_output(frame, "customer_ltv", RULES)
    text = str(err.value)
    assert "models.customer_ltv" in text and "expect_column_values_to_be_between(p_alive)" in text
    assert "1.7" in text and "expect_column_values_to_not_be_null(p_alive)" in text
