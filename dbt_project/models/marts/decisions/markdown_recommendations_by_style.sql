{{ config(tags=['decisions']) }}
-- The markdown list rolled up to the style (商品番号): SKU × locations per action, excess and its value, the
-- discount a markdown would take, the expected gross-profit effect.
select
    cast(as_of_date as date)                                                          as as_of_date,
    cast(style_id as text)                                                            as style_id,
    cast(min(item_type) as text)                                                      as item_type,
    cast(count(*) as integer)                                                         as sku_locations,
    cast(count(*) filter (where action = 'sell_down') as integer)                     as sell_down_rows,
    cast(count(*) filter (where action = 'targeted_coupon') as integer)               as targeted_coupon_rows,
    cast(count(*) filter (where action = 'transfer') as integer)                      as transfer_rows,
    cast(count(*) filter (where action = 'hold') as integer)                          as hold_rows,
    cast(count(*) filter (where dead_stock_flag) as integer)                          as dead_stock_rows,
    cast(sum(on_hand_units) as numeric(14, 2))                                        as on_hand_units,
    cast(sum(excess_units) as numeric(14, 2))                                         as excess_units,
    cast(sum(excess_value_jpy) as bigint)                                             as excess_value_jpy,
    cast(sum(transfer_units) as integer)                                              as transfer_units,
    cast(max(suggested_markdown_rate) filter (where action in ('sell_down', 'targeted_coupon'))
         as numeric(6, 4))                                                            as max_suggested_markdown_rate,
    cast(sum(expected_gross_profit_effect_jpy) as bigint)                             as expected_gross_profit_effect_jpy
from {{ ref('markdown_recommendations') }}
group by as_of_date, style_id
