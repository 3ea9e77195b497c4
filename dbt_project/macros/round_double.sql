{#- round(x, digits) of a double: PostgreSQL rounds to digits only numerics, so there
    it rounds x as numeric and gives a double back; elsewhere the plain round -#}
{% macro round_double(value, digits) -%}
    {{ return(adapter.dispatch('round_double')(value, digits)) }}
{%- endmacro %}

{% macro default__round_double(value, digits) -%}
    round({{ value }}, {{ digits }})
{%- endmacro %}

{% macro postgres__round_double(value, digits) -%}
    cast(round(cast({{ value }} as numeric), {{ digits }}) as double precision)
{%- endmacro %}
