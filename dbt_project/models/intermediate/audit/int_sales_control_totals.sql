{{ config(materialized='view') }}
-- Control totals straight from the raw extracts (照合用コントロール合計), per channel × business date: units,
-- tax-inclusive line amounts and the tax they contain, computed from the delivered text with nothing but
-- casts and the documented line-amount rule of each mall. The reconciliation tests compare the unified
-- lines and the sales mart to these, to the yen.
with raw_lines as (
    select 'store' as channel, _business_date as business_date, cast(quantity as bigint) as units,
           cast(line_amount_jpy as bigint) as amount, cast(nullif(tax_jpy, '') as bigint) as tax
    from {{ source('store_pos', 'store_pos_lines') }}
    union all
    select 'ec', _business_date, cast(quantity as bigint), cast(line_amount_jpy as bigint),
           cast(nullif(tax_jpy, '') as bigint)
    from {{ source('ec', 'ec_order_lines') }}
    union all
    select 'mall', _business_date, cast(quantity as bigint), cast(line_amount_jpy as bigint), null
    from {{ source('malls', 'mall_ichiba_order_lines') }}
    union all
    select 'mall', _business_date, cast(quantity as bigint),
           cast(gross_amount_jpy as bigint) - cast(discount_jpy as bigint), null
    from {{ source('malls', 'mall_bazaar_order_lines') }}
    union all
    select 'mall', _business_date, cast(quantity as bigint),
           cast(unit_price_jpy as bigint) * cast(quantity as bigint) - cast(discount_jpy as bigint), null
    from {{ source('malls', 'mall_plaza_order_lines') }}
)

select
    channel,
    business_date                                                             as sales_date,
    count(*)                                                                  as sales_lines,
    sum(units)                                                                as units,
    sum(amount)                                                               as sales_incl_tax_jpy,
    sum(coalesce(tax, {{ tax_included_in('amount') }}))                       as tax_jpy,
    sum(amount - coalesce(tax, {{ tax_included_in('amount') }}))              as net_sales_jpy
from raw_lines
group by channel, business_date
