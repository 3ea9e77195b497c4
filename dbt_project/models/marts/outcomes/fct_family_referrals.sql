{#-
    Re-referrals of each identified family: referrals received from the CWS case's
    start to the end of observation that name a participant of the case as victim or
    perpetrator, counted in the months before and from identification; all and
    substantiated (any allegation of the referral substantiated); and the variant
    that leaves out referrals received in the case-start month.
-#}
with

families as (

    select * from {{ ref('fct_identified_families') }}
    where report_month = '{{ var("report_month") }}'

),

participants as (

    select distinct
        case_id,
        client_id
    from {{ ref('int_cws_case_members') }}

),

allegations as (

    select * from {{ ref('stg_cws__allegations') }}
    where report_month = '{{ var("report_month") }}'

),

referrals as (

    select
        referrals.referral_id,
        referrals.received_date,
        max(
            case when allegations.disposition = 'SUBSTANTIATED' then 1 else 0 end
        ) as is_substantiated

    from {{ ref('stg_cws__referrals') }} as referrals
    left join allegations
        on referrals.referral_id = allegations.referral_id
    where referrals.report_month = '{{ var("report_month") }}'
    group by referrals.referral_id, referrals.received_date

),

referral_people as (

    select
        referral_id,
        victim_client_id as client_id
    from allegations
    union
    select
        referral_id,
        perpetrator_client_id as client_id
    from allegations
    where perpetrator_client_id is not null

),

family_referrals as (

    select distinct
        families.calworks_case_number,
        families.cws_case_id,
        referrals.referral_id,
        referrals.is_substantiated,
        cast({{ dbt.date_trunc('month', 'referrals.received_date') }} as date) as received_month,
        families.case_start_month,
        families.identified_month

    from families
    inner join participants
        on families.cws_case_id = participants.case_id
    inner join referral_people
        on participants.client_id = referral_people.client_id
    inner join referrals
        on referral_people.referral_id = referrals.referral_id
    where referrals.received_date >= families.case_start_date
        and referrals.received_date <= {{ as_of_date() }}
        and (families.case_end_date is null or referrals.received_date <= families.case_end_date)

),

counts as (

    select
        calworks_case_number,
        cws_case_id,
        count(*) as referrals_total,
        sum(case when received_month < identified_month then 1 else 0 end) as referrals_before,
        sum(case when received_month >= identified_month then 1 else 0 end) as referrals_after,
        sum(case when received_month < identified_month then is_substantiated else 0 end)
            as substantiated_before,
        sum(case when received_month >= identified_month then is_substantiated else 0 end)
            as substantiated_after,
        sum(case when received_month < identified_month and received_month > case_start_month
                then 1
            else 0
        end) as referrals_before_excl_start_month,
        sum(case when received_month >= identified_month and received_month > case_start_month
                then 1
            else 0
        end) as referrals_after_excl_start_month,
        sum(case when received_month < identified_month and received_month > case_start_month
                then is_substantiated
            else 0
        end) as substantiated_before_excl_start_month,
        sum(case when received_month >= identified_month and received_month > case_start_month
                then is_substantiated
            else 0
        end) as substantiated_after_excl_start_month

    from family_referrals
    group by calworks_case_number, cws_case_id

),

final as (

    select
        families.report_month,
        families.calworks_case_number,
        families.cws_case_id,
        families.county_code,
        families.review_group,
        families.months_before,
        families.months_after,
        coalesce(counts.referrals_total, 0) as referrals_total,
        coalesce(counts.referrals_total, 0) > 1 as has_more_than_one_referral,
        {% for measure in ['referrals', 'substantiated'] %}
            {% for window in ['before', 'after'] %}
                {% for variant in ['', '_excl_start_month'] %}
                    {% set name = measure ~ '_' ~ window ~ variant %}
                    coalesce(counts.{{ name }}, 0) as {{ name }},
                {% endfor %}
            {% endfor %}
        {% endfor %}
        families.identified_month

    from families
    left join counts
        on families.calworks_case_number = counts.calworks_case_number
        and families.cws_case_id = counts.cws_case_id

)

select * from final
