with lines as (
    select * from {{ ref('stg_store_pos__lines') }}
),

products as (
    select * from {{ ref('stg_erp__products') }}
),

locations as (
    select * from {{ ref('stg_erp__locations') }}
),

store_lines as (
    select
        lines.sales_date,
        locations.channel,
        lines.location_id,
        lines.sku_id,
        products.style_id,
        products.category,
        products.item_type,
        lines.receipt_id,
        lines.member_card_id,
        lines.quantity,
        lines.discount_incl_tax_jpy,
        lines.sales_incl_tax_jpy,
        lines.sales_incl_tax_jpy - lines.tax_jpy                        as net_sales_jpy,
        lines.quantity * products.unit_cost_jpy                          as cost_of_goods_jpy
    from lines
    inner join products on products.sku_id = lines.sku_id
    inner join locations on locations.location_id = lines.location_id
)

select
    cast(sales_date as date)                                            as sales_date,
    cast(channel as text)                                               as channel,
    cast(location_id as text)                                           as location_id,
    cast(sku_id as text)                                                as sku_id,
    cast(style_id as text)                                              as style_id,
    cast(category as text)                                              as category,
    cast(item_type as text)                                             as item_type,
    cast(sum(quantity) as integer)                                      as units,
    cast(sum(case when quantity < 0 then -quantity else 0 end) as integer) as returned_units,
    cast(sum(sales_incl_tax_jpy) as bigint)                             as sales_incl_tax_jpy,
    cast(sum(net_sales_jpy) as bigint)                                  as net_sales_jpy,
    cast(sum(discount_incl_tax_jpy) as bigint)                          as discount_incl_tax_jpy,
    cast(sum(net_sales_jpy - cost_of_goods_jpy) as bigint)              as gross_profit_jpy,
    cast(count(distinct receipt_id) as integer)                         as orders,
    cast(count(distinct member_card_id) as integer)                     as identified_customers
from store_lines
group by 1, 2, 3, 4, 5, 6, 7
