-- Calendar (日付): every day from the first sales day to a year past the last business date, with
-- Japanese public holidays (祝日, from the Holidays Act: seeds/jp_public_holidays.csv) and weekday labels.
with bounds as (
    select
        -- three calendar years before the first sale (customers' first-seen dates, comparable periods)
        cast(date_trunc('year', coalesce(min(sales_date), current_date)) - interval '3 years' as date) as first_day,
        coalesce(max(sales_date), current_date) + 400                                                as last_day
    from {{ ref('int_sales_lines') }}
),

days as (
    select cast(d as date) as date_day
    from bounds
    cross join lateral generate_series(first_day, last_day, interval '1 day') as d
),

holidays as (
    select cast(holiday_date as date) as holiday_date, holiday_ja, holiday_en
    from {{ ref('jp_public_holidays') }}
)

select
    days.date_day,
    cast(extract(year from days.date_day) as integer)                         as year,
    cast(extract(quarter from days.date_day) as integer)                      as quarter,
    cast(extract(month from days.date_day) as integer)                        as month,
    cast(extract(day from days.date_day) as integer)                          as day_of_month,
    cast(extract(isodow from days.date_day) as integer)                       as iso_day_of_week,
    cast(extract(week from days.date_day) as integer)                         as iso_week,
    cast(date_trunc('week', days.date_day) as date)                           as week_start,
    cast(date_trunc('month', days.date_day) as date)                          as month_start,
    cast((array['月', '火', '水', '木', '金', '土', '日'])[extract(isodow from days.date_day)] as text) as weekday_ja,
    cast(to_char(days.date_day, 'Dy') as text)                                as weekday_en,
    extract(isodow from days.date_day) in (6, 7)                              as is_weekend,
    holidays.holiday_date is not null                                         as is_jp_holiday,
    extract(isodow from days.date_day) in (6, 7) or holidays.holiday_date is not null as is_day_off,
    cast(holidays.holiday_ja as text)                                         as holiday_ja,
    cast(holidays.holiday_en as text)                                         as holiday_en
from days
left join holidays on holidays.holiday_date = days.date_day
