-- Every customer identifier we can resolve, hashed: member cards and EC accounts from the customer master
-- history, mall buyer ids from the ID links. One row per identifier; if an identifier ever moved to another
-- customer, its latest owner wins.
with changes as (
    select * from {{ ref('stg_crm__customer_changes') }}
),

links as (
    select * from {{ ref('stg_crm__customer_links') }}
),

identifiers as (
    select member_card_hash as identity_hash, 'member_card' as identity_kind, customer_key, business_date
    from changes
    where member_card_hash is not null
    union all
    select ec_account_hash, 'ec_account', customer_key, business_date
    from changes
    where ec_account_hash is not null
    union all
    select mall_buyer_hash, 'mall_buyer:' || mall_location_id, customer_key, business_date
    from links
)

select distinct on (identity_hash)
    identity_hash,
    identity_kind,
    customer_key,
    business_date                                             as recorded_on
from identifiers
order by identity_hash, business_date desc, customer_key
