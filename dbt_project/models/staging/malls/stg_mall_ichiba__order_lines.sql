-- 楽市モール (M01) order report: shipped lines and returns (返品: original order number and time, negative quantity
-- and amounts, booked on the business date). Prices are tax-inclusive; the tax they contain is computed
-- with the consumption-tax rule (macros/money.sql) so mall sales compare with store and EC sales.
with source as (
    select * from {{ source('malls', 'mall_ichiba_order_lines') }}
),

renamed as (
    select
        order_no || ':' || case when order_status = '返品' then 'R' || to_char(_business_date, 'YYYYMMDD') else 'S' end
            || ':' || sku_code                                as sales_line_id,
        order_no                                              as order_id,
        case when order_status = '返品' then 'returned' else 'shipped' end as order_status,
        order_status = '返品'                                 as is_return,
        '{{ var("mall_locations")["mall_ichiba"] }}' as location_id,
        sku_code                                              as sku_id,
        {{ jst_timestamp('ordered_at', 'iso_space') }}        as ordered_at,
        {{ jst_timestamp('updated_at', 'iso_space') }}        as booked_at,
        cast(quantity as integer)                             as quantity,
        {{ yen('unit_price_jpy') }}                           as unit_price_incl_tax_jpy,
        coalesce({{ yen('discount_jpy') }}, 0)                as discount_incl_tax_jpy,
        {{ yen('line_amount_jpy') }}                        as sales_incl_tax_jpy,
        style_code                                            as delivered_style_id,
        {{ yen('shipping_fee_jpy') }}                         as shipping_fee_incl_tax_jpy,
        {{ identity_hash("'mall:" ~ var("mall_locations")["mall_ichiba"] ~ "'", 'buyer_id') }} as mall_buyer_hash,
        _business_date                                        as business_date,
        _source_file                                          as source_file,
        _loaded_at                                            as loaded_at
    from source
)

{{ mall_order_lines_select(['delivered_style_id', 'shipping_fee_incl_tax_jpy']) }}
