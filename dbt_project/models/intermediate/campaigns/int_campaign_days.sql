-- One row per campaign × channel × target × day it runs: the shape that lets daily facts find the campaigns
-- active for them with an equality join on (date, channel), then a cheap target / location check.
with campaigns as (
    select * from {{ ref('stg_marketing__campaigns') }}
)

select
    campaign_id,
    channel,
    cast(day as date)                                         as sales_date,
    location_ids,
    target_level,
    target_code,
    mechanism,
    discount_pct,
    coupon_code,
    points_multiplier,
    is_member_only,
    start_date,
    end_date
from campaigns
cross join lateral unnest(channels) as channel
cross join lateral generate_series(start_date, end_date, interval '1 day') as day
