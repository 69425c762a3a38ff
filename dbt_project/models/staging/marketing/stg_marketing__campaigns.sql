-- Each campaign as in the latest snapshot that still lists it (a campaign changed after announcement is
-- taken in its latest form), one row per campaign × target.
with source as (
    select *, max(_business_date) over (partition by campaign_code) as last_listed_on
    from {{ source('marketing', 'campaigns') }}
),

renamed as (
    select
        campaign_code                                         as campaign_id,
        campaign_name,
        mechanism,
        string_to_array(channels, ';')                        as channels,
        string_to_array(nullif(location_codes, ''), ';')      as location_ids,
        {{ to_date('start_date') }}                           as start_date,
        {{ to_date('end_date') }}                             as end_date,
        cast(discount_pct as integer)                         as discount_pct,
        nullif(coupon_code, '')                               as coupon_code,
        cast(points_multiplier as integer)                    as points_multiplier,
        member_only = 'true'                                  as is_member_only,
        target_level,
        nullif(target_code, '')                               as target_code,
        _business_date                                        as snapshot_date
    from source
    where _business_date = last_listed_on
)

select * from renamed
