{#-
    The contract's "on the as-of date" rules (CONTRACT.md §6), each written once: the
    intermediate models select with them, the singular tests re-check the lists with
    them straight from staging. `t` is the alias of the table that holds the columns.
-#}

{#- open CWS case: started on or before the as-of date, not ended by it -#}
{% macro is_open_cws_case(t) -%}
    (
        {{ t }}.case_start_date <= {{ as_of_date() }}
        and ({{ t }}.case_end_date is null or {{ t }}.case_end_date > {{ as_of_date() }})
    )
{%- endmacro %}

{#- a referral not closed by the as-of date -#}
{% macro is_open_referral(t) -%}
    ({{ t }}.closure_date is null or {{ t }}.closure_date > {{ as_of_date() }})
{%- endmacro %}

{#- a Welfare-to-Work status in effect: begun by the as-of date, not ended before it -#}
{% macro is_status_in_effect(t) -%}
    (
        {{ t }}.status_begin_date <= {{ as_of_date() }}
        and ({{ t }}.status_end_date is null or {{ t }}.status_end_date >= {{ as_of_date() }})
    )
{%- endmacro %}
