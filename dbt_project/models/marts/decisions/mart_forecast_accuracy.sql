{{ config(tags=['decisions']) }}
-- Forecast accuracy of every run's rolling-origin backtest (予測精度): the XGBoost model against seasonal naive
-- and a moving average, overall and by horizon bucket and segment (item type, LTV class).
-- Rows written before the breakdowns existed (one per run × model, none of the later columns) read as the
-- overall row, so the history of the headline figure stays continuous across the upgrade.
{%- set relation = load_relation(source('models', 'forecast_accuracy')) if execute else none %}
{%- set present = adapter.get_columns_in_relation(relation) | map(attribute='name') | list
                  if relation is not none else [] %}
{%- set c = {} %}
{%- for name in ['model_version', 'segment_type', 'segment', 'horizon_bucket', 'horizon_from', 'horizon_to',
                 'first_cutoff_date', 'backtest_windows', 'mase', 'wape_14d'] %}
{%- do c.update({name: name if name in present else 'null'}) %}
{%- endfor %}

select
    cast(as_of_date as date)                                   as as_of_date,
    cast(model as text)                                        as model,
    cast({{ c.model_version }} as text)                        as model_version,
    cast(coalesce({{ c.segment_type }}, 'all') as text)        as segment_type,
    cast(coalesce({{ c.segment }}, 'all') as text)             as segment,
    cast(coalesce({{ c.horizon_bucket }}, 'all') as text)      as horizon_bucket,
    cast(coalesce({{ c.horizon_from }}, 1) as integer)         as horizon_from,
    cast(coalesce({{ c.horizon_to }}, horizon_days) as integer) as horizon_to,
    cast(cutoff_date as date)                                  as cutoff_date,
    cast(coalesce({{ c.first_cutoff_date }}, cutoff_date) as date) as first_cutoff_date,
    cast(coalesce({{ c.backtest_windows }}, 1) as integer)     as backtest_windows,
    cast(horizon_days as integer)                              as horizon_days,
    cast(series as integer)                                    as series,
    cast(actual_units as numeric(16, 2))                       as actual_units,
    cast(wape as numeric(10, 4))                               as wape,
    cast(bias as numeric(10, 4))                               as bias,
    cast({{ c.mase }} as numeric(10, 4))                       as mase,
    cast(p10_p90_coverage as numeric(6, 4))                    as p10_p90_coverage,
    cast({{ c.wape_14d }} as numeric(10, 4))                   as wape_14d
from {{ source('models', 'forecast_accuracy') }}
