-- Campaign effect per campaign × channel (施策効果). Method: see the model description (mart_campaign_effect.yml)
-- and docs/marts.md.
with windows as (
    select * from {{ ref('int_campaign_windows') }}
),

campaigns as (
    select * from {{ ref('dim_campaign') }}
),

baseline as (
    select * from {{ ref('int_campaign_baseline') }}
),

observed as (
    select min(sales_date) as first_day, max(sales_date) as last_day from {{ ref('fct_sales_daily') }}
),

pivoted as (
    select
        campaign_id,
        channel,
        {%- for grp in ['target', 'control', 'category_other'] %}
        {%- for ph in ['during', 'dip'] %}
        max(days_observed) filter (where item_group = '{{ grp }}' and phase = '{{ ph }}')          as {{ grp }}_{{ ph }}_days,
        sum(actual_units) filter (where item_group = '{{ grp }}' and phase = '{{ ph }}')           as {{ grp }}_{{ ph }}_units,
        sum(baseline_units) filter (where item_group = '{{ grp }}' and phase = '{{ ph }}')         as {{ grp }}_{{ ph }}_base_units,
        sum(actual_net_sales_jpy) filter (where item_group = '{{ grp }}' and phase = '{{ ph }}')   as {{ grp }}_{{ ph }}_net_sales,
        sum(baseline_net_sales_jpy) filter (where item_group = '{{ grp }}' and phase = '{{ ph }}') as {{ grp }}_{{ ph }}_base_net_sales,
        sum(actual_gross_profit_jpy) filter (where item_group = '{{ grp }}' and phase = '{{ ph }}') as {{ grp }}_{{ ph }}_gp,
        sum(baseline_gross_profit_jpy) filter (where item_group = '{{ grp }}' and phase = '{{ ph }}') as {{ grp }}_{{ ph }}_base_gp,
        sum(discount_excl_tax_jpy) filter (where item_group = '{{ grp }}' and phase = '{{ ph }}')  as {{ grp }}_{{ ph }}_discount,
        {%- endfor %}
        {%- endfor %}
        true as _present
    from baseline
    group by campaign_id, channel
),

trended as (
    select
        p.*,
        -- untreated items outside the touched categories carry the market's trend; a campaign on
        -- everything has none (factor 1). Bounded to [0.5, 2] so a thin control group cannot run away.
        case when p.control_during_base_units > 0
             then least(2.0, greatest(0.5, p.control_during_units / p.control_during_base_units))
             else 1.0 end                                                     as trend_during,
        case when p.control_dip_base_units > 0
             then least(2.0, greatest(0.5, p.control_dip_units / p.control_dip_base_units))
             else 1.0 end                                                     as trend_dip
    from pivoted as p
),

treated_lines as (
    -- identified and anonymous sales of the campaign's target items in its channel, locations and days
    select distinct on (l.sales_line_id, c.campaign_id)
        c.campaign_id,
        l.channel,
        l.sales_line_id,
        l.customer_key,
        l.quantity
    from {{ ref('int_sales_lines') }} as l
    inner join {{ ref('int_campaign_days') }} as c
        on c.sales_date = l.sales_date and c.channel = l.channel
    inner join {{ ref('dim_sku') }} as s on s.sku_id = l.sku_id
    where not l.is_return
      and {{ campaign_covers('c', 's.sku_id', 's.style_id', 's.category') }}
      and {{ campaign_at_location('c', 'l.location_id') }}
),

buyers as (
    select distinct t.campaign_id, t.channel, t.customer_key
    from treated_lines as t
    where t.customer_key is not null
),

returning_buyers as (
    -- buyers who bought again, in any channel, within the repeat window after the campaign
    select distinct b.campaign_id, b.channel, b.customer_key
    from buyers as b
    inner join windows as w on w.campaign_id = b.campaign_id and w.channel = b.channel
    inner join {{ ref('int_customer_daily') }} as later
        on later.customer_key = b.customer_key
        and later.sales_date > w.end_date
        and later.sales_date <= w.repeat_end
    where later.orders > 0
),

buyer_facts as (
    select
        b.campaign_id,
        b.channel,
        count(*)                                                              as buyers,
        count(*) filter (where cust.first_seen_on >= w.start_date)            as new_buyers,
        count(r.customer_key)                                                 as buyers_returning
    from buyers as b
    inner join windows as w on w.campaign_id = b.campaign_id and w.channel = b.channel
    left join {{ ref('dim_customer') }} as cust on cust.customer_key = b.customer_key
    left join returning_buyers as r
        on r.campaign_id = b.campaign_id and r.channel = b.channel and r.customer_key = b.customer_key
    group by b.campaign_id, b.channel
),

unit_facts as (
    select
        campaign_id,
        channel,
        sum(quantity)                                                         as treated_units,
        sum(quantity) filter (where customer_key is null)                     as anonymous_units
    from treated_lines
    group by campaign_id, channel
),

attributed as (
    select campaign_id, channel, sum(quantity) as attributed_units, count(*) as attributed_lines
    from {{ ref('int_sales_lines') }}
    where campaign_id is not null
    group by campaign_id, channel
),

final as (
    select
        w.campaign_id,
        c.campaign_label,
        w.channel,
        w.mechanism,
        c.target_level,
        c.target_codes,
        w.discount_pct,
        w.points_multiplier,
        w.is_member_only,
        w.start_date,
        w.end_date,
        w.duration_days,
        coalesce(t.target_during_days, 0)                                     as days_observed,
        w.end_date <= o.last_day                                              as is_complete,
        t.target_during_units                                                 as actual_units,
        t.target_during_base_units                                            as comparable_units,
        t.trend_during                                                        as control_trend_factor,
        t.target_during_base_units * t.trend_during                           as baseline_units,
        t.target_during_net_sales                                             as actual_net_sales,
        t.target_during_base_net_sales * t.trend_during                       as baseline_net_sales,
        t.target_during_gp                                                    as actual_gp,
        t.target_during_base_gp * t.trend_during                              as baseline_gp,
        t.target_during_discount                                              as discount_cost,
        coalesce(t.target_dip_days, 0)                                        as dip_days_observed,
        w.dip_end <= o.last_day                                               as dip_complete,
        t.target_dip_units                                                    as dip_actual_units,
        t.target_dip_base_units * t.trend_dip                                 as dip_baseline_units,
        t.target_dip_gp                                                       as dip_actual_gp,
        t.target_dip_base_gp * t.trend_dip                                    as dip_baseline_gp,
        t.category_other_during_units                                         as category_other_units,
        t.category_other_during_base_units * t.trend_during                   as category_other_baseline_units,
        t.category_other_during_gp                                            as category_other_gp,
        t.category_other_during_base_gp * t.trend_during                      as category_other_baseline_gp,
        coalesce(u.treated_units, 0)                                          as treated_units,
        coalesce(u.anonymous_units, 0)                                        as anonymous_units,
        coalesce(a.attributed_units, 0)                                       as attributed_units,
        coalesce(bf.buyers, 0)                                                as buyers,
        coalesce(bf.new_buyers, 0)                                            as new_buyers,
        coalesce(bf.buyers_returning, 0)                                      as buyers_returning,
        w.repeat_end <= o.last_day                                            as repeat_window_complete
    from windows as w
    cross join observed as o
    left join campaigns as c on c.campaign_id = w.campaign_id
    left join trended as t on t.campaign_id = w.campaign_id and t.channel = w.channel
    left join unit_facts as u on u.campaign_id = w.campaign_id and u.channel = w.channel
    left join attributed as a on a.campaign_id = w.campaign_id and a.channel = w.channel
    left join buyer_facts as bf on bf.campaign_id = w.campaign_id and bf.channel = w.channel
    -- campaigns that have started within the loaded history
    where w.start_date <= o.last_day and w.end_date >= o.first_day
)

select
    cast(campaign_id as text)                                                 as campaign_id,
    cast(campaign_label as text)                                              as campaign_label,
    cast(channel as text)                                                     as channel,
    cast(mechanism as text)                                                   as mechanism,
    cast(target_level as text)                                                as target_level,
    cast(target_codes as text)                                                as target_codes,
    cast(discount_pct as integer)                                             as discount_pct,
    cast(points_multiplier as integer)                                        as points_multiplier,
    cast(is_member_only as boolean)                                           as is_member_only,
    cast(start_date as date)                                                  as start_date,
    cast(end_date as date)                                                    as end_date,
    cast(duration_days as integer)                                            as duration_days,
    cast(days_observed as integer)                                            as days_observed,
    cast(is_complete as boolean)                                              as is_complete,
    cast(actual_units as integer)                                             as actual_units,
    cast(round(comparable_units, 2) as numeric(16, 2))                        as comparable_units,
    cast(round(control_trend_factor, 4) as numeric(8, 4))                     as control_trend_factor,
    cast(round(baseline_units, 2) as numeric(16, 2))                          as baseline_units,
    cast(round(actual_units - baseline_units, 2) as numeric(16, 2))           as uplift_units,
    cast(round((actual_units - baseline_units) / nullif(baseline_units, 0), 4) as numeric(12, 4)) as uplift_pct,
    cast(actual_net_sales as bigint)                                          as actual_net_sales_jpy,
    cast(round(baseline_net_sales) as bigint)                                 as baseline_net_sales_jpy,
    cast(actual_gp as bigint)                                                 as actual_gross_profit_jpy,
    cast(round(baseline_gp) as bigint)                                        as baseline_gross_profit_jpy,
    cast(discount_cost as bigint)                                             as discount_cost_jpy,
    cast(round(actual_gp - baseline_gp) as bigint)                            as incremental_gross_profit_jpy,
    cast(dip_days_observed as integer)                                        as dip_days_observed,
    cast(dip_complete as boolean)                                             as dip_complete,
    cast(dip_actual_units as integer)                                         as dip_actual_units,
    cast(round(dip_baseline_units, 2) as numeric(16, 2))                      as dip_baseline_units,
    cast(round(dip_actual_units - dip_baseline_units, 2) as numeric(16, 2))   as post_campaign_dip_units,
    cast(round(actual_units - baseline_units + coalesce(dip_actual_units - dip_baseline_units, 0), 2)
         as numeric(16, 2))                                                   as net_incremental_units,
    cast(round(actual_gp - baseline_gp + coalesce(dip_actual_gp - dip_baseline_gp, 0)) as bigint)
                                                                              as net_incremental_gross_profit_jpy,
    cast(category_other_units as integer)                                     as category_other_units,
    cast(round(category_other_baseline_units, 2) as numeric(16, 2))           as category_other_baseline_units,
    cast(round(category_other_units - category_other_baseline_units, 2) as numeric(16, 2)) as halo_units,
    cast(round(category_other_gp - category_other_baseline_gp) as bigint)     as halo_gross_profit_jpy,
    cast(treated_units as integer)                                            as treated_units,
    cast(anonymous_units as integer)                                          as anonymous_units,
    cast(attributed_units as integer)                                         as attributed_units,
    cast(buyers as integer)                                                   as buyers,
    cast(new_buyers as integer)                                               as new_buyers,
    cast(buyers - new_buyers as integer)                                      as repeat_buyers,
    cast(round(new_buyers::numeric / nullif(buyers, 0), 4) as numeric(6, 4))  as new_buyer_share,
    cast(round(buyers_returning::numeric / nullif(buyers, 0), 4) as numeric(6, 4)) as later_repeat_rate,
    cast(repeat_window_complete as boolean)                                   as repeat_window_complete
from final
