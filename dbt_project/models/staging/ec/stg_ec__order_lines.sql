with source as (
    select * from {{ source('ec', 'ec_order_lines') }}
),

renamed as (
    select
        coalesce(case when record_type = 'return' then return_id end, order_id) || '#' || line_no
                                                              as sales_line_id,
        record_type,
        order_id,
        nullif(return_id, '')                                 as return_id,
        cast(line_no as integer)                              as line_no,
        fulfilment_location                                   as location_id,
        sku_code                                              as sku_id,
        {{ jst_timestamp('ordered_at', 'iso_offset') }}       as ordered_at,
        {{ jst_timestamp('returned_at', 'iso_offset') }}      as returned_at,
        cast(quantity as integer)                             as quantity,
        {{ yen('unit_price_jpy') }}                           as unit_price_incl_tax_jpy,
        coalesce({{ yen('discount_jpy') }}, 0)                as discount_incl_tax_jpy,
        {{ yen('line_amount_jpy') }}                          as sales_incl_tax_jpy,
        coalesce({{ yen('tax_jpy') }}, {{ tax_included_in(yen('line_amount_jpy')) }}) as tax_jpy,
        nullif(coupon_code, '')                               as coupon_code,
        cast(nullif(points_multiplier, '') as integer)        as points_multiplier,
        cast(nullif(points_earned, '') as integer)            as order_points_earned,
        nullif(device, '')                                    as device,
        nullif(payment_method, '')                            as payment_method,
        {{ yen('items_total_jpy') }}                          as order_items_total_jpy,
        {{ yen('discount_total_jpy') }}                       as order_discount_total_jpy,
        {{ yen('shipping_fee_jpy') }}                         as order_shipping_fee_jpy,
        {{ yen('order_total_jpy') }}                          as order_total_jpy,
        {{ yen('order_tax_jpy') }}                            as order_tax_jpy,
        {{ yen('refund_total_jpy') }}                         as refund_total_jpy,
        {{ identity_hash("'ec'", 'customer_id') }}            as ec_account_hash,
        _business_date                                        as business_date,
        _source_file                                          as source_file,
        _loaded_at                                            as loaded_at
    from source
)

select
    sales_line_id,
    record_type,
    record_type = 'return'                                    as is_return,
    order_id,
    return_id,
    line_no,
    location_id,
    sku_id,
    ordered_at,
    returned_at,
    coalesce(returned_at, ordered_at)                         as booked_at,
    {{ jst_date('coalesce(returned_at, ordered_at)') }}       as sales_date,
    -- the date of the order a return belongs to: order ids are EC<yyyymmdd><nnnnnn> (docs/formats/ec_orders.md)
    case
        when record_type = 'order' then {{ jst_date('ordered_at') }}
        when order_id ~ '^EC[0-9]{8}' then to_date(substr(order_id, 3, 8), 'YYYYMMDD')
    end                                                       as original_order_date,
    quantity,
    unit_price_incl_tax_jpy,
    discount_incl_tax_jpy,
    sales_incl_tax_jpy,
    tax_jpy,
    sales_incl_tax_jpy - tax_jpy                              as net_sales_jpy,
    coupon_code,
    points_multiplier,
    order_points_earned,
    device,
    payment_method,
    order_items_total_jpy,
    order_discount_total_jpy,
    order_shipping_fee_jpy,
    order_total_jpy,
    order_tax_jpy,
    refund_total_jpy,
    ec_account_hash,
    business_date,
    source_file,
    loaded_at
from renamed
