with source as (
    select * from {{ source('supply', 'open_purchase_order_lines') }}
),

renamed as (
    select
        po_number                                             as po_id,
        cast(po_line_no as integer)                           as po_line_no,
        supplier_code                                         as supplier_id,
        location_code                                         as location_id,
        sku_code                                              as sku_id,
        {{ to_date('ordered_on') }}                           as ordered_on,
        {{ to_date('expected_arrival_on') }}                  as expected_arrival_on,
        cast(ordered_qty as integer)                          as ordered_units,
        _business_date                                        as snapshot_date
    from source
)

select * from renamed
