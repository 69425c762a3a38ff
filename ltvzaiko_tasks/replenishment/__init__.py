"""Replenishment policies: safety stock, reorder point, order-up-to, newsvendor, rounding, budget (SPEC §6.5).

Pure functions on numbers, numpy arrays and pandas frames — no database, no Airflow — in the style of
stockpyl: each function is named after its model, spells its parameters out with units, and lists the
equations it uses and the textbook they come from; the examples in the docstrings are textbook examples and
run as tests. For a buyer's explanation (with the Japanese terms) see ``docs/replenishment.md``.

    from ltvzaiko_tasks.replenishment import ReplenishmentPolicy, recommend_orders, newsvendor_normal

    newsvendor_normal(underage_cost=0.70, overage_cost=0.18, demand_mean=50, demand_sd=8)
    # NewsvendorSolution(order_quantity=56.60..., critical_ratio=0.795..., expected_cost=1.997...)

    orders = recommend_orders(rows, ReplenishmentPolicy(review_period_days=7), budget_jpy=5_000_000)

Units: times in days (the review period, lead times); quantities in units of the item; money in yen.
"""
from .budget import (
    BudgetAllocation,
    allocate_budget_by_gross_profit_per_yen,
    allocate_budget_greedy,
    expected_units_sold_normal,
)
from .config import ReplenishmentPolicy, quantile_column
from .constants import BindingConstraint, ItemType, Method, RoundingRule, ServiceMeasure
from .errors import ReplenishmentInputError
from .loss_functions import (
    inverse_standard_normal_loss,
    normal_loss,
    standard_normal_loss,
    standard_normal_loss_complement,
)
from .markdown import (
    excess_stock_units,
    markdown_depth_constant_elasticity,
    markdown_gross_profit_effect,
    sell_out_days,
)
from .newsvendor import (
    NewsvendorSolution,
    ltv_stockout_penalty,
    newsvendor_critical_ratio,
    newsvendor_discrete,
    newsvendor_normal,
    newsvendor_normal_cost,
    newsvendor_quantile_forecast,
    newsvendor_unit_costs,
    order_window_open,
    seasonal_last_order_date,
)
from .order_table import OPTIONAL_COLUMNS, OUTPUT_COLUMNS, REQUIRED_COLUMNS, recommend_orders
from .rounding import RoundedOrder, effective_moq, round_to_case_pack_and_moq
from .safety_stock import (
    OrderUpToLevel,
    PeriodicReviewPerformance,
    demand_sd_from_quantiles,
    demand_sd_with_lead_time_variability,
    order_up_to_level_periodic_review_normal,
    periodic_review_performance_normal,
    protection_interval_demand_normal,
    reorder_point_normal,
    safety_stock_normal,
)
from .service_levels import (
    DEFAULT_SERVICE_LEVEL_BY_LTV_CLASS,
    cycle_service_level_normal,
    fill_rate_normal,
    safety_factor_cycle_service_level,
    safety_factor_fill_rate_normal,
    service_level_by_ltv_class,
    service_level_ltv_weighted,
)

__all__ = [
    "BindingConstraint",
    "BudgetAllocation",
    "DEFAULT_SERVICE_LEVEL_BY_LTV_CLASS",
    "ItemType",
    "Method",
    "NewsvendorSolution",
    "OPTIONAL_COLUMNS",
    "OUTPUT_COLUMNS",
    "OrderUpToLevel",
    "PeriodicReviewPerformance",
    "REQUIRED_COLUMNS",
    "ReplenishmentInputError",
    "ReplenishmentPolicy",
    "RoundedOrder",
    "RoundingRule",
    "ServiceMeasure",
    "allocate_budget_by_gross_profit_per_yen",
    "allocate_budget_greedy",
    "cycle_service_level_normal",
    "demand_sd_from_quantiles",
    "demand_sd_with_lead_time_variability",
    "effective_moq",
    "excess_stock_units",
    "expected_units_sold_normal",
    "fill_rate_normal",
    "inverse_standard_normal_loss",
    "ltv_stockout_penalty",
    "markdown_depth_constant_elasticity",
    "markdown_gross_profit_effect",
    "newsvendor_critical_ratio",
    "newsvendor_discrete",
    "newsvendor_normal",
    "newsvendor_normal_cost",
    "newsvendor_quantile_forecast",
    "newsvendor_unit_costs",
    "normal_loss",
    "order_up_to_level_periodic_review_normal",
    "order_window_open",
    "periodic_review_performance_normal",
    "protection_interval_demand_normal",
    "quantile_column",
    "recommend_orders",
    "reorder_point_normal",
    "round_to_case_pack_and_moq",
    "safety_factor_cycle_service_level",
    "safety_factor_fill_rate_normal",
    "safety_stock_normal",
    "seasonal_last_order_date",
    "sell_out_days",
    "service_level_by_ltv_class",
    "service_level_ltv_weighted",
    "standard_normal_loss",
    "standard_normal_loss_complement",
]
