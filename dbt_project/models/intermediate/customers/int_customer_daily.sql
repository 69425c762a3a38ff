-- One row per identified customer and purchase day (顧客別日次購買): the transaction history the BG/NBD and
-- Gamma-Gamma models read.
--
-- Returns are netted onto the day of the order they belong to when the channel says which order that was
-- (EC and malls), so a purchase that came back in full nets to zero and is not a repeat purchase; a store
-- return (its own receipt, original purchase unknown) counts on the day it was booked. `orders` counts
-- orders placed that day, so return-only days have 0 orders. Anonymous lines are left out.
with lines as (
    select * from {{ ref('int_sales_lines') }}
    where customer_key is not null
)

select
    cast(customer_key as text)                                                as customer_key,
    cast(order_date as date)                                                  as sales_date,
    cast(count(distinct case when not is_return then order_id end) as integer) as orders,
    cast(sum(quantity) as integer)                                            as units,
    cast(sum(net_sales_jpy) as bigint)                                        as net_sales_jpy,
    cast(sum(gross_profit_jpy) as bigint)                                     as gross_profit_jpy,
    cast(coalesce(sum(case when is_return then net_sales_jpy end), 0) as bigint) as returned_net_sales_jpy,
    cast(string_agg(distinct channel, ';' order by channel) as text)          as channels
from lines
group by customer_key, order_date
