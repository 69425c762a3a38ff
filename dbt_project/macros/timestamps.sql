{#- Source timestamps are JST wall-clock text in one of three layouts (ltvzaiko_tasks/ingest/sources.py
    TIMESTAMP_FORMATS). Each becomes a timestamptz, once, here. -#}
{% macro jst_timestamp(column, layout='iso_space') -%}
    {%- if layout == 'iso_space' -%}
    (cast(nullif(trim({{ column }}), '') as timestamp) at time zone 'Asia/Tokyo')
    {%- elif layout == 'iso_offset' -%}
    cast(nullif(trim({{ column }}), '') as timestamptz)
    {%- elif layout == 'slash_minutes' -%}
    (to_timestamp(nullif(trim({{ column }}), ''), 'YYYY/MM/DD HH24:MI')::timestamp at time zone 'Asia/Tokyo')
    {%- else -%}
    {{ exceptions.raise_compiler_error("unknown timestamp layout " ~ layout) }}
    {%- endif -%}
{%- endmacro %}

{#- The JST calendar date of a timestamptz (the business day a sale belongs to). -#}
{% macro jst_date(ts) -%}
    cast(({{ ts }}) at time zone 'Asia/Tokyo' as date)
{%- endmacro %}

{#- A `YYYY-MM-DD` text date, empty → null. -#}
{% macro to_date(column) -%}
    cast(nullif(trim({{ column }}), '') as date)
{%- endmacro %}
