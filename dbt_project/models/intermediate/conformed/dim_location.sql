-- Location dimension (拠点マスタ): stores, the EC warehouse and the mall stock points, plus `UNKNOWN`.
select
    cast(location_id as text)                     as location_id,
    cast(location_name as text)                   as location_label,
    cast(channel as text)                         as channel,
    cast(region as text)                          as region,
    cast(prefecture_code as text)                 as prefecture_code,
    cast(size_class as text)                      as size_class,
    opened_on,
    false                                         as is_unknown
from {{ ref('stg_erp__locations') }}

union all

select 'UNKNOWN', '(unknown)', 'unknown', null, null, null, null, true
