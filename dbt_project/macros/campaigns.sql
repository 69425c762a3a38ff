{#- Does campaign target row `c` (target_level, target_code) cover the SKU whose style and category are
    given? `all` covers everything; `sku` is reserved by the format but honoured. -#}
{% macro campaign_covers(c, sku_id, style_id, category) -%}
    ({{ c }}.target_level = 'all'
     or ({{ c }}.target_level = 'category' and {{ c }}.target_code = {{ category }})
     or ({{ c }}.target_level = 'style' and {{ c }}.target_code = {{ style_id }})
     or ({{ c }}.target_level = 'sku' and {{ c }}.target_code = {{ sku_id }}))
{%- endmacro %}

{#- Is the location inside the campaign's location list (no list: every location of its channels)? -#}
{% macro campaign_at_location(c, location_id) -%}
    ({{ c }}.location_ids is null or {{ location_id }} = any({{ c }}.location_ids))
{%- endmacro %}
