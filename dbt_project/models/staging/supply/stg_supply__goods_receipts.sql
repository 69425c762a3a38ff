with source as (
    select * from {{ source('supply', 'goods_receipt_lines') }}
),

renamed as (
    select
        po_number                                             as po_id,
        cast(po_line_no as integer)                           as po_line_no,
        supplier_code                                         as supplier_id,
        location_code                                         as location_id,
        sku_code                                              as sku_id,
        {{ to_date('ordered_on') }}                           as ordered_on,
        cast(ordered_qty as integer)                          as ordered_units,
        cast(received_qty as integer)                         as received_units,
        {{ to_date('received_on') }}                          as received_on,
        _business_date                                        as business_date
    from source
)

select * from renamed
