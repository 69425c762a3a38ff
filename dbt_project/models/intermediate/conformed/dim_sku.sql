-- SKU dimension (SKU マスタ): the latest product master with the latest lifecycle status, plus the explicit
-- unknown member `UNKNOWN` that facts point to when a SKU is missing from the master.
with products as (
    select * from {{ ref('stg_erp__products') }}
),

status as (
    select distinct on (sku_id) *
    from {{ ref('stg_erp__product_status') }}
    order by sku_id, snapshot_date desc
)

select
    cast(p.sku_id as text)                        as sku_id,
    cast(p.style_id as text)                      as style_id,
    cast(p.style_name as text)                    as style_label,
    cast(p.color_code as text)                    as color_code,
    cast(p.color_name as text)                    as color_label,
    cast(p.size_code as text)                     as size_code,
    cast(p.category as text)                      as category,
    cast(p.brand as text)                         as brand,
    cast(p.season_code as text)                   as season_code,
    cast(p.item_type as text)                     as item_type,
    p.season_start,
    p.season_end,
    cast(p.list_price_jpy as bigint)              as list_price_jpy,
    cast(p.unit_cost_jpy as bigint)               as unit_cost_jpy,
    cast(p.supplier_id as text)                   as supplier_id,
    p.lead_time_mean_days,
    p.lead_time_sd_days,
    p.moq,
    p.case_pack,
    cast(coalesce(s.status, 'active') as text)    as status,
    s.launch_date,
    s.end_date,
    s.last_order_date,
    cast(coalesce(s.selling_price_jpy, p.list_price_jpy) as bigint) as selling_price_jpy,
    coalesce(s.markdown_pct, 0)                   as markdown_pct,
    false                                         as is_unknown
from products as p
left join status as s on s.sku_id = p.sku_id

union all

select
    'UNKNOWN', 'UNKNOWN', '(unknown)', null, null, null, 'unknown', null, null, 'unknown',
    null, null, null, null, null, null, null, null, null, 'unknown', null, null, null, null, 0, true
