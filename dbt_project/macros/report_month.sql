{#-
    The report month's dates, from var('report_month') = 'YYYY-MM' (CONTRACT.md §6),
    written once (Python's twin: orchestration/lib/partitions.py).
-#}

{#- the first day of the month a YYYY-MM text expression names -#}
{% macro first_day_of(month_text) -%}
    cast({{ month_text }} || '-01' as date)
{%- endmacro %}

{#- the report month's first day -#}
{% macro month_start() -%}
    {{ first_day_of("'" ~ var("report_month") ~ "'") }}
{%- endmacro %}

{#- the as-of date: the month's last day -#}
{% macro as_of_date() -%}
    cast({{ dbt.dateadd("day", -1, dbt.dateadd("month", 1, month_start())) }} as date)
{%- endmacro %}

{#- recent referrals: received on or after the first day of the month 11 months before -#}
{% macro recent_from() -%}
    cast({{ dbt.dateadd("month", -11, month_start()) }} as date)
{%- endmacro %}
