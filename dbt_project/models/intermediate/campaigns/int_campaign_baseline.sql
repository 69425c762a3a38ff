-- Actual against baseline per campaign × channel × item group × phase (施策ベースライン).
--
-- Baseline (comparable-period method): for each observed day of the phase, the average of the same weekday
-- over the comparable weeks before the campaign, leaving out weekdays on which another campaign ran in the
-- channel (all of them are used when none is clean). The days' baselines are summed; when some weekday has
-- no comparable day at all, the sum is scaled up to the observed days. The trend adjustment with untreated
-- items happens in the mart.
with daily as (
    select * from {{ ref('int_campaign_item_daily') }}
    where is_observed
),

comparable as (
    select
        campaign_id,
        channel,
        item_group,
        iso_day_of_week,
        count(*) filter (where not other_campaign_day)                        as clean_days,
        avg(units) filter (where not other_campaign_day)                      as clean_units,
        avg(net_sales_jpy) filter (where not other_campaign_day)              as clean_net_sales,
        avg(gross_profit_jpy) filter (where not other_campaign_day)           as clean_gross_profit,
        avg(units)                                                            as all_units,
        avg(net_sales_jpy)                                                    as all_net_sales,
        avg(gross_profit_jpy)                                                 as all_gross_profit
    from daily
    where phase = 'comparable'
    group by campaign_id, channel, item_group, iso_day_of_week
),

weekday_baseline as (
    select
        campaign_id,
        channel,
        item_group,
        iso_day_of_week,
        case when clean_days > 0 then clean_units else all_units end          as base_units,
        case when clean_days > 0 then clean_net_sales else all_net_sales end  as base_net_sales,
        case when clean_days > 0 then clean_gross_profit else all_gross_profit end as base_gross_profit
    from comparable
),

measured as (
    select
        d.campaign_id,
        d.channel,
        d.item_group,
        d.phase,
        count(*)                                                              as days_observed,
        count(b.base_units)                                                   as days_with_baseline,
        sum(d.units)                                                          as actual_units,
        sum(d.net_sales_jpy)                                                  as actual_net_sales_jpy,
        sum(d.gross_profit_jpy)                                               as actual_gross_profit_jpy,
        sum(d.discount_excl_tax_jpy)                                          as discount_excl_tax_jpy,
        sum(b.base_units)                                                     as base_units,
        sum(b.base_net_sales)                                                 as base_net_sales,
        sum(b.base_gross_profit)                                              as base_gross_profit
    from daily as d
    left join weekday_baseline as b
        on b.campaign_id = d.campaign_id and b.channel = d.channel and b.item_group = d.item_group
        and b.iso_day_of_week = d.iso_day_of_week
    where d.phase in ('during', 'dip')
    group by d.campaign_id, d.channel, d.item_group, d.phase
)

select
    cast(campaign_id as text)                                                 as campaign_id,
    cast(channel as text)                                                     as channel,
    cast(item_group as text)                                                  as item_group,
    cast(phase as text)                                                       as phase,
    cast(days_observed as integer)                                            as days_observed,
    cast(days_with_baseline as integer)                                       as days_with_baseline,
    cast(actual_units as integer)                                             as actual_units,
    cast(actual_net_sales_jpy as bigint)                                      as actual_net_sales_jpy,
    cast(actual_gross_profit_jpy as bigint)                                   as actual_gross_profit_jpy,
    cast(discount_excl_tax_jpy as bigint)                                     as discount_excl_tax_jpy,
    cast(base_units * days_observed / nullif(days_with_baseline, 0) as numeric(16, 2)) as baseline_units,
    cast(base_net_sales * days_observed / nullif(days_with_baseline, 0) as numeric(18, 2)) as baseline_net_sales_jpy,
    cast(base_gross_profit * days_observed / nullif(days_with_baseline, 0) as numeric(18, 2)) as baseline_gross_profit_jpy
from measured
