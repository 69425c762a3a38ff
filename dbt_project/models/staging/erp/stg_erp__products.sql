with source as (
    select * from {{ source('erp', 'product_master') }}
    where _business_date = (select max(_business_date) from {{ source('erp', 'product_master') }})
),

renamed as (
    select
        sku_code                                   as sku_id,
        style_code                                 as style_id,
        style_name,
        color_code,
        size_code,
        category,
        brand,
        season_code,
        item_type,
        cast(nullif(season_start, '') as date)     as season_start,
        cast(nullif(season_end, '') as date)       as season_end,
        {{ yen('list_price_jpy') }}                as list_price_jpy,
        {{ yen('unit_cost_jpy') }}                 as unit_cost_jpy,
        supplier_code                              as supplier_id,
        cast(lead_time_mean_days as numeric)       as lead_time_mean_days,
        cast(lead_time_sd_days as numeric)         as lead_time_sd_days,
        cast(moq as integer)                       as moq,
        cast(case_pack as integer)                 as case_pack
    from source
)

select * from renamed
