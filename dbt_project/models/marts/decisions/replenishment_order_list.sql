{{ config(tags=['decisions']) }}
-- The replenishment order list (発注リスト) for staples and seasonal goods, prioritised by customer value.
select
    cast(as_of_date as date)                                  as as_of_date,
    cast(sku_id as text)                                      as sku_id,
    cast(location_id as text)                                 as location_id,
    cast(item_type as text)                                   as item_type,
    cast(ltv_class as text)                                   as ltv_class,
    cast(method as text)                                      as method,
    cast(service_level_target as numeric(6, 4))               as service_level_target,
    cast(protection_days as numeric(8, 2))                    as protection_days,
    cast(demand_mean as numeric(14, 2))                       as demand_over_protection_units,
    cast(demand_sd as numeric(14, 2))                         as demand_sd_units,
    cast(safety_stock as numeric(14, 2))                      as safety_stock_units,
    cast(reorder_point as numeric(14, 2))                     as reorder_point_units,
    cast(order_up_to as numeric(14, 2))                       as order_up_to_units,
    cast(on_hand as numeric(14, 2))                           as on_hand_units,
    cast(on_order as numeric(14, 2))                          as on_order_units,
    cast(inventory_position as numeric(14, 2))                as inventory_position_units,
    cast(order_qty as integer)                                as recommended_order_qty,
    cast(round(order_value_jpy) as bigint)                    as order_value_jpy,
    cast(round(expected_gross_profit_jpy) as bigint)          as expected_gross_profit_jpy,
    cast(priority_rank as integer)                            as priority_rank,
    cast(binding_constraint as text)                          as reason
from {{ source('models', 'order_recommendations') }}
