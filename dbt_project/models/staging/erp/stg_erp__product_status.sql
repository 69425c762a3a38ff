-- Every product status snapshot: lifecycle, selling price and markdown per SKU and business date.
with source as (
    select * from {{ source('erp', 'product_status') }}
),

renamed as (
    select
        sku_code                                   as sku_id,
        _business_date                             as snapshot_date,
        style_code                                 as style_id,
        status,
        {{ to_date('launch_date') }}               as launch_date,
        {{ to_date('end_date') }}                  as end_date,
        {{ to_date('last_order_date') }}           as last_order_date,
        {{ yen('regular_price_jpy') }}             as regular_price_jpy,
        {{ yen('selling_price_jpy') }}             as selling_price_jpy,
        cast(markdown_pct as integer)              as markdown_pct
    from source
)

select * from renamed
