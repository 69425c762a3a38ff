{{ config(tags=['decisions']) }}
-- The forecast model registry (予測モデル台帳): every trained version, its training window, feature-set hash,
-- the backtest of the run that trained it, where its artifact lies, and which one serves the daily forecasts.
-- Empty until the forecast stage has created models.forecast_model_registry.
{%- set relation = load_relation(source('models', 'forecast_model_registry')) if execute else none %}
select
    cast(model_version as text)                                   as model_version,
    cast(status as text)                                          as status,
    cast(trained_at as timestamptz)                               as trained_at,
    cast(trained_as_of_date as date)                              as trained_as_of_date,
    cast(data_from as date)                                       as data_from,
    cast(data_to as date)                                         as data_to,
    cast(feature_set_hash as text)                                as feature_set_hash,
    cast(feature_names as text)                                   as feature_names,
    cast(config_json as text)                                     as config_json,
    cast(training_reason as text)                                 as training_reason,
    cast(n_series as integer)                                     as n_series,
    cast(n_train_examples as integer)                             as n_train_examples,
    cast(fit_seconds as numeric(10, 1))                           as fit_seconds,
    cast(backtest_windows as integer)                             as backtest_windows,
    cast(backtest_wape as numeric(10, 4))                         as backtest_wape,
    cast(backtest_bias as numeric(10, 4))                         as backtest_bias,
    cast(backtest_mase as numeric(10, 4))                         as backtest_mase,
    cast(backtest_coverage_p10_p90 as numeric(6, 4))              as backtest_coverage_p10_p90,
    cast(backtest_wape_seasonal_naive as numeric(10, 4))          as backtest_wape_seasonal_naive,
    cast(backtest_wape_moving_average as numeric(10, 4))          as backtest_wape_moving_average,
    cast(artifact_path as text)                                   as artifact_path,
    cast(retired_on as date)                                      as retired_on
{%- if relation is not none %}
from {{ source('models', 'forecast_model_registry') }}
{%- else %}
from (select null::text as model_version, null::text as status, null::timestamptz as trained_at,
             null::date as trained_as_of_date, null::date as data_from, null::date as data_to,
             null::text as feature_set_hash, null::text as feature_names, null::text as config_json,
             null::text as training_reason, null::integer as n_series, null::integer as n_train_examples,
             null::float8 as fit_seconds, null::integer as backtest_windows, null::float8 as backtest_wape,
             null::float8 as backtest_bias, null::float8 as backtest_mase, null::float8 as backtest_coverage_p10_p90,
             null::float8 as backtest_wape_seasonal_naive, null::float8 as backtest_wape_moving_average,
             null::text as artifact_path, null::date as retired_on) as no_registry_yet
where false
{%- endif %}
