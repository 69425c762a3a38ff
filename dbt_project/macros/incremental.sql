{#- Which business dates an incremental model must (re)build.

    A full build takes every date (`true`). An incremental build takes the dates the ingest stage (re)loaded
    since this model was last built — `raw.load_audit` rows with status `loaded` of the given sources that
    finished after the newest `_built_at` in this model — plus any dates forced with
    `--vars '{rebuild_from: 2025-04-01, rebuild_to: 2025-04-03}'`. The model deletes and re-inserts those
    dates (delete+insert on its date key), so rerunning or reloading a date never duplicates its rows, and a
    date reloaded with an empty file is emptied. -#}
{% macro changed_dates_filter(date_expr, audit_sources) -%}
    {%- if is_incremental() -%}
    {{ date_expr }} in (
        select business_date
        from {{ source('ingest', 'load_audit') }}
        where status = 'loaded'
          and source in ({% for s in audit_sources %}'{{ s }}'{% if not loop.last %}, {% endif %}{% endfor %})
          and finished_at > (select coalesce(max(_built_at), '-infinity'::timestamptz) from {{ this }})
        {%- if var('rebuild_from', none) %}
        union
        select cast(d as date)
        from generate_series(cast('{{ var("rebuild_from") }}' as date),
                             cast('{{ var("rebuild_to", var("rebuild_from")) }}' as date), interval '1 day') as d
        {%- endif %}
    )
    {%- else -%}
    true
    {%- endif -%}
{%- endmacro %}

{#- The sales sources whose loads change the unified sales lines. -#}
{% macro sales_sources() -%}
    {{ return(['store_pos', 'ec_orders', 'mall_ichiba', 'mall_bazaar', 'mall_plaza']) }}
{%- endmacro %}
