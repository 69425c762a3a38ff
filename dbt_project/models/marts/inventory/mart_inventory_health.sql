-- Inventory health per SKU × location at the latest business date (在庫健全性).
with positions as (
    select * from {{ ref('int_inventory_position') }}
),

history as (
    select min(sales_date) as first_day from {{ ref('int_demand_daily') }}
),

bounds as (
    select
        positions.as_of_date,
        history.first_day,
        least(90, positions.as_of_date - history.first_day + 1)              as days_90,
        least(28, positions.as_of_date - history.first_day + 1)              as days_28
    from (select distinct as_of_date from positions) as positions
    cross join history
),

recent as (
    select
        d.location_id,
        d.sku_id,
        sum(d.net_units) filter (where d.sales_date > b.as_of_date - 28)                      as units_sold_28d,
        sum(d.net_units)                                                                       as units_sold_90d,
        sum(d.net_sales_jpy - d.gross_profit_jpy)                                              as cost_of_goods_90d,
        sum(d.on_hand_units)                                                                   as on_hand_unit_days_90d,
        count(*) filter (where d.stockout_flag and d.sales_date > b.as_of_date - 28)           as stockout_days_28d,
        count(*) filter (where d.stockout_flag)                                                as stockout_days_90d
    from {{ ref('int_demand_daily') }} as d
    cross join bounds as b
    where d.sales_date > b.as_of_date - 90 and d.sales_date <= b.as_of_date
    group by d.location_id, d.sku_id
),

last_sale as (
    select location_id, sku_id, max(sales_date) as last_sale_date
    from {{ ref('fct_sales_daily') }}
    where units_sold > 0
    group by location_id, sku_id
),

receipts as (
    select location_id, sku_id, received_on, sum(received_units) as units
    from {{ ref('stg_supply__goods_receipts') }}
    where received_units > 0 and received_on <= (select as_of_date from bounds)
    group by location_id, sku_id, received_on
),

receipts_newest_first as (
    select
        *,
        sum(units) over (partition by location_id, sku_id order by received_on desc
                         rows between unbounded preceding and current row) - units           as units_after
    from receipts
),

-- first in, first out: the units on hand are the most recent receipts; the rest predates the history
fifo as (
    select
        p.location_id,
        p.sku_id,
        max(r.received_on)                                                                     as last_receipt_date,
        sum(least(r.units, greatest(p.on_hand_units - r.units_after, 0)) * (p.as_of_date - r.received_on))
                                                                                               as aged_unit_days,
        sum(least(r.units, greatest(p.on_hand_units - r.units_after, 0)))                     as aged_units
    from positions as p
    inner join receipts_newest_first as r on r.location_id = p.location_id and r.sku_id = p.sku_id
    group by p.location_id, p.sku_id
),

skus as (
    select * from {{ ref('dim_sku') }}
),

locations as (
    select * from {{ ref('dim_location') }}
),

measured as (
    select
        p.as_of_date,
        p.sku_id,
        p.location_id,
        p.channel,
        coalesce(l.location_label, '(unknown)')                                               as location_label,
        p.style_id,
        coalesce(s.style_label, '(unknown)')                                                  as style_label,
        p.category,
        p.item_type,
        coalesce(p.status, 'unknown')                                                         as product_status,
        p.on_hand_units,
        p.on_order_units,
        p.unit_cost_jpy,
        p.on_hand_value_jpy,
        f.last_receipt_date,
        case when p.on_hand_units > 0 then
            (coalesce(f.aged_unit_days, 0)
             + (p.on_hand_units - coalesce(f.aged_units, 0)) * (p.as_of_date - b.first_day + 1))::numeric
            / p.on_hand_units
        end                                                                                   as stock_age_days,
        p.on_hand_units > coalesce(f.aged_units, 0)                                           as stock_age_is_lower_bound,
        ls.last_sale_date,
        coalesce(p.as_of_date - ls.last_sale_date, p.as_of_date - b.first_day + 1)           as days_since_last_sale,
        ls.last_sale_date is null                                                             as days_since_last_sale_is_lower_bound,
        coalesce(r.units_sold_28d, 0)                                                         as units_sold_28d,
        coalesce(r.units_sold_90d, 0)                                                         as units_sold_90d,
        coalesce(r.cost_of_goods_90d, 0)                                                      as cost_of_goods_90d_jpy,
        coalesce(r.on_hand_unit_days_90d, 0)::numeric / b.days_90                             as avg_on_hand_units_90d,
        b.days_90,
        b.days_28,
        coalesce(r.stockout_days_28d, 0)                                                      as stockout_days_28d,
        coalesce(r.stockout_days_90d, 0)                                                      as stockout_days_90d
    from positions as p
    cross join bounds as b
    left join recent as r on r.location_id = p.location_id and r.sku_id = p.sku_id
    left join last_sale as ls on ls.location_id = p.location_id and ls.sku_id = p.sku_id
    left join fifo as f on f.location_id = p.location_id and f.sku_id = p.sku_id
    left join skus as s on s.sku_id = p.sku_id
    left join locations as l on l.location_id = p.location_id
),

flagged as (
    select
        *,
        case
            when on_hand_units <= 0 then null
            when product_status = 'ended' then 'off_sale'
            when days_since_last_sale >= {{ var('dead_stock_days') }} then 'no_sale_' || {{ var('dead_stock_days') }} || 'd'
        end                                                                                   as dead_stock_reason
    from measured
)

select
    cast(as_of_date as date)                                                  as as_of_date,
    cast(sku_id as text)                                                      as sku_id,
    cast(location_id as text)                                                 as location_id,
    cast(channel as text)                                                     as channel,
    cast(location_label as text)                                              as location_label,
    cast(style_id as text)                                                    as style_id,
    cast(style_label as text)                                                 as style_label,
    cast(category as text)                                                    as category,
    cast(item_type as text)                                                   as item_type,
    cast(product_status as text)                                              as product_status,
    cast(on_hand_units as integer)                                            as on_hand_units,
    cast(on_order_units as integer)                                           as on_order_units,
    cast(unit_cost_jpy as bigint)                                             as unit_cost_jpy,
    cast(on_hand_value_jpy as bigint)                                         as on_hand_value_jpy,
    cast(last_receipt_date as date)                                           as last_receipt_date,
    cast(round(stock_age_days, 1) as numeric(10, 1))                          as stock_age_days,
    cast(stock_age_is_lower_bound as boolean)                                 as stock_age_is_lower_bound,
    cast(last_sale_date as date)                                              as last_sale_date,
    cast(days_since_last_sale as integer)                                     as days_since_last_sale,
    cast(days_since_last_sale_is_lower_bound as boolean)                      as days_since_last_sale_is_lower_bound,
    cast(units_sold_28d as integer)                                           as units_sold_28d,
    cast(units_sold_90d as integer)                                           as units_sold_90d,
    cast(cost_of_goods_90d_jpy as bigint)                                     as cost_of_goods_90d_jpy,
    cast(round(avg_on_hand_units_90d, 2) as numeric(14, 2))                   as avg_on_hand_units_90d,
    -- returns booked in the window can outweigh its sales (net cost of goods below zero): that stock did not
    -- turn at all, so the turnover is 0, never negative (found by the two-year medium benchmark)
    cast(round(case when avg_on_hand_units_90d * unit_cost_jpy > 0
                    then greatest(cost_of_goods_90d_jpy, 0) / (avg_on_hand_units_90d * unit_cost_jpy) * 365.0
                         / days_90
               end, 2) as numeric(10, 2))                                     as inventory_turnover_annualised,
    cast(round(case when units_sold_28d > 0
                    then on_hand_units / (units_sold_28d::numeric / days_28) end, 1) as numeric(10, 1))
                                                                              as days_of_inventory,
    cast(stockout_days_28d as integer)                                        as stockout_days_28d,
    cast(stockout_days_90d as integer)                                        as stockout_days_90d,
    cast(days_90 as integer)                                                  as days_observed_90d,
    dead_stock_reason is not null                                             as dead_stock_flag,
    cast(dead_stock_reason as text)                                           as dead_stock_reason,
    cast(case when dead_stock_reason is not null then on_hand_value_jpy else 0 end as bigint) as dead_stock_value_jpy
from flagged
