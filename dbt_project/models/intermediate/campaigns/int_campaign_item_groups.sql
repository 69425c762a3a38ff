-- How each campaign × channel sees every SKU (施策対象区分):
--   target          the campaign covers it;
--   category_other  not covered, but in a category the campaign touches (where halo or cannibalisation
--                   shows);
--   control         everything else — the untreated items whose trend adjusts the baseline.
-- A campaign on everything has only targets.
with windows as (
    select * from {{ ref('int_campaign_windows') }}
),

targets as (
    select distinct campaign_id, target_level, target_code
    from {{ ref('int_campaign_days') }}
),

skus as (
    select * from {{ ref('dim_sku') }}
    where not is_unknown
),

covered as (
    select distinct t.campaign_id, s.sku_id, s.category
    from targets as t
    inner join skus as s on {{ campaign_covers('t', 's.sku_id', 's.style_id', 's.category') }}
),

touched_categories as (
    select distinct campaign_id, category from covered
)

select
    w.campaign_id,
    w.channel,
    s.sku_id,
    s.style_id,
    s.category,
    case
        when c.sku_id is not null then 'target'
        when tc.category is not null then 'category_other'
        else 'control'
    end                                                                       as item_group
from windows as w
cross join skus as s
left join covered as c on c.campaign_id = w.campaign_id and c.sku_id = s.sku_id
left join touched_categories as tc on tc.campaign_id = w.campaign_id and tc.category = s.category
