with source as (
    select * from {{ source('supply', 'inventory_on_hand') }}
),

renamed as (
    select
        location_code                                         as location_id,
        sku_code                                              as sku_id,
        _business_date                                        as snapshot_date,
        cast(on_hand_qty as integer)                          as on_hand_units
    from source
)

select * from renamed
