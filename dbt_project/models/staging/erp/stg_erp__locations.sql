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
        prefecture,
        size_class,
        cast(opened_on as date)          as opened_on
    from source
)

select * from renamed
