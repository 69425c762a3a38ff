{{ config(tags=['decisions']) }}
-- How much customer value each item carries (LTV貢献度), per as-of date, at two grains: `grain` = 'sku' (one row
-- per SKU) and 'style' (one row per style, 商品番号, measured as one item: its own buyers, rates and class, not a
-- sum of its SKUs' rates). Filter on `grain` — the SKU switch.
{% set measures %}
        net_sales_jpy, buyers, clv_contribution_jpy, clv_share, clv_rank, high_ltv_buyer_lift,
        repeat_rate, ltv_class, ltv_class_reason, high_ltv_buyers, high_ltv_buyer_share, gateway_buyers,
        gateway_repeat_rate, gateway_repeat_lift, anonymous_sales_share
{% endset %}

with items as (
    {{ item_value_at_two_grains(measures) }}
)

select
    cast(as_of_date as date)                                  as as_of_date,
    cast(grain as text)                                       as grain,
    cast(item_id as text)                                     as item_id,
    cast(style_id as text)                                    as style_id,
    cast(sku_id as text)                                      as sku_id,
    cast(round(net_sales_jpy) as bigint)                      as net_sales_jpy,
    cast(buyers as integer)                                   as buyers,
    cast(round(clv_contribution_jpy) as bigint)               as clv_contribution_jpy,
    cast(clv_share as numeric(8, 6))                          as clv_share,
    cast(clv_rank as integer)                                 as clv_rank,
    cast(high_ltv_buyer_lift as numeric(8, 3))                as high_ltv_buyer_lift,
    cast(repeat_rate as numeric(6, 4))                        as repeat_rate,
    cast(ltv_class as text)                                   as ltv_class,
    cast(ltv_class_reason as text)                            as ltv_class_reason,
    cast(high_ltv_buyers as integer)                          as high_ltv_buyers,
    cast(high_ltv_buyer_share as numeric(6, 4))               as high_ltv_buyer_share,
    cast(gateway_buyers as integer)                           as gateway_buyers,
    cast(gateway_repeat_rate as numeric(6, 4))                as gateway_repeat_rate,
    cast(gateway_repeat_lift as numeric(8, 3))                as gateway_repeat_lift,
    cast(anonymous_sales_share as numeric(8, 4))              as anonymous_sales_share
from items
