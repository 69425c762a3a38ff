{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key='sales_date',
        on_schema_change='fail',
        pre_hook="set local work_mem = '{{ var('heavy_model_work_mem') }}'",
        indexes=[{'columns': ['sales_date']}, {'columns': ['sku_id', 'location_id']}]
    )
}}
-- Daily demand series per SKU × location (日次需要): what sold, what came back, what was on the shelf at
-- close, the price and promotions of the day. The input of the demand forecaster.
--
-- Rows: every location × SKU in that day's stock file (a location lists every SKU it sells while on sale,
-- zeros included) plus any pair with a sale. A day that closed with nothing on hand is a stock-out: demand
-- was censored (the shelf may have emptied before the last shopper), so the forecaster must not read its
-- sales as the demand. Incremental by date (delete+insert) like int_sales_lines.

{%- set dates_changed = sales_sources() + ['inventory', 'product_status'] %}

with stock as (
    select snapshot_date as sales_date, location_id, sku_id, on_hand_units
    from {{ ref('stg_supply__inventory') }}
    where {{ changed_dates_filter('snapshot_date', dates_changed) }}
),

sales as (
    select
        sales_date,
        location_id,
        sku_id,
        sum(case when not is_return then quantity else 0 end)                 as units_sold,
        sum(case when is_return then -quantity else 0 end)                    as units_returned,
        count(distinct case when not is_return then order_id end)             as orders,
        sum(case when not is_return then net_sales_jpy else 0 end)            as sold_net_sales_jpy,
        sum(case when not is_return then discount_incl_tax_jpy else 0 end)    as discount_incl_tax_jpy,
        sum(net_sales_jpy)                                                    as net_sales_jpy,
        sum(gross_profit_jpy)                                                 as gross_profit_jpy
    from {{ ref('int_sales_lines') }}
    where {{ changed_dates_filter('business_date', dates_changed) }}
    group by sales_date, location_id, sku_id
),

-- one row per pair in the stock file or with a sale
base as (
    select
        coalesce(stock.sales_date, sales.sales_date)                          as sales_date,
        coalesce(stock.location_id, sales.location_id)                        as location_id,
        coalesce(stock.sku_id, sales.sku_id)                                  as sku_id,
        stock.on_hand_units,
        stock.sku_id is not null                                              as in_stock_file,
        sales.units_sold,
        sales.units_returned,
        sales.orders,
        sales.sold_net_sales_jpy,
        sales.discount_incl_tax_jpy,
        sales.net_sales_jpy,
        sales.gross_profit_jpy
    from stock
    full outer join sales
        on sales.sales_date = stock.sales_date and sales.location_id = stock.location_id
        and sales.sku_id = stock.sku_id
),

status as (
    select snapshot_date, sku_id, status, regular_price_jpy, selling_price_jpy, markdown_pct
    from {{ ref('stg_erp__product_status') }}
    where {{ changed_dates_filter('snapshot_date', dates_changed) }}
),

joined as (
    select
        b.sku_id,
        b.location_id,
        b.sales_date,
        coalesce(l.channel, 'unknown')                                        as channel,
        coalesce(s.style_id, 'UNKNOWN')                                       as style_id,
        coalesce(s.category, 'unknown')                                       as category,
        coalesce(s.item_type, 'unknown')                                      as item_type,
        coalesce(b.units_sold, 0)                                             as units_sold,
        coalesce(b.units_returned, 0)                                         as units_returned,
        coalesce(b.orders, 0)                                                 as orders,
        coalesce(b.on_hand_units, 0)                                          as on_hand_units,
        b.in_stock_file,
        coalesce(b.sold_net_sales_jpy, 0)                                     as sold_net_sales_jpy,
        coalesce(b.discount_incl_tax_jpy, 0)                                  as discount_incl_tax_jpy,
        coalesce(b.net_sales_jpy, 0)                                          as net_sales_jpy,
        coalesce(b.gross_profit_jpy, 0)                                       as gross_profit_jpy,
        coalesce(st.regular_price_jpy, s.list_price_jpy)                      as list_price_jpy,
        coalesce(st.selling_price_jpy, s.selling_price_jpy)                   as selling_price_jpy,
        coalesce(st.markdown_pct, 0)                                          as markdown_pct,
        coalesce(st.status, s.status)                                         as status,
        s.category                                                            as sku_category
    from base as b
    left join status as st on st.snapshot_date = b.sales_date and st.sku_id = b.sku_id
    left join {{ ref('dim_sku') }} as s on s.sku_id = b.sku_id
    left join {{ ref('dim_location') }} as l on l.location_id = b.location_id
),

-- campaigns covering the SKU at the location that day: an equality join on (date, channel), then the
-- target and location checks
promo as (
    select
        j.sales_date,
        j.location_id,
        j.sku_id,
        max(c.discount_pct)                                                   as promo_discount_pct,
        max(c.points_multiplier)                                              as promo_points_multiplier,
        string_agg(distinct c.campaign_id, ';' order by c.campaign_id)        as campaign_ids
    from joined as j
    inner join {{ ref('int_campaign_days') }} as c on c.sales_date = j.sales_date and c.channel = j.channel
    where {{ campaign_covers('c', 'j.sku_id', 'j.style_id', 'j.sku_category') }}
      and {{ campaign_at_location('c', 'j.location_id') }}
    group by j.sales_date, j.location_id, j.sku_id
),

with_promo as (
    select
        j.*,
        p.sku_id is not null                                                  as promo_flag,
        coalesce(p.promo_discount_pct, 0)                                     as promo_discount_pct,
        coalesce(p.promo_points_multiplier, 1)                                as promo_points_multiplier,
        p.campaign_ids
    from joined as j
    left join promo as p on p.sales_date = j.sales_date and p.location_id = j.location_id and p.sku_id = j.sku_id
),

priced as (
    select
        *,
        -- realised tax-exclusive price on days with sales, the shelf price (売価, 税抜) otherwise
        case when units_sold > 0 then sold_net_sales_jpy::numeric / units_sold
             else selling_price_jpy::numeric end                              as avg_selling_price
    from with_promo
)

select
    cast(sku_id as text)                                                      as sku_id,
    cast(location_id as text)                                                 as location_id,
    cast(sales_date as date)                                                  as sales_date,
    cast(channel as text)                                                     as channel,
    cast(style_id as text)                                                    as style_id,
    cast(category as text)                                                    as category,
    cast(item_type as text)                                                   as item_type,
    cast(status as text)                                                      as status,
    cast(units_sold as integer)                                               as units_sold,
    cast(units_returned as integer)                                           as units_returned,
    cast(units_sold - units_returned as integer)                              as net_units,
    cast(orders as integer)                                                   as orders,
    cast(on_hand_units as integer)                                            as on_hand_units,
    in_stock_file,
    on_hand_units = 0                                                         as stockout_flag,
    cast(sold_net_sales_jpy as bigint)                                        as sold_net_sales_jpy,
    cast(net_sales_jpy as bigint)                                             as net_sales_jpy,
    cast(gross_profit_jpy as bigint)                                          as gross_profit_jpy,
    cast(discount_incl_tax_jpy as bigint)                                     as discount_incl_tax_jpy,
    cast(list_price_jpy as bigint)                                            as list_price_jpy,
    cast(selling_price_jpy as bigint)                                         as selling_price_jpy,
    cast(round(avg_selling_price, 2) as numeric(14, 2))                       as avg_selling_price_jpy,
    cast(markdown_pct as integer)                                             as markdown_pct,
    cast(case when list_price_jpy > 0
              then greatest(0, least(1, 1 - avg_selling_price / list_price_jpy)) end as numeric(6, 4))
                                                                              as discount_rate,
    promo_flag,
    cast(promo_discount_pct as integer)                                       as promo_discount_pct,
    cast(promo_points_multiplier as integer)                                  as promo_points_multiplier,
    cast(campaign_ids as text)                                                as campaign_ids,
    now()                                                                     as _built_at
from priced
