{{ config(tags=['decisions']) }}
-- The staple order list (定番品の発注リスト: never run out): the order list's rows of items not bought as seasonal.
select * from {{ ref('replenishment_order_list') }}
where coalesce(item_type, 'staple') <> 'seasonal'
