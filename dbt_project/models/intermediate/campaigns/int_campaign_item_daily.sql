-- Daily sales of each campaign's item groups in its channel and locations, over its comparable, during and
-- dip windows (施策日次実績). Dense: a day without sales is a row of zeros, so averages see it. Days outside the
-- loaded history are kept but marked unobserved; days on which another campaign ran in the same channel
-- are marked, so the baseline can leave them out.
with windows as (
    select * from {{ ref('int_campaign_windows') }}
),

groups as (
    select * from {{ ref('int_campaign_item_groups') }}
),

observed as (
    select min(sales_date) as first_day, max(sales_date) as last_day
    from {{ ref('fct_sales_daily') }}
),

window_days as (
    select
        w.campaign_id,
        w.channel,
        w.location_ids,
        cast(d as date)                                                       as sales_date,
        case when d < w.start_date then 'comparable'
             when d <= w.end_date then 'during'
             else 'dip' end                                                   as phase
    from windows as w
    cross join lateral generate_series(w.comparable_start, w.dip_end, interval '1 day') as d
),

item_groups as (
    select distinct campaign_id, channel, item_group from groups
),

dense as (
    select wd.*, ig.item_group
    from window_days as wd
    inner join item_groups as ig on ig.campaign_id = wd.campaign_id and ig.channel = wd.channel
),

sales as (
    select
        wd.campaign_id,
        wd.channel,
        wd.sales_date,
        g.item_group,
        sum(f.units)                                                          as units,
        sum(f.net_sales_jpy)                                                  as net_sales_jpy,
        sum(f.gross_profit_jpy)                                               as gross_profit_jpy,
        sum(f.discount_excl_tax_jpy)                                          as discount_excl_tax_jpy
    from window_days as wd
    inner join {{ ref('fct_sales_daily') }} as f
        on f.channel = wd.channel and f.sales_date = wd.sales_date
    inner join groups as g
        on g.campaign_id = wd.campaign_id and g.channel = wd.channel and g.sku_id = f.sku_id
    where {{ campaign_at_location('wd', 'f.location_id') }}
    group by wd.campaign_id, wd.channel, wd.sales_date, g.item_group
),

other_campaigns as (
    select distinct wd.campaign_id, wd.channel, wd.sales_date
    from window_days as wd
    inner join {{ ref('int_campaign_days') }} as o
        on o.channel = wd.channel and o.sales_date = wd.sales_date and o.campaign_id <> wd.campaign_id
)

select
    cast(d.campaign_id as text)                                               as campaign_id,
    cast(d.channel as text)                                                   as channel,
    cast(d.item_group as text)                                                as item_group,
    d.sales_date,
    cast(d.phase as text)                                                     as phase,
    cast(extract(isodow from d.sales_date) as integer)                        as iso_day_of_week,
    d.sales_date between observed.first_day and observed.last_day             as is_observed,
    oc.campaign_id is not null                                                as other_campaign_day,
    cast(coalesce(s.units, 0) as integer)                                     as units,
    cast(coalesce(s.net_sales_jpy, 0) as bigint)                              as net_sales_jpy,
    cast(coalesce(s.gross_profit_jpy, 0) as bigint)                           as gross_profit_jpy,
    cast(coalesce(s.discount_excl_tax_jpy, 0) as bigint)                      as discount_excl_tax_jpy
from dense as d
cross join observed
left join sales as s
    on s.campaign_id = d.campaign_id and s.channel = d.channel and s.sales_date = d.sales_date
    and s.item_group = d.item_group
left join other_campaigns as oc
    on oc.campaign_id = d.campaign_id and oc.channel = d.channel and oc.sales_date = d.sales_date
