"""``ReplenishmentPolicy``: defaults, validation with a fix in the message, and loading from env."""
from __future__ import annotations

import pytest

from ltvzaiko_tasks.replenishment import ReplenishmentInputError, ReplenishmentPolicy, RoundingRule, ServiceMeasure


def test_defaults_follow_the_spec():
    policy = ReplenishmentPolicy()
    assert dict(policy.service_level_by_ltv_class) == {"high": 0.98, "mid": 0.95, "low": 0.90}
    assert policy.service_measure is ServiceMeasure.CYCLE and policy.rounding is RoundingRule.UP
    assert policy.quantile_columns == ("demand_p10", "demand_p50", "demand_p90")


def test_from_env_reads_every_kind_of_value():
    env = {
        "LTVZAIKO_REPLENISHMENT_REVIEW_PERIOD_DAYS": "14",
        "LTVZAIKO_REPLENISHMENT_SERVICE_MEASURE": "fill_rate",
        "LTVZAIKO_REPLENISHMENT_SERVICE_LEVEL_BY_LTV_CLASS": "high=0.99, mid=0.95, low=0.85",
        "LTVZAIKO_REPLENISHMENT_QUANTILE_LEVELS": "0.9,0.1,0.5,0.75",
        "LTVZAIKO_REPLENISHMENT_ROUNDING": "nearest",
        "LTVZAIKO_REPLENISHMENT_MOQ_MIN_FRACTION": "",
    }
    policy = ReplenishmentPolicy.from_env(env)
    assert policy.review_period_days == 14.0
    assert policy.service_measure is ServiceMeasure.FILL_RATE
    assert policy.service_level_by_ltv_class["high"] == 0.99
    assert policy.quantile_columns == ("demand_p10", "demand_p50", "demand_p75", "demand_p90")
    assert policy.rounding is RoundingRule.NEAREST and policy.moq_min_fraction == 0.0


@pytest.mark.parametrize("kwargs, fragment", [
    ({"review_period_days": 0}, "review_period_days"),
    ({"min_service_level": 0.97}, "min_service_level"),
    ({"service_measure": "type3"}, "fill_rate"),
    ({"quantile_levels": (0.5,)}, "quantile_levels"),
    ({"max_critical_ratio": 1.0}, "critical_ratio"),
])
def test_invalid_settings_say_what_to_change(kwargs, fragment):
    with pytest.raises(ReplenishmentInputError, match=fragment):
        ReplenishmentPolicy(**kwargs)


def test_bad_env_value_names_the_variable():
    with pytest.raises(ReplenishmentInputError, match="LTVZAIKO_REPLENISHMENT_BASE_SERVICE_LEVEL"):
        ReplenishmentPolicy.from_env({"LTVZAIKO_REPLENISHMENT_BASE_SERVICE_LEVEL": "ninety"})
