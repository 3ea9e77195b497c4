{#-
    The daily route: what each record that can make a family mutual looks like as of
    the day, one row per record and member, for the next day's notices to compare
    against (daily_new_mutual_families): a CalWORKs case (its status, its ACTIVE
    household members), a CWS case (its plan type, its participants with role and
    whether named on the plan), a referral (that it exists).
-#}
with

calworks_cases as (

    select
        'CALWORKS_CASE' as record_type,
        cases.case_number as record_id,
        cases.program_status as record_state,
        persons.person_id as member

    from {{ ref('stg_calsaws__cases') }} as cases
    left join {{ ref('stg_calsaws__persons') }} as persons
        on cases.case_number = persons.case_number
        and cases.report_month = persons.report_month
        and persons.member_status = 'ACTIVE'
    where cases.report_month = '{{ report_month() }}'

),

cws_cases as (

    select
        'CWS_CASE' as record_type,
        cases.case_id as record_id,
        coalesce(cases.plan_type, '?') as record_state,
        participants.client_id || ':' || participants.role || ':'
        || case when participants.is_named_on_case_plan then 'Y' else 'N' end as member

    from {{ ref('stg_cws__cases') }} as cases
    left join {{ ref('stg_cws__case_participants') }} as participants
        on cases.case_id = participants.case_id
        and cases.report_month = participants.report_month
    where cases.report_month = '{{ report_month() }}'

),

referrals as (

    select
        'REFERRAL' as record_type,
        referral_id as record_id,
        'RECEIVED' as record_state,
        null as member

    from {{ ref('stg_cws__referrals') }}
    where report_month = '{{ report_month() }}'

)

select
    {{ as_of_date() }} as as_of_date,
    record_type,
    record_id,
    record_state,
    member
from (
    select * from calworks_cases
    union all
    select * from cws_cases
    union all
    select * from referrals
) as records
