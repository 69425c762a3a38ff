{#- Yen amounts arrive as text in raw; cast once, here. -#}
{% macro yen(column) -%}
    cast(nullif(trim({{ column }}), '') as bigint)
{%- endmacro %}
