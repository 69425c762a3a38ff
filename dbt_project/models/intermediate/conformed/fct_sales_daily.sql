-- Daily sales fact (日次売上): one row per sales date × channel × location × SKU, summed from the unified
-- sales lines; returns netted on the day they were booked. Base of the sales, sell-through, inventory
-- health and campaign marts.
select
    sales_date,
    channel,
    location_id,
    sku_id,
    min(style_id)                                                             as style_id,
    cast(sum(quantity) as integer)                                            as units,
    cast(sum(case when not is_return then quantity else 0 end) as integer)    as units_sold,
    cast(sum(case when is_return then -quantity else 0 end) as integer)       as returned_units,
    cast(sum(gross_sales_incl_tax_jpy) as bigint)                             as gross_sales_incl_tax_jpy,
    cast(sum(discount_incl_tax_jpy) as bigint)                                as discount_incl_tax_jpy,
    cast(sum(discount_excl_tax_jpy) as bigint)                                as discount_excl_tax_jpy,
    cast(sum(sales_incl_tax_jpy) as bigint)                                   as sales_incl_tax_jpy,
    cast(sum(tax_jpy) as bigint)                                              as tax_jpy,
    cast(sum(net_sales_jpy) as bigint)                                        as net_sales_jpy,
    cast(sum(case when not is_return then net_sales_jpy else 0 end) as bigint) as sold_net_sales_jpy,
    cast(sum(cost_of_goods_jpy) as bigint)                                    as cost_of_goods_jpy,
    cast(sum(gross_profit_jpy) as bigint)                                     as gross_profit_jpy,
    cast(count(distinct case when not is_return then order_id end) as integer) as orders,
    cast(count(distinct customer_key) as integer)                             as identified_customers,
    cast(sum(case when not is_return and customer_key is null then quantity else 0 end) as integer)
                                                                              as anonymous_units_sold,
    cast(count(*) as integer)                                                 as sales_lines
from {{ ref('int_sales_lines') }}
group by sales_date, channel, location_id, sku_id
