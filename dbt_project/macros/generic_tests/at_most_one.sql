{#- At most one row has `column_name` = `value` (e.g. one active model version). -#}
{% test at_most_one(model, column_name, value) %}
select {{ column_name }}, count(*) as n
from {{ model }}
where {{ column_name }} = '{{ value }}'
group by {{ column_name }}
having count(*) > 1
{% endtest %}
