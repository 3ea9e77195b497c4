{#-
    The daily route (contract v2): every family on any of the four lists as of the
    day, kept day by day (the lists themselves hold only the latest day of their
    month). A family is a CalWORKs case with a CWS case, or, for a list row with no
    CWS case (a caretaker whose child is only on a recent open referral), with the
    earliest-received recent open referral naming that child as a victim.
-#}
with

listed as (

    {% for list in match_lists() %}
        select
            calworks_case_number,
            cws_case_id,
            cws_client_id,
            office_code
        from {{ ref(list) }}
        where report_month = '{{ report_month() }}'
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

victim_referrals as (

    select
        allegations.victim_client_id,
        referrals.referral_id,
        row_number() over (
            partition by allegations.victim_client_id
            order by referrals.received_date, referrals.referral_id
        ) as nth

    from {{ ref('int_recent_referrals') }} as referrals
    inner join {{ ref('stg_cws__allegations') }} as allegations
        on referrals.referral_id = allegations.referral_id
        and allegations.report_month = '{{ report_month() }}'
    where referrals.is_open

),

families as (

    select
        listed.calworks_case_number,
        listed.cws_case_id,
        case when listed.cws_case_id is null then victim_referrals.referral_id end
            as referral_id,
        min(listed.office_code) as office_code

    from listed
    left join victim_referrals
        on listed.cws_client_id = victim_referrals.victim_client_id
        and victim_referrals.nth = 1
    group by 1, 2, 3

)

select
    {{ as_of_date() }} as as_of_date,
    '{{ report_month() }}' as report_month,
    calworks_case_number,
    cws_case_id,
    referral_id,
    office_code
from families
