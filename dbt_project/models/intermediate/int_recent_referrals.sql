{#- Recent referral: received on or after the first day of the month 11 months before the report month -#}
select
    referral_id,
    response_type,
    closure_date is null or closure_date > {{ as_of_date() }} as is_open

from {{ ref('stg_cws__referrals') }}
where report_month = '{{ var("report_month") }}'
    and received_date >= {{ recent_from() }}
    and received_date <= {{ as_of_date() }}
