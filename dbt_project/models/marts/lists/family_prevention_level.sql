{#-
    Each ACTIVE or PENDING case: TERTIARY when a household member is linked to a
    participant of an open CWS case; else SECONDARY when linked to a victim or
    perpetrator of a recent referral not evaluated out; else PRIMARY.
-#}
with

cases as (

    select
        case_number,
        office_code
    from {{ ref('stg_calsaws__cases') }}
    where report_month = '{{ report_month() }}'
        and program_status in ('ACTIVE', 'PENDING')

),

members as (

    select * from {{ ref('int_household_members') }}

),

linked as (

    select
        members.case_number,
        links.cws_client_id
    from members
    inner join {{ ref('int_linked_persons') }} as links
        on members.person_id = links.calworks_person_id

),

tertiary as (

    select distinct linked.case_number
    from linked
    inner join {{ ref('int_open_cws_case_participants') }} as participants
        on linked.cws_client_id = participants.client_id

),

secondary as (

    select distinct linked.case_number
    from linked
    inner join {{ ref('int_recent_referral_people') }} as referral_people
        on linked.cws_client_id = referral_people.client_id

),

final as (

    select
        '{{ report_month() }}' as report_month,
        cases.case_number as calworks_case_number,
        case
            when tertiary.case_number is not null then 'TERTIARY'
            when secondary.case_number is not null then 'SECONDARY'
            else 'PRIMARY'
        end as prevention_level,
        cases.office_code

    from cases
    left join tertiary on cases.case_number = tertiary.case_number
    left join secondary on cases.case_number = secondary.case_number

)

select * from final
