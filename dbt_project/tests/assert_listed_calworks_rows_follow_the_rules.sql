{#- shown in Dagster as a check of match_list_mutual_clients (it reads several lists) -#}
{{ config(meta={'dagster': {'ref': {'name': 'match_list_mutual_clients'}}}) }}
{#-
    Every row of the month's lists (CONTRACT.md §6), checked against staging, not the
    intermediate models the lists are built from: an open CalWORKs case (ACTIVE; the
    mutual client report also PENDING), a household member (member_status ACTIVE),
    and the role each list names. Returns the rows that break a rule.
-#}
{% set month = report_month() %}
with

listed as (

    {% for list, spec in var('match_lists').items() %}
        select
            '{{ list }}' as list,
            calworks_case_number,
            calworks_person_id,
            {% if spec.reasons %}
                reason
            {% else %}
                cast(null as {{ dbt.type_string() }}) as reason
            {% endif %}
        from {{ ref(list) }}
        where report_month = '{{ month }}'
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

checked as (

    select
        listed.*,
        cases.program_status,
        persons.member_status,
        persons.role,
        persons.aid_status

    from listed
    left join {{ ref('stg_calsaws__cases') }} as cases
        on listed.calworks_case_number = cases.case_number
        and cases.report_month = '{{ month }}'
    left join {{ ref('stg_calsaws__persons') }} as persons
        on listed.calworks_case_number = persons.case_number
        and listed.calworks_person_id = persons.person_id
        and persons.report_month = '{{ month }}'

)

select * from checked
where not (
        program_status = 'ACTIVE'
        or (list = 'match_list_mutual_clients' and program_status = 'PENDING')
    )
    or member_status is distinct from 'ACTIVE'
    or (list in ('match_list_homeless', 'match_list_sanction') and role is distinct from 'PARENT')
    or (reason = 'PARENT_ON_PLAN' and role is distinct from 'PARENT')
    or (
        reason = 'CARETAKER_OF_CHILD_IN_CW'
        and not (role = 'CARETAKER_RELATIVE' and aid_status in ('AIDED', 'NON_AIDED'))
    )
