{#- Recent referral: received on or after the first day of the month 11 months before the report month -#}
select
    referrals.referral_id,
    referrals.received_date,
    referrals.response_type,
    {{ is_open_referral('referrals') }} as is_open

from {{ ref('stg_cws__referrals') }} as referrals
where referrals.report_month = '{{ report_month() }}'
    and referrals.received_date >= {{ recent_from() }}
    and referrals.received_date <= {{ as_of_date() }}
