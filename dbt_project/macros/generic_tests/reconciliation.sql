{#- Reconciliation: the sum of `column_name` per `group_by` equals the sum of `compare_column` per the same
    groups in the model named `compare_model`, to the unit (to the yen for money). Groups present on one
    side only compare against 0. Returns one row per group that differs. `compare_model` is a model name,
    resolved with relation_by_name (an ancestor of the tested model or a view over raw). -#}
{% test sums_match(model, column_name, compare_model, compare_column=none, group_by=[], where_clause=none,
                   compare_where=none) %}
{%- set compare_column = compare_column or column_name -%}
{%- set keys = group_by | join(', ') -%}
{%- set other = relation_by_name(compare_model) -%}
with ours as (
    select {% if keys %}{{ keys }}, {% endif %}sum({{ column_name }}) as total
    from {{ model }}
    {% if where_clause %}where {{ where_clause }}{% endif %}
    {% if keys %}group by {{ keys }}{% endif %}
),

theirs as (
    select {% if keys %}{{ keys }}, {% endif %}sum({{ compare_column }}) as total
    from {{ other }}
    {% if compare_where %}where {{ compare_where }}{% endif %}
    {% if keys %}group by {{ keys }}{% endif %}
)

select {% for k in group_by %}coalesce(ours.{{ k }}, theirs.{{ k }}) as {{ k }}, {% endfor %}
       coalesce(ours.total, 0) as model_total,
       coalesce(theirs.total, 0) as compare_total
from ours
full outer join theirs on {% for k in group_by %}ours.{{ k }} = theirs.{{ k }}{% if not loop.last %} and {% endif %}{% else %}true{% endfor %}
where coalesce(ours.total, 0) <> coalesce(theirs.total, 0)
{% endtest %}

{#- Referential integrity against a model named `to` (an ancestor of the tested model, see relation_by_name):
    every non-null value of `column_name` exists in `field` of `to`. The dbt built-in `relationships` test
    is kept for references to raw sources. -#}
{% test references(model, column_name, to, field) %}
{%- set other = relation_by_name(to) -%}
select distinct child.{{ column_name }}
from {{ model }} as child
where child.{{ column_name }} is not null
  and not exists (select 1 from {{ other }} as parent where parent.{{ field }} = child.{{ column_name }})
{% endtest %}
