{{ config(tags=['decisions']) }}
-- The seasonal order list (シーズン品の発注リスト: don't overbuy, don't miss sales): the order list's seasonal rows.
select * from {{ ref('replenishment_order_list') }}
where item_type = 'seasonal'
