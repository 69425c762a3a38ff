{#- A customer identifier as it appears in a channel (member card, EC account, mall buyer id) is replaced,
    already in staging, by a one-way hash namespaced by its kind, so the raw id never travels further.
    The namespace keeps a card number and an EC id that happen to share digits apart. -#}
{% macro identity_hash(kind, column) -%}
    case when nullif(trim({{ column }}), '') is not null
         then md5('{{ var("identity_hash_salt") }}' || ':' || {{ kind }} || ':' || trim({{ column }})) end
{%- endmacro %}
