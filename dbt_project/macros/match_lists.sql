{#- The four match lists are named once, in dbt_project.yml (vars: match_lists). -#}

{#- the lists' tables, in order -#}
{% macro match_lists() -%}
    {{ return(var('match_lists').keys() | list) }}
{%- endmacro %}

{#- the lists with parents on plan, and the plan types each allows -#}
{% macro parent_plan_types() -%}
    {%- set types = {} -%}
    {%- for name, spec in var('match_lists').items() if spec.parent_plan_types -%}
        {%- do types.update({name: spec.parent_plan_types}) -%}
    {%- endfor -%}
    {{ return(types) }}
{%- endmacro %}

{#- values as a list of SQL text literals: 'A', 'B' -#}
{% macro quoted(values) -%}
    '{{ values | join("', '") }}'
{%- endmacro %}

{#- the statuses that impose a sanction (seed wtw_statuses, is_sanction) -#}
{% macro sanction_statuses() -%}
    select wtw_status from {{ ref('wtw_statuses') }} where is_sanction
{%- endmacro %}
