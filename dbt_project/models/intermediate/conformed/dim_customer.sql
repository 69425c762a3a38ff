-- Customer dimension (顧客): the current state of every registered customer, without personal data —
-- no name, kana, e-mail, phone, birth date or address; an age band and the prefecture only. The member
-- `UNKNOWN` stands for anonymous shoppers (walk-ins without a card, unlinked mall buyers).
with changes as (
    select * from {{ ref('stg_crm__customer_changes') }}
),

current_state as (
    select distinct on (customer_key) *
    from changes
    order by customer_key, business_date desc, case change_type when 'update' then 1 else 0 end desc
),

firsts as (
    select customer_key, min(first_seen_on) as first_seen_on
    from changes
    group by customer_key
),

mall_links as (
    select customer_key, count(distinct mall_location_id) as linked_malls
    from {{ ref('stg_crm__customer_links') }}
    group by customer_key
)

select
    cast(c.customer_key as text)                  as customer_key,
    cast(c.acquisition_channel as text)           as acquisition_channel,
    f.first_seen_on,
    cast(c.home_store_id as text)                 as home_store_id,
    cast(c.gender as text)                        as gender,
    cast(c.age_band as text)                      as age_band,
    cast(c.prefecture_code as text)               as prefecture_code,
    c.member_card_hash is not null                as has_member_card,
    c.ec_account_hash is not null                 as has_ec_account,
    cast(coalesce(m.linked_malls, 0) as integer)  as linked_malls,
    c.updated_on                                  as last_changed_on,
    false                                         as is_unknown
from current_state as c
inner join firsts as f on f.customer_key = c.customer_key
left join mall_links as m on m.customer_key = c.customer_key

union all

select 'UNKNOWN', 'unknown', null, null, null, null, null, false, false, 0, null, true
