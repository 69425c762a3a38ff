-- プラザモール (M03) order report: shipped lines and returns (返品: original order number and time, negative quantity
-- and amounts, booked on the business date). Prices are tax-inclusive; the tax they contain is computed
-- with the consumption-tax rule (macros/money.sql) so mall sales compare with store and EC sales.
with source as (
    select * from {{ source('malls', 'mall_plaza_order_lines') }}
),

renamed as (
    select
        order_no || ':' || case when order_status = '返品' then 'R' || to_char(_business_date, 'YYYYMMDD') else 'S' end
            || ':' || sku_code                                as sales_line_id,
        order_no                                              as order_id,
        case when order_status = '返品' then 'returned' else 'shipped' end as order_status,
        order_status = '返品'                                 as is_return,
        '{{ var("mall_locations")["mall_plaza"] }}' as location_id,
        sku_code                                              as sku_id,
        {{ jst_timestamp('ordered_at', 'slash_minutes') }}    as ordered_at,
        {{ jst_timestamp('updated_at', 'slash_minutes') }}    as booked_at,
        cast(quantity as integer)                             as quantity,
        {{ yen('unit_price_jpy') }}                           as unit_price_incl_tax_jpy,
        coalesce({{ yen('discount_jpy') }}, 0)                as discount_incl_tax_jpy,
        {{ yen('unit_price_jpy') }} * cast(quantity as integer) - coalesce({{ yen('discount_jpy') }}, 0) as sales_incl_tax_jpy,
        cast(points_granted as integer)                       as points_granted,
        {{ identity_hash("'mall:" ~ var("mall_locations")["mall_plaza"] ~ "'", 'buyer_id') }} as mall_buyer_hash,
        _business_date                                        as business_date,
        _source_file                                          as source_file,
        _loaded_at                                            as loaded_at
    from source
)

{{ mall_order_lines_select(['points_granted']) }}
