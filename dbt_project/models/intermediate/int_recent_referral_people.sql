{#- Victims and perpetrators of recent referrals, open or closed, not evaluated out -#}
with

recent as (

    select referral_id
    from {{ ref('int_recent_referrals') }}
    where response_type <> 'EVALUATED_OUT'

),

allegations as (

    select allegations.*
    from {{ ref('stg_cws__allegations') }} as allegations
    inner join recent
        on allegations.referral_id = recent.referral_id
    where allegations.report_month = '{{ report_month() }}'

),

final as (

    select victim_client_id as client_id from allegations
    union
    select perpetrator_client_id from allegations
    where perpetrator_client_id is not null

)

select * from final
