{{ config(tags=['decisions']) }}
-- The share of sales with no identified customer (匿名売上比率), per as-of date and channel: customer LTV covers
-- identified customers only (SPEC §6.1), so BI shows how much of the business it sees. One row per as-of date of a
-- customer-value run × channel, over the trailing `anonymous_share_window_days` (365) days of sales lines up to the
-- as-of date — the look-back over which customer value is attributed to items.
{%- set window_days = var('anonymous_share_window_days') | int %}

with runs as (
    select distinct cast(as_of_date as date) as as_of_date
    from {{ source('models', 'ltv_fit') }}
),

daily as (
    select
        sales_date,
        channel,
        count(*)                                                              as sales_lines,
        count(*) filter (where customer_key is null)                          as anonymous_sales_lines,
        sum(net_sales_jpy)                                                    as net_sales_jpy,
        coalesce(sum(net_sales_jpy) filter (where customer_key is null), 0)  as anonymous_net_sales_jpy
    from {{ ref('int_sales_lines') }}
    group by sales_date, channel
),

windowed as (
    select
        runs.as_of_date,
        daily.channel,
        sum(daily.sales_lines)                                                as sales_lines,
        sum(daily.anonymous_sales_lines)                                      as anonymous_sales_lines,
        sum(daily.net_sales_jpy)                                              as net_sales_jpy,
        sum(daily.anonymous_net_sales_jpy)                                    as anonymous_net_sales_jpy
    from runs
    inner join daily
        on daily.sales_date between runs.as_of_date - {{ window_days - 1 }} and runs.as_of_date
    group by runs.as_of_date, daily.channel
)

select
    cast(as_of_date as date)                                                  as as_of_date,
    cast(channel as text)                                                     as channel,
    cast(as_of_date - {{ window_days - 1 }} as date)                          as window_start_date,
    cast({{ window_days }} as integer)                                        as window_days,
    cast(sales_lines as integer)                                              as sales_lines,
    cast(anonymous_sales_lines as integer)                                    as anonymous_sales_lines,
    cast(anonymous_sales_lines::numeric / nullif(sales_lines, 0) as numeric(8, 6)) as anonymous_line_share,
    cast(net_sales_jpy as bigint)                                             as net_sales_jpy,
    cast(net_sales_jpy - anonymous_net_sales_jpy as bigint)                   as identified_net_sales_jpy,
    cast(anonymous_net_sales_jpy as bigint)                                   as anonymous_net_sales_jpy,
    cast(anonymous_net_sales_jpy::numeric / nullif(net_sales_jpy, 0) as numeric(10, 6))
                                                                              as anonymous_net_sales_share
from windowed
