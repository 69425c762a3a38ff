{#- One place for how the item marts serve both grains (SKU switch): the SKU rows of models.item_value and the
    style rows of models.item_value_by_style, with `grain` ('sku' / 'style'), `item_id`, `style_id` and `sku_id`
    (null on style rows) ahead of the given measure columns. -#}
{% macro item_value_at_two_grains(measures) %}
    select
        v.as_of_date,
        'sku'                                                 as grain,
        v.sku_id                                              as item_id,
        coalesce(skus.style_id, 'UNKNOWN')                    as style_id,
        v.sku_id,
        {{ measures }}
    from {{ source('models', 'item_value') }} as v
    left join (select sku_id, style_id from {{ ref('dim_sku') }}) as skus on skus.sku_id = v.sku_id

    union all

    select
        as_of_date,
        'style',
        style_id,
        style_id,
        cast(null as text),
        {{ measures }}
    from {{ source('models', 'item_value_by_style') }}
{% endmacro %}
