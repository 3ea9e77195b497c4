{#-
    The case review tool (the study's Table 3) in long form: one row per reviewed
    case and indicator, with the answer in the category Table 3 counts (SOME and FULL
    collaboration as "at least some", needs-shared timeliness in day bands, the number
    of services in 0 / 1-5 / more) and whether it counts (unknown "U" and blank
    answers are excluded from shares and counted apart). `parent_indicator` and
    `parent_answer` name the answer a follow-up question is asked under (timeliness
    only where needs were shared); null = asked of every review. The latest review
    of each CWS case counts.
-#}
with

reviews as (

    select * from {{ ref('int_latest_case_reviews') }}

),

counties as (

    select
        case_number,
        county_code
    from {{ ref('stg_calsaws__cases') }}
    where report_month = '{{ report_month() }}'

),

answers as (

    {% set yes_no = [
        'needs_shared', 'objectives_in_plan', 'joint_monitoring', 'cftm_held',
        'calworks_services_recommended', 'cws_services_recommended', 'services_accessed',
    ] %}
    {% set levels = ['collab_eligibility', 'collab_needs', 'collab_objectives', 'collab_monitoring',
                     'collab_cftm', 'collab_services'] %}
    {% for column in yes_no %}
        select
            review_id,
            calworks_case_number,
            cws_case_id,
            '{{ column }}' as indicator,
            cast({{ column }} as {{ dbt.type_string() }}) as answer,
            cast(null as {{ dbt.type_string() }}) as parent_indicator
        from reviews
        union all

    {% endfor %}
    {% for column in levels %}
        select
            review_id,
            calworks_case_number,
            cws_case_id,
            '{{ column }}' as indicator,
            case
                when {{ column }} in ('SOME', 'FULL') then 'SOME_OR_FULL'
                else {{ column }}
            end as answer,
            cast(null as {{ dbt.type_string() }}) as parent_indicator
        from reviews
        union all

    {% endfor %}
    {# who attended, only where a CFTM was held: both agencies or not #}
    select
        review_id,
        calworks_case_number,
        cws_case_id,
        'cftm_attendance' as indicator,
        case
            when cftm_attendance = 'BOTH' then 'BOTH'
            when cftm_attendance in ('CWS_ONLY', 'CALWORKS_ONLY', 'NEITHER') then 'NOT_BOTH'
            else cftm_attendance
        end as answer,
        'cftm_held' as parent_indicator
    from reviews
    where cftm_held = 'Y'
    union all
    {# how fast needs were shared, among reviews that say they were; no date = not counted #}
    select
        review_id,
        calworks_case_number,
        cws_case_id,
        'needs_shared_timeliness' as indicator,
        case
            when needs_shared_date is null then null
            {% set days = dbt.datediff('identified_date', 'needs_shared_date', 'day') %}
            when {{ days }} <= 5 then 'DAYS_0_5'
            when {{ days }} <= 10 then 'DAYS_6_10'
            when {{ days }} <= 31 then 'DAYS_11_31'
            else 'DAYS_32_OR_MORE'
        end as answer,
        'needs_shared' as parent_indicator
    from reviews
    where needs_shared = 'Y'
    union all
    {# joint monitoring at least once a month, of every review with a rate (N has rate 0) #}
    select
        review_id,
        calworks_case_number,
        cws_case_id,
        'joint_monitoring_monthly' as indicator,
        case
            when joint_monitoring_per_month >= 1 then 'AT_LEAST_MONTHLY'
            when joint_monitoring_per_month >= 0 then 'LESS_THAN_MONTHLY'
        end as answer,
        cast(null as {{ dbt.type_string() }}) as parent_indicator
    from reviews
    union all
    {# the rate itself, where monitoring happened: RECORDED rows carry the value #}
    select
        review_id,
        calworks_case_number,
        cws_case_id,
        'joint_monitoring_per_month' as indicator,
        case when joint_monitoring_per_month is not null then 'RECORDED' end as answer,
        'joint_monitoring' as parent_indicator
    from reviews
    where joint_monitoring = 'Y'
    union all
    select
        review_id,
        calworks_case_number,
        cws_case_id,
        'services_recommended_count' as indicator,
        case
            when services_recommended_count = 0 then 'NONE'
            when services_recommended_count <= 5 then 'ONE_TO_FIVE'
            when services_recommended_count > 5 then 'MORE_THAN_FIVE'
        end as answer,
        cast(null as {{ dbt.type_string() }}) as parent_indicator
    from reviews

),

rates as (

    select
        review_id,
        joint_monitoring_per_month
    from reviews

),

final as (

    select
        '{{ report_month() }}' as report_month,
        answers.review_id,
        answers.calworks_case_number,
        answers.cws_case_id,
        coalesce(counties.county_code, 'UNKNOWN') as county_code,
        answers.indicator,
        answers.answer,
        answers.answer is not null and answers.answer <> 'U' as is_counted,
        answers.parent_indicator,
        case when answers.parent_indicator is not null then 'Y' end as parent_answer,
        case
            when answers.indicator = 'joint_monitoring_per_month'
                then rates.joint_monitoring_per_month
        end as answer_value

    from answers
    left join counties
        on answers.calworks_case_number = counties.case_number
    left join rates
        on answers.review_id = rates.review_id

)

select * from final
