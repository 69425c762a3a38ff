-- Every product master snapshot: the cost and list price in force on each business date.
with source as (
    select * from {{ source('erp', 'product_master') }}
),

renamed as (
    select
        sku_code                                   as sku_id,
        _business_date                             as snapshot_date,
        style_code                                 as style_id,
        {{ yen('list_price_jpy') }}                as list_price_jpy,
        {{ yen('unit_cost_jpy') }}                 as unit_cost_jpy
    from source
)

select * from renamed
