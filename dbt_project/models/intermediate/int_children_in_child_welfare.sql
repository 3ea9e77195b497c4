{#-
    Child involved in Child Welfare: focus child of an open case (any plan type),
    or victim on a recent referral that is not closed (case_id null then).
-#}
with

focus as (

    select
        focus_child_client_id as client_id,
        case_id,
        plan_type

    from {{ ref('int_open_cws_cases') }}
    where focus_child_client_id is not null

),

open_recent_referrals as (

    select referral_id
    from {{ ref('int_recent_referrals') }}
    where is_open

),

victims as (

    select distinct
        allegations.victim_client_id as client_id,
        cast(null as {{ dbt.type_string() }}) as case_id,
        cast(null as {{ dbt.type_string() }}) as plan_type

    from {{ ref('stg_cws__allegations') }} as allegations
    inner join open_recent_referrals
        on allegations.referral_id = open_recent_referrals.referral_id
    where allegations.report_month = '{{ report_month() }}'

),

final as (

    select * from focus
    union all
    select * from victims

)

select * from final
