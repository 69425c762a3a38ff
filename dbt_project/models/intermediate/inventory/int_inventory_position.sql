-- Inventory position per SKU × location at the latest business date (在庫ポジション): on hand, on order
-- (open purchase orders), the next receipt, and the item's cost, price, ordering constraints and season —
-- everything the replenishment policies need.
with as_of as (
    select max(snapshot_date) as as_of_date from {{ ref('stg_supply__inventory') }}
),

stock as (
    select i.location_id, i.sku_id, i.on_hand_units
    from {{ ref('stg_supply__inventory') }} as i
    inner join as_of on i.snapshot_date = as_of.as_of_date
),

po_snapshot as (
    select max(snapshot_date) as snapshot_date
    from {{ ref('stg_supply__open_purchase_orders') }}
    where snapshot_date <= (select as_of_date from as_of)
),

open_lines as (
    select po.*
    from {{ ref('stg_supply__open_purchase_orders') }} as po
    inner join po_snapshot on po.snapshot_date = po_snapshot.snapshot_date
),

on_order as (
    select
        location_id,
        sku_id,
        sum(ordered_units)                                                    as on_order_units,
        count(*)                                                              as open_po_lines,
        min(expected_arrival_on)                                              as next_receipt_date
    from open_lines
    group by location_id, sku_id
),

next_receipt as (
    select o.location_id, o.sku_id, sum(l.ordered_units) as next_receipt_units
    from on_order as o
    inner join open_lines as l
        on l.location_id = o.location_id and l.sku_id = o.sku_id and l.expected_arrival_on = o.next_receipt_date
    group by o.location_id, o.sku_id
),

keys as (
    select location_id, sku_id from stock
    union
    select location_id, sku_id from on_order
),

skus as (
    select * from {{ ref('dim_sku') }}
),

locations as (
    select * from {{ ref('dim_location') }}
)

select
    as_of.as_of_date,
    cast(k.sku_id as text)                                                    as sku_id,
    cast(k.location_id as text)                                               as location_id,
    cast(coalesce(l.channel, 'unknown') as text)                              as channel,
    cast(coalesce(s.style_id, 'UNKNOWN') as text)                             as style_id,
    cast(coalesce(s.category, 'unknown') as text)                             as category,
    cast(coalesce(s.item_type, 'unknown') as text)                            as item_type,
    cast(s.status as text)                                                    as status,
    cast(coalesce(stock.on_hand_units, 0) as integer)                         as on_hand_units,
    cast(coalesce(o.on_order_units, 0) as integer)                            as on_order_units,
    cast(coalesce(stock.on_hand_units, 0) + coalesce(o.on_order_units, 0) as integer) as inventory_position_units,
    cast(coalesce(o.open_po_lines, 0) as integer)                             as open_po_lines,
    o.next_receipt_date,
    cast(nr.next_receipt_units as integer)                                    as next_receipt_units,
    s.unit_cost_jpy,
    s.list_price_jpy,
    s.selling_price_jpy,
    s.markdown_pct,
    cast(coalesce(stock.on_hand_units, 0) * s.unit_cost_jpy as bigint)        as on_hand_value_jpy,
    s.case_pack,
    s.moq,
    s.lead_time_mean_days,
    s.lead_time_sd_days,
    s.supplier_id,
    s.season_start,
    s.season_end,
    s.launch_date,
    s.end_date,
    s.last_order_date
from keys as k
cross join as_of
left join stock on stock.location_id = k.location_id and stock.sku_id = k.sku_id
left join on_order as o on o.location_id = k.location_id and o.sku_id = k.sku_id
left join next_receipt as nr on nr.location_id = k.location_id and nr.sku_id = k.sku_id
left join skus as s on s.sku_id = k.sku_id
left join locations as l on l.location_id = k.location_id
