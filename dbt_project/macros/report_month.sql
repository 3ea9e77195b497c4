{#-
    The report month ('YYYY-MM', CONTRACT.md §6) and its dates, written once (Python's
    twin: orchestration/lib/partitions.py).
-#}

{#- The report month being built: --vars '{"report_month": "YYYY-MM"}' when given (by
    hand, and the tests), else LINKAGES_REPORT_MONTH, which Dagster sets. Read only when a
    node runs: a month read while dbt parses, or a --vars change, makes dbt parse the
    whole project again (~5 s a month); while parsing, any month will do. -#}
{% macro report_month() -%}
    {%- if execute -%}
        {{- var("report_month", none) or env_var("LINKAGES_REPORT_MONTH") -}}
    {%- else -%}
        {{- var("report_month", "1970-01") -}}
    {%- endif -%}
{%- endmacro %}

{#- the first day of the month a YYYY-MM text expression names -#}
{% macro first_day_of(month_text) -%}
    cast({{ month_text }} || '-01' as date)
{%- endmacro %}

{#- the report month's first day -#}
{% macro month_start() -%}
    {{ first_day_of("'" ~ report_month() ~ "'") }}
{%- endmacro %}

{#- the as-of date: the month's last day; on the daily route (contract v2) the day,
    LINKAGES_AS_OF_DATE, which Dagster sets for a day's run and must lie in the
    report month. A --vars month (by hand, the tests) is always as of its last day. -#}
{% macro as_of_date() -%}
    {%- set day = env_var("LINKAGES_AS_OF_DATE", "") if execute and var("report_month", none) is none else "" -%}
    {%- if day -%}
        {%- if day[:7] != report_month() -%}
            {{ exceptions.raise_compiler_error("LINKAGES_AS_OF_DATE " ~ day ~ " is not in the report month " ~ report_month()) }}
        {%- endif -%}
        cast('{{ day }}' as date)
    {%- else -%}
        cast({{ dbt.dateadd("day", -1, dbt.dateadd("month", 1, month_start())) }} as date)
    {%- endif -%}
{%- endmacro %}

{#- recent referrals: received on or after the first day of the month 11 months before -#}
{% macro recent_from() -%}
    cast({{ dbt.dateadd("month", -11, month_start()) }} as date)
{%- endmacro %}

{#- A data test's `where` names the month being built as __report_month__, replaced here
    as the test runs (dbt's documented override of get_where_subquery): a month read
    while dbt parses would make dbt parse those files again every month. -#}
{% macro get_where_subquery(relation) -%}
    {%- set where = config.get("where", "") -%}
    {%- if where -%}
        {%- set where = where | replace("__report_month__", report_month()) -%}
        {%- do return("(select * from " ~ relation ~ " where " ~ where ~ ") dbt_subquery") -%}
    {%- endif -%}
    {%- do return(relation) -%}
{%- endmacro %}
