{{ config(tags=['decisions']) }}
-- The ZPM inventory portfolio per as-of date (ZPM分析): cell, axis values, action with LTV overlay, at two grains:
-- `grain` = 'sku' (one row per SKU) and 'style' (one row per style, 商品番号, its stock, margin and movement
-- taken together). Filter on `grain` — the SKU switch.
{% set measures %}
        zpm_cell, zpm_cell_name, zpm_cell_name_ja, units_sold_window, on_hand_units, weeks_of_cover,
        gross_margin_rate, gmroi, sell_through_rate, ltv_class, recommended_action, recommended_action_ja
{% endset %}

with items as (
    {{ item_value_at_two_grains(measures) }}
)

select
    cast(as_of_date as date)                                  as as_of_date,
    cast(grain as text)                                       as grain,
    cast(item_id as text)                                     as item_id,
    cast(style_id as text)                                    as style_id,
    cast(sku_id as text)                                      as sku_id,
    cast(zpm_cell as text)                                    as zpm_cell,
    cast(zpm_cell_name as text)                               as zpm_cell_name,
    cast(zpm_cell_name_ja as text)                            as zpm_cell_name_ja,
    cast(units_sold_window as numeric(14, 2))                 as units_sold_window,
    cast(on_hand_units as numeric(14, 2))                     as on_hand_units,
    cast(weeks_of_cover as numeric(10, 2))                    as weeks_of_cover,
    cast(gross_margin_rate as numeric(8, 4))                  as gross_margin_rate,
    cast(gmroi as numeric(10, 3))                             as gmroi,
    cast(sell_through_rate as numeric(8, 4))                  as sell_through_rate,
    cast(ltv_class as text)                                   as ltv_class,
    cast(recommended_action as text)                          as recommended_action,
    cast(recommended_action_ja as text)                       as recommended_action_ja
from items
