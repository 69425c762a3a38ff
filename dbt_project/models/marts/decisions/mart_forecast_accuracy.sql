{{ config(tags=['decisions']) }}
-- Forecast accuracy of every run's backtest (予測精度): the model against a seasonal-naive baseline.
select
    cast(as_of_date as date)                                  as as_of_date,
    cast(model as text)                                       as model,
    cast(cutoff_date as date)                                 as cutoff_date,
    cast(horizon_days as integer)                             as horizon_days,
    cast(series as integer)                                   as series,
    cast(actual_units as numeric(16, 2))                      as actual_units,
    cast(wape as numeric(10, 4))                              as wape,
    cast(bias as numeric(10, 4))                              as bias,
    cast(p10_p90_coverage as numeric(6, 4))                   as p10_p90_coverage
from {{ source('models', 'forecast_accuracy') }}
