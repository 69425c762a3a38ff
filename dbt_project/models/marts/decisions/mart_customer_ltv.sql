{{ config(tags=['decisions']) }}
-- Customer lifetime value per customer and as-of date (顧客生涯価値). Money as whole yen.
select
    cast(as_of_date as date)                                  as as_of_date,
    cast(customer_key as text)                                as customer_key,
    cast(frequency as integer)                                as frequency,
    cast(recency_weeks as numeric(10, 2))                     as recency_weeks,
    cast(tenure_weeks as numeric(10, 2))                      as tenure_weeks,
    cast(round(monetary_value_jpy) as bigint)                 as avg_repeat_spend_jpy,
    cast(p_alive as numeric(6, 4))                            as p_alive,
    cast(expected_purchases_12m as numeric(10, 3))            as expected_purchases_12m,
    cast(round(expected_spend_jpy) as bigint)                 as expected_spend_jpy,
    cast(round(clv_jpy) as bigint)                            as clv_12m_margin_jpy,
    cast(segment as text)                                     as ltv_segment
from {{ source('models', 'customer_ltv') }}
