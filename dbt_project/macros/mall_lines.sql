{#- The columns every mall's staged order line ends with, in one place: dates from the booking and the
    original order, tax and net sales derived from the tax-inclusive line amount (malls deliver no tax
    column), then the mall's own extra columns and the lineage. `extra_columns`: names from `renamed`. -#}
{% macro mall_order_lines_select(extra_columns=[]) %}
select
    sales_line_id,
    order_id,
    order_status,
    is_return,
    location_id,
    sku_id,
    ordered_at,
    booked_at,
    {{ jst_date('booked_at') }}                               as sales_date,
    {{ jst_date('ordered_at') }}                              as original_order_date,
    quantity,
    unit_price_incl_tax_jpy,
    discount_incl_tax_jpy,
    sales_incl_tax_jpy,
    {{ tax_included_in('sales_incl_tax_jpy') }}               as tax_jpy,
    {{ excluding_tax('sales_incl_tax_jpy') }}                 as net_sales_jpy,
    {%- for col in extra_columns %}
    {{ col }},
    {%- endfor %}
    mall_buyer_hash,
    business_date,
    source_file,
    loaded_at
from renamed
{% endmacro %}
