with source as (
    select * from {{ source('store_pos', 'store_pos_lines') }}
),

renamed as (
    select
        receipt_no || '#' || line_no                          as sales_line_id,
        receipt_no                                            as receipt_id,
        cast(line_no as integer)                              as line_no,
        store_code                                            as location_id,
        sku_code                                              as sku_id,
        {{ jst_timestamp('sold_at', 'iso_space') }}           as sold_at,
        cast(quantity as integer)                             as quantity,
        {{ yen('unit_price_jpy') }}                           as unit_price_incl_tax_jpy,
        coalesce({{ yen('discount_jpy') }}, 0)                as discount_incl_tax_jpy,
        {{ yen('line_amount_jpy') }}                          as sales_incl_tax_jpy,
        -- the POS prints the tax it contains; recompute only when a line lacks it
        coalesce({{ yen('tax_jpy') }}, {{ tax_included_in(yen('line_amount_jpy')) }}) as tax_jpy,
        {{ identity_hash("'card'", 'member_card_id') }}       as member_card_hash,
        _business_date                                        as business_date,
        _source_file                                          as source_file,
        _loaded_at                                            as loaded_at
    from source
)

select
    sales_line_id,
    receipt_id,
    line_no,
    location_id,
    sku_id,
    sold_at,
    {{ jst_date('sold_at') }}                                 as sales_date,
    quantity,
    quantity < 0                                              as is_return,
    unit_price_incl_tax_jpy,
    discount_incl_tax_jpy,
    sales_incl_tax_jpy,
    tax_jpy,
    sales_incl_tax_jpy - tax_jpy                              as net_sales_jpy,
    member_card_hash,
    business_date,
    source_file,
    loaded_at
from renamed
