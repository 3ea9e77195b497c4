{#- County A's report: ACTIVE or PENDING case with a household member linked to any participant of an open CWS case -#}
with

matches as (

    select
        members.case_number as calworks_case_number,
        members.person_id as calworks_person_id,
        participants.client_id as cws_client_id,
        participants.case_id as cws_case_id,
        participants.plan_type,
        links.match_probability,
        members.office_code,
        links.link_basis

    from {{ ref('int_household_members') }} as members
    inner join {{ ref('int_linked_persons') }} as links
        on members.person_id = links.calworks_person_id
    inner join {{ ref('int_open_cws_case_participants') }} as participants
        on links.cws_client_id = participants.client_id
    where members.program_status in ('ACTIVE', 'PENDING')

),

final as (

    select
        '{{ report_month() }}' as report_month,
        *

    from ({{ one_row_per_key('matches') }}) as deduped

)

select * from final
