{#-
    The comparison group (the report's recommendation 5): identified families enrolled in
    coordinated case planning (an opted-in enrollment by the report month's end) against
    identified families never enrolled, matched 1:1 exactly on county, plan type,
    prevention level in the identification month, months from case start to
    identification (0, 1-3, 4-6, 7-12, 13 or more) and re-referrals before identification
    (0, 1, 2 or more). Exact matching in SQL: every covariate is categorical (or banded),
    so exact strata are what nearest-neighbour matching would find, with no new
    dependency and the same result on every target. Within a stratum the k-th enrolled
    family (in a fixed hash order) is paired with the k-th never-enrolled one; the rest
    are unmatched. Without enrollment rows every family is NEVER_ENROLLED and none is
    matched.
-#}
with

families as (

    select * from {{ ref('fct_identified_families') }}
    where report_month = '{{ report_month() }}'

),

referrals as (

    select * from {{ ref('fct_family_referrals') }}
    where report_month = '{{ report_month() }}'

),

cws_cases as (

    select
        case_id,
        plan_type
    from {{ ref('stg_cws__cases') }}
    where report_month = '{{ report_month() }}'

),

levels as (

    select
        report_month,
        calworks_case_number,
        prevention_level
    from {{ ref('family_prevention_level') }}

),

enrollments as (

    select * from {{ ref('stg_linkages__enrollments') }}
    where report_month = '{{ report_month() }}'
        and opted_in = 'Y'
        and enrolled_date <= {{ as_of_date() }}

),

enrolled as (

    {#- by the CWS case, or by the CalWORKs case when enrolled at the referral stage -#}
    select distinct
        families.calworks_case_number,
        families.cws_case_id
    from families
    inner join enrollments
        on families.cws_case_id = enrollments.cws_case_id
        or (
            enrollments.cws_case_id is null
            and families.calworks_case_number = enrollments.calworks_case_number
        )

),

covariates as (

    select
        families.calworks_case_number,
        families.cws_case_id,
        families.county_code,
        coalesce(cws_cases.plan_type, 'UNKNOWN') as plan_type,
        coalesce(levels.prevention_level, 'UNKNOWN') as prevention_level,
        case
            when families.months_before = 0 then '0'
            when families.months_before <= 3 then '1-3'
            when families.months_before <= 6 then '4-6'
            when families.months_before <= 12 then '7-12'
            else '13+'
        end as months_to_identification_band,
        case
            when coalesce(referrals.referrals_before, 0) = 0 then '0'
            when referrals.referrals_before = 1 then '1'
            else '2+'
        end as rereferrals_before_band,
        case when enrolled.cws_case_id is not null then 'ENROLLED' else 'NEVER_ENROLLED' end
            as enrollment_group,
        {{ dbt.hash(dbt.concat(['families.calworks_case_number', "'|'", 'families.cws_case_id'])) }}
            as match_order

    from families
    left join cws_cases
        on families.cws_case_id = cws_cases.case_id
    left join levels
        on families.calworks_case_number = levels.calworks_case_number
        and substr(cast(families.identified_month as {{ dbt.type_string() }}), 1, 7)
        = levels.report_month
    left join referrals
        on families.calworks_case_number = referrals.calworks_case_number
        and families.cws_case_id = referrals.cws_case_id
    left join enrolled
        on families.calworks_case_number = enrolled.calworks_case_number
        and families.cws_case_id = enrolled.cws_case_id

),

ranked as (

    select
        *,
        {{ dbt.concat(['county_code', "'|'", 'plan_type', "'|'", 'prevention_level', "'|'",
                       'months_to_identification_band', "'|'", 'rereferrals_before_band']) }}
            as stratum,
        row_number() over (
            partition by
                county_code, plan_type, prevention_level, months_to_identification_band,
                rereferrals_before_band, enrollment_group
            order by match_order
        ) as match_rank
    from covariates

),

pairs as (

    select
        stratum,
        match_rank
    from ranked
    group by stratum, match_rank
    having count(distinct enrollment_group) = 2

),

final as (

    select
        '{{ report_month() }}' as report_month,
        ranked.calworks_case_number,
        ranked.cws_case_id,
        ranked.county_code,
        ranked.plan_type,
        ranked.prevention_level,
        ranked.months_to_identification_band,
        ranked.rereferrals_before_band,
        ranked.enrollment_group,
        ranked.stratum,
        pairs.stratum is not null as is_matched

    from ranked
    left join pairs
        on ranked.stratum = pairs.stratum
        and ranked.match_rank = pairs.match_rank

)

select * from final
