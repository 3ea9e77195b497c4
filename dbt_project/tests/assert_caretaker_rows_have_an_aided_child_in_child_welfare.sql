{#- shown in Dagster as a check of match_list_mutual_cases (it reads several lists) -#}
{{ config(meta={'dagster': {'ref': {'name': 'match_list_mutual_cases'}}}) }}
{#-
    CARETAKER_OF_CHILD_IN_CW rows: an AIDED household-member CHILD of the same open
    case is linked this month to the row's CWS client, who is the focus child of the
    row's open CWS case -- or, when the row has no CWS case, a victim on a recent
    referral not closed by the month's last day (never a stale one).
-#}
{% set month = report_month() %}
with

caretaker_rows as (

    select * from {{ ref('match_list_mutual_cases') }}
    where report_month = '{{ month }}' and reason = 'CARETAKER_OF_CHILD_IN_CW'

),

checked as (

    select
        caretaker_rows.calworks_case_number,
        caretaker_rows.calworks_person_id,
        caretaker_rows.cws_client_id,
        caretaker_rows.cws_case_id,
        exists(
            select 1
            from {{ ref('stg_calsaws__persons') }} as child
            inner join {{ ref('stg_linkage__person_links') }} as links
                on child.person_id = links.calworks_person_id
                and links.report_month = '{{ month }}'
            where child.report_month = '{{ month }}'
                and child.case_number = caretaker_rows.calworks_case_number
                and child.role = 'CHILD'
                and child.aid_status = 'AIDED'
                and child.member_status = 'ACTIVE'
                and links.cws_client_id = caretaker_rows.cws_client_id
        ) as has_linked_aided_child,
        exists(
            select 1 from {{ ref('stg_cws__cases') }} as cws_cases
            where cws_cases.report_month = '{{ month }}'
                and cws_cases.case_id = caretaker_rows.cws_case_id
                and cws_cases.focus_child_client_id = caretaker_rows.cws_client_id
                and {{ is_open_cws_case('cws_cases') }}
        ) as is_focus_child_of_the_open_case,
        exists(
            select 1
            from {{ ref('stg_cws__referrals') }} as referrals
            inner join {{ ref('stg_cws__allegations') }} as allegations
                on referrals.referral_id = allegations.referral_id
                and allegations.report_month = '{{ month }}'
            where referrals.report_month = '{{ month }}'
                and allegations.victim_client_id = caretaker_rows.cws_client_id
                and referrals.received_date >= {{ recent_from() }}
                and {{ is_open_referral('referrals') }}
        ) as is_victim_on_a_recent_open_referral

    from caretaker_rows

)

select * from checked
where not has_linked_aided_child
    or (cws_case_id is not null and not is_focus_child_of_the_open_case)
    or (cws_case_id is null and not is_victim_on_a_recent_open_referral)
