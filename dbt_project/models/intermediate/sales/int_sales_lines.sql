{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key='business_date',
        on_schema_change='fail',
        pre_hook="set local work_mem = '{{ var('heavy_model_work_mem') }}'",
        indexes=[{'columns': ['business_date']}, {'columns': ['sales_date']}, {'columns': ['customer_key']}],
        post_hook=[
            "update {{ this }} as s set customer_key = i.customer_key
             from {{ ref('int_customer_identities') }} as i
             where s.customer_key is null and s.customer_identity_hash = i.identity_hash"
        ]
    )
}}
-- Unified sales lines across store POS, own EC and the three malls (全チャネル売上明細).
-- depends_on: {{ ref('int_sales_control_totals') }} (the raw control totals its tests reconcile to)
--
-- Incremental by business date (delete+insert): only the dates the ingest stage (re)loaded since the last
-- build are rebuilt, so rerunning a date replaces its lines instead of duplicating them. The post-hook gives
-- earlier anonymous lines their customer once the identifier is linked later (a mall buyer who links the
-- account: "earlier orders under the same buyer id belong to the customer too").

{%- set dates = changed_dates_filter('business_date', sales_sources()) %}

with store as (
    select
        'store_pos'                                           as source_system,
        'store'                                               as channel,
        'POS:' || sales_line_id                               as sales_line_id,
        receipt_id                                            as order_id,
        business_date,
        sales_date,
        -- a store return is its own receipt: the original purchase is unknown, the return counts that day
        sales_date                                            as order_date,
        sold_at                                               as booked_at,
        location_id,
        sku_id,
        is_return,
        quantity,
        unit_price_incl_tax_jpy,
        discount_incl_tax_jpy,
        sales_incl_tax_jpy,
        tax_jpy,
        net_sales_jpy,
        member_card_hash                                      as customer_identity_hash,
        cast(null as text)                                    as coupon_code,
        cast(null as integer)                                 as points_multiplier
    from {{ ref('stg_store_pos__lines') }}
    where {{ dates }}
),

ec as (
    select
        'ec_orders',
        'ec',
        'EC:' || sales_line_id,
        order_id,
        business_date,
        sales_date,
        coalesce(original_order_date, sales_date),
        booked_at,
        location_id,
        sku_id,
        is_return,
        quantity,
        unit_price_incl_tax_jpy,
        discount_incl_tax_jpy,
        sales_incl_tax_jpy,
        tax_jpy,
        net_sales_jpy,
        ec_account_hash,
        coupon_code,
        points_multiplier
    from {{ ref('stg_ec__order_lines') }}
    where {{ dates }}
),

{% for mall in ['mall_ichiba', 'mall_bazaar', 'mall_plaza'] %}
{{ mall }} as (
    select
        '{{ mall }}',
        'mall',
        location_id || ':' || sales_line_id,
        order_id,
        business_date,
        sales_date,
        original_order_date,
        booked_at,
        location_id,
        sku_id,
        is_return,
        quantity,
        unit_price_incl_tax_jpy,
        discount_incl_tax_jpy,
        sales_incl_tax_jpy,
        tax_jpy,
        net_sales_jpy,
        mall_buyer_hash,
        cast(null as text),
        cast(null as integer)
    from {{ ref('stg_' ~ mall ~ '__order_lines') }}
    where {{ dates }}
),
{% endfor %}

lines as (
    select * from store
    union all select * from ec
    union all select * from mall_ichiba
    union all select * from mall_bazaar
    union all select * from mall_plaza
),

products as (
    select * from {{ ref('stg_erp__products') }}
),

costs as (
    select * from {{ ref('stg_erp__product_history') }}
),

enriched as (
    select
        lines.*,
        coalesce(products.style_id, 'UNKNOWN')                as style_id,
        coalesce(products.category, 'unknown')                as category,
        -- cost in force on the day the line was booked; the latest master if that day's is missing
        coalesce(costs.unit_cost_jpy, products.unit_cost_jpy) as unit_cost_jpy
    from lines
    left join products on products.sku_id = lines.sku_id
    left join costs on costs.sku_id = lines.sku_id and costs.snapshot_date = lines.business_date
),

campaign_days as (
    select * from {{ ref('int_campaign_days') }}
),

-- the campaign behind a sold line, when the line shows it: the coupon code redeemed, a discount given
-- while a discount campaign covered the SKU there that day, or a points campaign in force
campaign_match as (
    select distinct on (e.sales_line_id)
        e.sales_line_id,
        c.campaign_id
    from enriched as e
    inner join campaign_days as c
        on c.sales_date = e.sales_date
        and c.channel = e.channel
    where not e.is_return
      and {{ campaign_covers('c', 'e.sku_id', 'e.style_id', 'e.category') }}
      and {{ campaign_at_location('c', 'e.location_id') }}
      and (
          (c.mechanism = 'coupon' and e.coupon_code = c.coupon_code)
          or (c.mechanism in ('percent_off', 'mall_sale') and e.discount_incl_tax_jpy > 0)
          or (c.mechanism = 'points' and (e.channel <> 'ec' or e.points_multiplier > 1))
      )
    order by e.sales_line_id,
             case c.mechanism when 'coupon' then 0 when 'points' then 2 else 1 end,
             c.discount_pct desc,
             c.campaign_id
),

identities as (
    select * from {{ ref('int_customer_identities') }}
)

select
    cast(e.sales_line_id as text)                                             as sales_line_id,
    cast(e.source_system as text)                                             as source_system,
    cast(e.channel as text)                                                   as channel,
    cast(e.business_date as date)                                             as business_date,
    cast(e.sales_date as date)                                                as sales_date,
    cast(e.order_date as date)                                                as order_date,
    e.booked_at,
    cast(e.order_id as text)                                                  as order_id,
    cast(e.location_id as text)                                               as location_id,
    cast(e.sku_id as text)                                                    as sku_id,
    cast(e.style_id as text)                                                  as style_id,
    identities.customer_key,
    e.customer_identity_hash,
    e.is_return,
    cast(e.quantity as integer)                                               as quantity,
    cast(e.unit_price_incl_tax_jpy as bigint)                                 as unit_price_incl_tax_jpy,
    cast(e.sales_incl_tax_jpy + e.discount_incl_tax_jpy as bigint)            as gross_sales_incl_tax_jpy,
    cast(e.discount_incl_tax_jpy as bigint)                                   as discount_incl_tax_jpy,
    cast({{ excluding_tax('e.discount_incl_tax_jpy') }} as bigint)            as discount_excl_tax_jpy,
    cast(e.sales_incl_tax_jpy as bigint)                                      as sales_incl_tax_jpy,
    cast(e.tax_jpy as bigint)                                                 as tax_jpy,
    cast(e.net_sales_jpy as bigint)                                           as net_sales_jpy,
    cast(e.unit_cost_jpy as bigint)                                           as unit_cost_jpy,
    cast(e.quantity * e.unit_cost_jpy as bigint)                              as cost_of_goods_jpy,
    cast(e.net_sales_jpy - e.quantity * e.unit_cost_jpy as bigint)            as gross_profit_jpy,
    cast(campaign_match.campaign_id as text)                                  as campaign_id,
    cast(e.coupon_code as text)                                               as coupon_code,
    now()                                                                     as _built_at
from enriched as e
left join campaign_match on campaign_match.sales_line_id = e.sales_line_id
left join identities on identities.identity_hash = e.customer_identity_hash
