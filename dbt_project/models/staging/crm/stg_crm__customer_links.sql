-- Mall buyer ids linked to customers (ID連携), the buyer id replaced by the same one-way hash as in the
-- mall order staging models, so the two join without the raw id.
with source as (
    select * from {{ source('crm', 'customer_links') }}
),

renamed as (
    select
        customer_key,
        mall_location_code                                    as mall_location_id,
        {{ identity_hash("'mall:' || mall_location_code", 'mall_buyer_id') }} as mall_buyer_hash,
        {{ to_date('linked_on') }}                            as linked_on,
        _business_date                                        as business_date
    from source
)

select * from renamed
