{{ config(tags=['decisions']) }}
-- How much customer value each SKU carries (LTV貢献度), per as-of date.
select
    cast(as_of_date as date)                                  as as_of_date,
    cast(sku_id as text)                                      as sku_id,
    cast(round(net_sales_jpy) as bigint)                      as net_sales_jpy,
    cast(buyers as integer)                                   as buyers,
    cast(round(clv_contribution_jpy) as bigint)               as clv_contribution_jpy,
    cast(clv_share as numeric(8, 6))                          as clv_share,
    cast(clv_rank as integer)                                 as clv_rank,
    cast(high_ltv_buyer_lift as numeric(8, 3))                as high_ltv_buyer_lift,
    cast(repeat_rate as numeric(6, 4))                        as repeat_rate,
    cast(ltv_class as text)                                   as ltv_class,
    cast(ltv_class_reason as text)                            as ltv_class_reason
from {{ source('models', 'item_value') }}
