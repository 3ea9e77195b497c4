{#- The month's substantiated allegations, with the date their referral was received -#}
select
    allegations.allegation_id,
    allegations.victim_client_id,
    allegations.allegation_type,
    referrals.received_date

from {{ ref('stg_cws__allegations') }} as allegations
inner join {{ ref('stg_cws__referrals') }} as referrals
    on allegations.referral_id = referrals.referral_id
    and allegations.report_month = referrals.report_month
where allegations.report_month = '{{ report_month() }}'
    and allegations.disposition = 'SUBSTANTIATED'
