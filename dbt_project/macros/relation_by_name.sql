{#- The relation a model or seed of this project builds, looked up by name in the graph at run time.

    Tests that compare a model with another one take the other one by name through this macro instead of
    `ref()`, so dbt records the test under the tested model alone. Cosmos runs each model's tests right after
    the model (`dbt test --select <model>`); a test with two parents would also run after the *other* parent,
    possibly before the tested model is rebuilt or, for marts, while it is swapped out to `marts` — a false
    failure. Rule: only name a model that is an ancestor of the tested model (or a view over raw), so it is
    current when the test runs. -#}
{% macro relation_by_name(name) -%}
    {%- if not execute -%}
        {{ return(none) }}
    {%- endif -%}
    {%- for node in graph.nodes.values() -%}
        {%- if node.resource_type in ('model', 'seed') and node.name == name -%}
            {{ return(api.Relation.create(database=node.database, schema=node.schema, identifier=node.alias)) }}
        {%- endif -%}
    {%- endfor -%}
    {{ exceptions.raise_compiler_error("relation_by_name: no model or seed named '" ~ name ~ "'") }}
{%- endmacro %}
