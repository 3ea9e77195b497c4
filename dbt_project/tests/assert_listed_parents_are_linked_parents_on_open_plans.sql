{#- shown in Dagster as a check of match_list_homeless (it reads several lists) -#}
{{ config(meta={'dagster': {'ref': {'name': 'match_list_homeless'}}}) }}
{#-
    Homeless, sanction and PARENT_ON_PLAN mutual-case rows: the CalWORKs parent is
    linked this month to the CWS client, who is a parent (MOTHER, FATHER, PARENT) named
    on the plan of the row's CWS case; that case is open as of the month's last day
    and of a plan type the list allows (never PP). Homeless rows are on homeless cases;
    sanction rows have a sanction in effect on the month's last day.
-#}
{% set month = report_month() %}
with

listed as (

    {%- for list in parent_plan_types() %}
        select
            '{{ list }}' as list,
            calworks_case_number,
            calworks_person_id,
            cws_client_id,
            cws_case_id
        from {{ ref(list) }}
        where report_month = '{{ month }}'
            {%- if list == 'match_list_mutual_cases' %} and reason = 'PARENT_ON_PLAN'{% endif %}
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

checked as (

    select
        listed.list,
        listed.calworks_case_number,
        listed.calworks_person_id,
        listed.cws_client_id,
        listed.cws_case_id,
        links.cws_client_id is not null as is_linked,
        coalesce(
            participants.role in ('MOTHER', 'FATHER', 'PARENT')
            and participants.is_named_on_case_plan,
            false
        ) as is_parent_on_plan,
        coalesce({{ is_open_cws_case('cws_cases') }}, false) as is_open,
        cws_cases.plan_type,
        coalesce(cases.is_homeless, false) as is_homeless,
        exists(
            select 1 from {{ ref('stg_calsaws__wtw_statuses') }} as wtw
            where wtw.report_month = '{{ month }}'
                and wtw.person_id = listed.calworks_person_id
                and wtw.case_number = listed.calworks_case_number
                and wtw.wtw_status in ({{ sanction_statuses() }})
                and {{ is_status_in_effect('wtw') }}
        ) as has_sanction_in_effect

    from listed
    left join {{ ref('stg_linkage__person_links') }} as links
        on listed.calworks_person_id = links.calworks_person_id
        and listed.cws_client_id = links.cws_client_id
        and links.report_month = '{{ month }}'
    left join {{ ref('stg_cws__case_participants') }} as participants
        on listed.cws_case_id = participants.case_id
        and listed.cws_client_id = participants.client_id
        and participants.report_month = '{{ month }}'
    left join {{ ref('stg_cws__cases') }} as cws_cases
        on listed.cws_case_id = cws_cases.case_id
        and cws_cases.report_month = '{{ month }}'
    left join {{ ref('stg_calsaws__cases') }} as cases
        on listed.calworks_case_number = cases.case_number
        and cases.report_month = '{{ month }}'

)

select * from checked
where not is_linked
    or not is_parent_on_plan
    or not is_open
    or plan_type is null
    {% for list, plan_types in parent_plan_types().items() %}
        or (list = '{{ list }}' and plan_type not in ({{ quoted(plan_types) }}))
    {% endfor %}
    or (list = 'match_list_homeless' and not is_homeless)
    or (list = 'match_list_sanction' and not has_sanction_in_effect)
