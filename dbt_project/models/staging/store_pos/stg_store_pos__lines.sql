with source as (
    select * from {{ source('store_pos', 'store_pos_lines') }}
),

renamed as (
    select
        receipt_no || '#' || line_no                      as sales_line_id,
        receipt_no                                        as receipt_id,
        cast(line_no as integer)                          as line_no,
        store_code                                        as location_id,
        sku_code                                          as sku_id,
        cast(sold_at as timestamp) at time zone 'Asia/Tokyo' as sold_at,
        cast(cast(sold_at as timestamp) as date)          as sales_date,
        cast(quantity as integer)                         as quantity,
        {{ yen('unit_price_jpy') }}                       as unit_price_incl_tax_jpy,
        coalesce({{ yen('discount_jpy') }}, 0)            as discount_incl_tax_jpy,
        {{ yen('line_amount_jpy') }}                      as sales_incl_tax_jpy,
        {{ yen('tax_jpy') }}                              as tax_jpy,
        nullif(trim(member_card_id), '')                  as member_card_id,
        _business_date                                    as business_date,
        _source_file                                      as source_file
    from source
)

select * from renamed
