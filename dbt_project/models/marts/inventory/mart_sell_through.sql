{{ config(tags=['decisions']) }}
-- Sell-through (消化率) per style and per SKU, per channel and over all channels, at the latest business date.
-- Built with the decision marts (after the forecast stage) so the forecast sell-out date is the same run's;
-- until a forecast exists (models.sell_out missing or empty) those columns are null and the projection
-- falls back to the recent run rate.
{%- set sell_out_relation = load_relation(source('models', 'sell_out')) if execute else none %}

with positions as (
    select * from {{ ref('int_inventory_position') }}
),

as_of as (
    select max(as_of_date) as as_of_date from positions
),

history as (
    select min(sales_date) as first_day from {{ ref('fct_sales_daily') }}
),

skus as (
    select * from {{ ref('dim_sku') }}
),

locations as (
    select * from {{ ref('dim_location') }}
),

-- the selling period each item is measured over: seasonal goods from the season's start, staples over
-- the last 28 days; never before the loaded history
periods as (
    select
        s.sku_id,
        s.style_id,
        s.item_type,
        greatest(
            case when s.item_type = 'seasonal' and s.season_start is not null then s.season_start
                 else a.as_of_date - 27 end,
            h.first_day)                                                      as period_start,
        case when s.item_type = 'seasonal' then coalesce(s.season_end, s.end_date) else s.end_date end
                                                                              as target_sell_out_date
    from skus as s
    cross join as_of as a
    cross join history as h
    where not s.is_unknown
),

sales as (
    select
        f.location_id,
        f.sku_id,
        sum(f.units)                                                          as sold_units,
        sum(f.units) filter (where f.sales_date > a.as_of_date - 28)          as sold_units_28d
    from {{ ref('fct_sales_daily') }} as f
    cross join as_of as a
    inner join periods as p on p.sku_id = f.sku_id
    where f.sales_date between p.period_start and a.as_of_date
    group by f.location_id, f.sku_id
),

receipts as (
    select g.location_id, g.sku_id, sum(g.received_units) as received_units
    from {{ ref('stg_supply__goods_receipts') }} as g
    cross join as_of as a
    inner join periods as p on p.sku_id = g.sku_id
    where g.received_on between p.period_start and a.as_of_date
    group by g.location_id, g.sku_id
),

{% if sell_out_relation is not none %}
forecast as (
    select so.sku_id, so.location_id, so.as_of_date as forecast_as_of_date, so.sell_out_date
    from {{ sell_out_relation }} as so
    where so.as_of_date = (select max(as_of_date) from {{ sell_out_relation }}
                           where as_of_date <= (select as_of_date from as_of))
),
{% else %}
forecast as (
    select cast(null as text) as sku_id, cast(null as text) as location_id,
           cast(null as date) as forecast_as_of_date, cast(null as date) as sell_out_date
    where false
),
{% endif %}

keys as (
    select location_id, sku_id from positions
    union
    select location_id, sku_id from sales
),

base as (
    select
        k.location_id,
        k.sku_id,
        p.style_id,
        coalesce(l.channel, 'unknown')                                        as channel,
        p.item_type,
        p.period_start,
        p.target_sell_out_date,
        coalesce(r.received_units, 0)                                         as received_units,
        coalesce(sa.sold_units, 0)                                            as sold_units,
        coalesce(sa.sold_units_28d, 0)                                        as sold_units_28d,
        coalesce(pos.on_hand_units, 0)                                        as on_hand_units,
        fc.forecast_as_of_date,
        fc.sell_out_date                                                      as forecast_sell_out_date,
        -- a location holding stock without a forecast sell-out inside the horizon leaves the item's open
        coalesce(pos.on_hand_units, 0) = 0 or fc.sell_out_date is not null    as forecast_covers
    from keys as k
    inner join periods as p on p.sku_id = k.sku_id
    left join locations as l on l.location_id = k.location_id
    left join positions as pos on pos.location_id = k.location_id and pos.sku_id = k.sku_id
    left join sales as sa on sa.location_id = k.location_id and sa.sku_id = k.sku_id
    left join receipts as r on r.location_id = k.location_id and r.sku_id = k.sku_id
    left join forecast as fc on fc.location_id = k.location_id and fc.sku_id = k.sku_id
),

rolled as (
    select
        case when grouping(sku_id) = 0 then 'sku' else 'style' end            as grain,
        coalesce(sku_id, style_id)                                            as item_id,
        style_id,
        sku_id,
        case when grouping(channel) = 0 then channel else 'all' end           as channel,
        min(item_type)                                                        as item_type,
        min(period_start)                                                     as period_start,
        max(target_sell_out_date)                                             as target_sell_out_date,
        sum(received_units)                                                   as received_units,
        sum(sold_units)                                                       as sold_units,
        sum(sold_units_28d)                                                   as sold_units_28d,
        sum(on_hand_units)                                                    as on_hand_units,
        max(forecast_as_of_date)                                              as forecast_as_of_date,
        case when max(forecast_as_of_date) is not null and bool_and(forecast_covers)
             then max(forecast_sell_out_date) end                             as forecast_sell_out_date
    from base
    group by grouping sets ((style_id, sku_id, channel), (style_id, sku_id), (style_id, channel), (style_id))
),

projected as (
    select
        r.*,
        a.as_of_date,
        case when r.on_hand_units <= 0 then null
             when r.forecast_sell_out_date is not null then r.forecast_sell_out_date
             when r.sold_units_28d > 0
                 then a.as_of_date + cast(ceil(r.on_hand_units / (r.sold_units_28d / 28.0)) as integer)
        end                                                                   as projected_sell_out_date,
        case when r.on_hand_units <= 0 then null
             when r.forecast_sell_out_date is not null then 'forecast'
             when r.sold_units_28d > 0 then 'run_rate'
        end                                                                   as projection_basis
    from rolled as r
    cross join as_of as a
)

select
    cast(as_of_date as date)                                                  as as_of_date,
    cast(grain as text)                                                       as grain,
    cast(item_id as text)                                                     as item_id,
    cast(style_id as text)                                                    as style_id,
    cast(sku_id as text)                                                      as sku_id,
    cast(channel as text)                                                     as channel,
    cast(item_type as text)                                                   as item_type,
    cast(period_start as date)                                                as period_start,
    cast(received_units as integer)                                           as received_units,
    cast(sold_units as integer)                                               as sold_units,
    cast(on_hand_units as integer)                                            as on_hand_units,
    cast(round(sold_units::numeric / nullif(sold_units + on_hand_units, 0), 4) as numeric(8, 4))
                                                                              as sell_through_rate,
    cast(sold_units_28d as integer)                                           as sold_units_28d,
    cast(round(case when sold_units_28d > 0 then on_hand_units / (sold_units_28d / 4.0) end, 1)
         as numeric(10, 1))                                                   as weeks_of_cover,
    cast(target_sell_out_date as date)                                        as target_sell_out_date,
    cast(forecast_as_of_date as date)                                         as forecast_as_of_date,
    cast(forecast_sell_out_date as date)                                      as forecast_sell_out_date,
    cast(projected_sell_out_date as date)                                     as projected_sell_out_date,
    cast(projection_basis as text)                                            as projection_basis,
    cast(target_sell_out_date - projected_sell_out_date as integer)           as days_ahead_of_target,
    cast(case
        when on_hand_units <= 0 then 'sold_out'
        when target_sell_out_date is null then 'continuing'
        when projected_sell_out_date is null then 'not_selling'
        when projected_sell_out_date > target_sell_out_date + 7 then 'overstock_risk'
        when projected_sell_out_date < target_sell_out_date - 14 then 'early_sell_out_risk'
        else 'on_track'
    end as text)                                                              as sell_through_status
from projected
