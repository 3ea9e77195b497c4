{#-
    Small-cell suppression for published aggregates: a count of 1 to 10 is never shown,
    nor anything computed from it. Where cells add up to a total that is shown, a lone
    suppressed cell could be recovered by subtraction, so the smallest other non-zero
    cell of the same group is suppressed too (complementary suppression). A group
    whose other cells are all zero has a total that is itself small, hence hidden.
-#}

{#- var small_cell_max (default 10): tests set 0 to read the arithmetic, 1 to hand-check suppression -#}
{% macro is_small(count) -%}
    ({{ count }} between 1 and {{ var('small_cell_max', 10) }})
{%- endmacro %}

{#- true for a cell to hide, within the cells of `partition_by` that sum to a shown total -#}
{% macro is_suppressed(partition_by, count) -%}
    (
        {{ is_small(count) }}
        or (
            sum(case when {{ is_small(count) }} then 1 else 0 end) over (partition by {{ partition_by }}) = 1
            and row_number() over (
                partition by {{ partition_by }}
                order by case when {{ is_small(count) }} or {{ count }} = 0 then 1 else 0 end, {{ count }}
            ) = 1
            and {{ count }} > 0
        )
    )
{%- endmacro %}

{#- a value computed from `count` rows, or null when that count is small -#}
{% macro unless_small(count, value) -%}
    case when {{ is_small(count) }} then null else {{ value }} end
{%- endmacro %}

{#- a value computed from `part` of `whole` (and so from its complement), or null when any of the three is small -#}
{% macro unless_part_small(part, whole, value) -%}
    case when {{ is_small(part) }} or {{ is_small(whole ~ ' - ' ~ part) }} or {{ is_small(whole) }}
        then null else {{ value }} end
{%- endmacro %}
