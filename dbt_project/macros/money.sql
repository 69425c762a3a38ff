{#- Yen amounts arrive as text in raw; cast once, here. -#}
{% macro yen(column) -%}
    cast(nullif(trim({{ column }}), '') as bigint)
{%- endmacro %}

{#- Consumption tax contained in a tax-inclusive integer yen amount (内税), rounded toward zero, with the
    amount's sign (a refund contains negative tax): sign(a) × floor(|a| × rate / (100 + rate)).
    The same rule the POS and EC systems print on their lines; malls deliver tax-inclusive amounts only. -#}
{% macro tax_included_in(amount) -%}
    (sign({{ amount }})::bigint * ((abs({{ amount }}) * {{ var('consumption_tax_pct') }}) / (100 + {{ var('consumption_tax_pct') }})))
{%- endmacro %}

{#- A tax-inclusive amount made tax-exclusive (税抜) with the rule above. -#}
{% macro excluding_tax(amount) -%}
    ({{ amount }} - {{ tax_included_in(amount) }})
{%- endmacro %}
