-- One row per campaign × channel with the windows its effect is measured over (施策評価期間):
--   comparable: the `campaign_comparable_weeks` whole weeks before the start (same weekdays, so the
--               baseline carries the weekly pattern);
--   during:     start to end;
--   dip:        the `campaign_dip_days` after the end (pull-forward: demand borrowed from later days);
--   repeat:     the `campaign_repeat_days` after the end (do its buyers come back?).
-- Which items it treats and which categories it touches are listed for the item grouping.
with days as (
    select * from {{ ref('int_campaign_days') }}
),

campaigns as (
    select
        campaign_id,
        channel,
        min(start_date)                                                       as start_date,
        max(end_date)                                                         as end_date,
        min(location_ids)                                                     as location_ids,
        min(mechanism)                                                        as mechanism,
        max(discount_pct)                                                     as discount_pct,
        max(points_multiplier)                                                as points_multiplier,
        bool_or(is_member_only)                                               as is_member_only,
        bool_or(target_level = 'all')                                         as targets_everything
    from days
    group by campaign_id, channel
)

select
    campaign_id,
    channel,
    location_ids,
    mechanism,
    discount_pct,
    points_multiplier,
    is_member_only,
    targets_everything,
    start_date,
    end_date,
    cast(end_date - start_date + 1 as integer)                                as duration_days,
    cast(start_date - 7 * {{ var('campaign_comparable_weeks') }} as date)     as comparable_start,
    cast(start_date - 1 as date)                                              as comparable_end,
    cast(end_date + 1 as date)                                                as dip_start,
    cast(end_date + {{ var('campaign_dip_days') }} as date)                   as dip_end,
    cast(end_date + {{ var('campaign_repeat_days') }} as date)                as repeat_end
from campaigns
