-- Customer master deltas without personal data. Names, kana, e-mail, phone and birth year never leave raw:
-- the birth year becomes a ten-year age band, the member card and EC account ids one-way hashes.
with source as (
    select * from {{ source('crm', 'customers') }}
),

as_of as (
    select max(_business_date) as as_of_date from source
),

renamed as (
    select
        customer_key,
        change_type,
        {{ identity_hash("'card'", 'member_card_id') }}       as member_card_hash,
        {{ identity_hash("'ec'", 'ec_customer_id') }}         as ec_account_hash,
        acquisition_channel,
        {{ to_date('first_seen_on') }}                        as first_seen_on,
        nullif(home_store_code, '')                           as home_store_id,
        nullif(gender, '')                                    as gender,
        case
            when nullif(birth_year, '') is null then null
            when extract(year from as_of.as_of_date) - cast(birth_year as integer) < 20 then 'under 20'
            when extract(year from as_of.as_of_date) - cast(birth_year as integer) >= 70 then '70+'
            else cast(cast(floor((extract(year from as_of.as_of_date) - cast(birth_year as integer)) / 10) * 10
                           as integer) as text) || 's'
        end                                                   as age_band,
        nullif(prefecture_code, '')                           as prefecture_code,
        {{ to_date('updated_on') }}                           as updated_on,
        _business_date                                        as business_date,
        _loaded_at                                            as loaded_at
    from source
    cross join as_of
)

select * from renamed
