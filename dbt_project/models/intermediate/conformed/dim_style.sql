-- Style dimension (商品番号マスタ): one row per style, the grain merchandisers plan in, plus `UNKNOWN`.
with skus as (
    select * from {{ ref('dim_sku') }}
    where not is_unknown
)

select
    style_id,
    min(style_label)                              as style_label,
    min(category)                                 as category,
    min(brand)                                    as brand,
    min(season_code)                              as season_code,
    min(item_type)                                as item_type,
    min(season_start)                             as season_start,
    max(season_end)                               as season_end,
    max(list_price_jpy)                           as list_price_jpy,
    max(unit_cost_jpy)                            as unit_cost_jpy,
    min(launch_date)                              as launch_date,
    max(end_date)                                 as end_date,
    cast(count(*) as integer)                     as sku_count,
    false                                         as is_unknown
from skus
group by style_id

union all

select 'UNKNOWN', '(unknown)', 'unknown', null, null, 'unknown', null, null, null, null, null, null, 0, true
