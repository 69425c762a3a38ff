{#- Every non-null value lies in [min_value, max_value] (either bound optional). -#}
{% test value_between(model, column_name, min_value=none, max_value=none) %}
select {{ column_name }}
from {{ model }}
where {{ column_name }} is not null
  and (false
       {%- if min_value is not none %} or {{ column_name }} < {{ min_value }}{% endif %}
       {%- if max_value is not none %} or {{ column_name }} > {{ max_value }}{% endif %})
{% endtest %}

{#- A boolean SQL expression holds on every row (rows where it is false or null fail). -#}
{% test expression_is_true(model, expression, column_name=none, where_clause=none) %}
select *
from {{ model }}
where not coalesce(({{ expression }}), false)
{%- if where_clause %} and ({{ where_clause }}){% endif %}
{% endtest %}

{#- A dimension carries its explicit unknown member (the row facts point to when a key is missing). -#}
{% test has_unknown_member(model, column_name, value='UNKNOWN') %}
select '{{ value }}' as missing_member
where not exists (select 1 from {{ model }} where {{ column_name }} = '{{ value }}')
{% endtest %}

{#- The table is not empty. -#}
{% test not_empty(model) %}
select 'empty' as problem
where not exists (select 1 from {{ model }})
{% endtest %}
