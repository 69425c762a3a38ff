-- Campaign dimension (施策): one row per campaign with its targets listed, plus `UNKNOWN`.
with campaigns as (
    select * from {{ ref('stg_marketing__campaigns') }}
)

select
    cast(campaign_id as text)                                         as campaign_id,
    cast(min(campaign_name) as text)                                  as campaign_label,
    cast(min(mechanism) as text)                                      as mechanism,
    cast(array_to_string(min(channels), ';') as text)                 as channels,
    cast(array_to_string(min(location_ids), ';') as text)             as location_ids,
    min(start_date)                                                   as start_date,
    max(end_date)                                                     as end_date,
    cast(max(end_date) - min(start_date) + 1 as integer)              as duration_days,
    cast(max(discount_pct) as integer)                                as discount_pct,
    cast(min(coupon_code) as text)                                    as coupon_code,
    cast(max(points_multiplier) as integer)                           as points_multiplier,
    bool_or(is_member_only)                                           as is_member_only,
    cast(case when count(distinct target_level) = 1 then min(target_level) else 'mixed' end as text)
                                                                      as target_level,
    cast(string_agg(coalesce(target_code, '*'), ';' order by target_code) as text) as target_codes,
    false                                                             as is_unknown
from campaigns
group by campaign_id

union all

select 'UNKNOWN', '(unknown)', 'unknown', null, null, null, null, null, null, null, null, false, 'unknown', null, true
