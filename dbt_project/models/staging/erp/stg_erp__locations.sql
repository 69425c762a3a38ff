with source as (
    select * from {{ source('erp', 'locations') }}
    where _business_date = (select max(_business_date) from {{ source('erp', 'locations') }})
),

renamed as (
    select
        location_code                    as location_id,
        location_name,
        channel,
        region,
        prefecture                       as prefecture_code,
        nullif(size_class, '')           as size_class,
        {{ to_date('opened_on') }}       as opened_on,
        _business_date                   as snapshot_date
    from source
)

select * from renamed
