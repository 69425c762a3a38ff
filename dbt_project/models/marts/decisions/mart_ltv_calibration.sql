{{ config(tags=['decisions']) }}
-- Is the customer model right? (モデル検証: キャリブレーション期間とホールドアウト期間) Per as-of date, BG/NBD refitted on
-- the history up to the calibration end predicts each customer's purchases in the hold-out weeks after it; one row
-- per group of customers by their repeat purchases in the calibration period (0, 1, …, 7+) with the mean actual,
-- predicted and naive purchases in the hold-out: the calibration plot's data. The run's headline figures
-- (total relative error of the model and of the naive rule, WAPE over the buckets, per-customer MAE) repeat on
-- every row of the as-of date.
select
    cast(as_of_date as date)                                  as as_of_date,
    cast(frequency_bucket as text)                            as frequency_bucket,
    cast(frequency_min as integer)                            as frequency_min,
    cast(customers as integer)                                as customers,
    cast(actual_holdout_purchases as numeric(12, 4))          as actual_holdout_purchases,
    cast(predicted_holdout_purchases as numeric(12, 4))       as predicted_holdout_purchases,
    cast(naive_holdout_purchases as numeric(12, 4))           as naive_holdout_purchases,
    cast(calibration_end_date as date)                        as calibration_end_date,
    cast(holdout_end_date as date)                            as holdout_end_date,
    cast(holdout_weeks as integer)                            as holdout_weeks,
    cast(customers_evaluated as integer)                      as customers_evaluated,
    cast(actual_holdout_total as numeric(14, 2))              as actual_holdout_total,
    cast(predicted_holdout_total as numeric(14, 2))           as predicted_holdout_total,
    cast(total_relative_error as numeric(10, 4))              as total_relative_error,
    cast(naive_total_relative_error as numeric(10, 4))        as naive_total_relative_error,
    cast(bucket_wape as numeric(10, 4))                       as bucket_wape,
    cast(customer_mae as numeric(10, 4))                      as customer_mae,
    cast(naive_customer_mae as numeric(10, 4))                as naive_customer_mae
from {{ source('models', 'ltv_calibration') }}
