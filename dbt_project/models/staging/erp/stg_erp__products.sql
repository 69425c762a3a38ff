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
        color_name,
        size_code,
        category,
        brand,
        season_code,
        item_type,
        {{ to_date('season_start') }}              as season_start,
        {{ to_date('season_end') }}                as season_end,
        {{ yen('list_price_jpy') }}                as list_price_jpy,
        {{ yen('unit_cost_jpy') }}                 as unit_cost_jpy,
        supplier_code                              as supplier_id,
        cast(lead_time_mean_days as numeric)       as lead_time_mean_days,
        cast(lead_time_sd_days as numeric)         as lead_time_sd_days,
        cast(moq as integer)                       as moq,
        cast(case_pack as integer)                 as case_pack,
        _business_date                             as snapshot_date
    from source
)

select * from renamed
