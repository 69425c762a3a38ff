-- Daily sales by channel, location and SKU across store, own EC and the malls (チャネル別日次売上).
-- depends_on: {{ ref('int_sales_control_totals') }} (the raw control totals its tests reconcile to)
with sales as (
    select * from {{ ref('fct_sales_daily') }}
),

skus as (
    select * from {{ ref('dim_sku') }}
),

locations as (
    select * from {{ ref('dim_location') }}
)

select
    cast(sales.sales_date as date)                                            as sales_date,
    cast(sales.channel as text)                                               as channel,
    cast(sales.location_id as text)                                           as location_id,
    cast(coalesce(locations.location_label, '(unknown)') as text)             as location_label,
    cast(sales.sku_id as text)                                                as sku_id,
    cast(coalesce(skus.style_id, 'UNKNOWN') as text)                          as style_id,
    cast(coalesce(skus.style_label, '(unknown)') as text)                     as style_label,
    cast(coalesce(skus.category, 'unknown') as text)                          as category,
    cast(coalesce(skus.item_type, 'unknown') as text)                         as item_type,
    cast(sales.units as integer)                                              as units,
    cast(sales.units_sold as integer)                                         as units_sold,
    cast(sales.returned_units as integer)                                     as returned_units,
    cast(sales.gross_sales_incl_tax_jpy as bigint)                            as gross_sales_incl_tax_jpy,
    cast(sales.discount_incl_tax_jpy as bigint)                               as discount_incl_tax_jpy,
    cast(sales.sales_incl_tax_jpy as bigint)                                  as sales_incl_tax_jpy,
    cast(sales.tax_jpy as bigint)                                             as tax_jpy,
    cast(sales.net_sales_jpy as bigint)                                       as net_sales_jpy,
    cast(sales.cost_of_goods_jpy as bigint)                                   as cost_of_goods_jpy,
    cast(sales.gross_profit_jpy as bigint)                                    as gross_profit_jpy,
    cast(sales.orders as integer)                                             as orders,
    cast(sales.identified_customers as integer)                               as identified_customers,
    cast(sales.anonymous_units_sold as integer)                               as anonymous_units_sold
from sales
left join skus on skus.sku_id = sales.sku_id
left join locations on locations.location_id = sales.location_id
