{#-
    The case review tool (the study's Table 3) in long form: one row per reviewed
    case and indicator, with the answer and whether it counts (unknown "U" and
    blank answers are excluded from shares and counted apart). The latest review of
    each CWS case counts.
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
    where report_month = '{{ var("report_month") }}'

),

answers as (

    {% set yes_no = [
        'needs_shared', 'objectives_in_plan', 'joint_monitoring', 'cftm_held',
        'calworks_services_recommended', 'cws_services_recommended', 'services_accessed',
    ] %}
    {% set levels = ['collab_eligibility', 'collab_needs', 'collab_objectives', 'collab_monitoring',
                     'collab_cftm', 'collab_services'] %}
    {% for column in yes_no + levels + ['cftm_attendance'] %}
        select
            review_id,
            calworks_case_number,
            cws_case_id,
            '{{ column }}' as indicator,
            cast({{ column }} as {{ dbt.type_string() }}) as answer
        from reviews
        {% if column == 'cftm_attendance' %}where cftm_held = 'Y'{% endif %}
        union all
    {% endfor %}
    {#- how fast needs were shared, among reviews that say they were (with a date) -#}
    select
        review_id,
        calworks_case_number,
        cws_case_id,
        'needs_shared_timeliness' as indicator,
        case
            when needs_shared_date is null then null
            {% set days = dbt.datediff('identified_date', 'needs_shared_date', 'day') %}
            when {{ days }} <= 5 then 'WITHIN_5_DAYS'
            when {{ days }} <= 10 then 'WITHIN_10_DAYS'
            when {{ days }} <= 31 then 'WITHIN_1_MONTH'
            else 'LATER'
        end as answer
    from reviews
    where needs_shared = 'Y'
    union all
    select
        review_id,
        calworks_case_number,
        cws_case_id,
        'joint_monitoring_per_month' as indicator,
        cast(joint_monitoring_per_month as {{ dbt.type_string() }}) as answer
    from reviews
    where joint_monitoring = 'Y'

),

final as (

    select
        '{{ var("report_month") }}' as report_month,
        answers.review_id,
        answers.calworks_case_number,
        answers.cws_case_id,
        coalesce(counties.county_code, 'UNKNOWN') as county_code,
        answers.indicator,
        answers.answer,
        answers.answer is not null and answers.answer <> 'U' as is_counted

    from answers
    left join counties
        on answers.calworks_case_number = counties.case_number

)

select * from final
