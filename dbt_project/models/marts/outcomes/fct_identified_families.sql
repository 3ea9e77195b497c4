{#-
    One row per identified family with a CWS case (CalWORKs case, CWS case), as of the
    report month: when the case started, when the family was identified, and the
    calendar-month windows before and after identification that the outcome
    measures count in (docs/measures.md).
-#}
with

history as (

    select * from {{ ref('mutual_family_history') }}
    where report_month = '{{ report_month() }}' and cws_case_id is not null

),

cws_cases as (

    select * from {{ ref('stg_cws__cases') }}
    where report_month = '{{ report_month() }}'

),

calworks_cases as (

    select * from {{ ref('stg_calsaws__cases') }}
    where report_month = '{{ report_month() }}'

),

reviews as (

    select * from {{ ref('int_latest_case_reviews') }}

),

families as (

    select
        history.calworks_case_number,
        history.cws_case_id,
        calworks_cases.county_code,
        calworks_cases.office_code,
        cws_cases.case_start_date,
        cws_cases.case_end_date,
        history.identified_date,
        history.identified_by,
        history.daily_notice_date,
        history.monthly_list_date,
        -- both records exist: the later of the CalWORKs application and the CWS case start
        case
            when calworks_cases.application_date > cws_cases.case_start_date
                then calworks_cases.application_date
            else cws_cases.case_start_date
        end as both_records_date,
        cast({{ dbt.date_trunc('month', 'cws_cases.case_start_date') }} as date)
            as case_start_month,
        cast({{ dbt.date_trunc('month', 'history.identified_date') }} as date) as identified_month,
        -- observed up to the case end or the report month's end, whichever is first
        case
            when
                cws_cases.case_end_date is not null
                and cws_cases.case_end_date < {{ as_of_date() }}
                then cws_cases.case_end_date
            else {{ as_of_date() }}
        end as observed_until,
        reviews.review_id is not null as is_reviewed,
        reviews.needs_shared,
        reviews.needs_shared_date,
        reviews.collab_monitoring

    from history
    inner join cws_cases
        on history.cws_case_id = cws_cases.case_id
    left join calworks_cases
        on history.calworks_case_number = calworks_cases.case_number
    left join reviews
        on history.cws_case_id = reviews.cws_case_id

),

final as (

    select
        '{{ report_month() }}' as report_month,
        calworks_case_number,
        cws_case_id,
        coalesce(county_code, 'UNKNOWN') as county_code,
        coalesce(office_code, 'UNKNOWN') as office_code,
        case_start_date,
        case_end_date,
        identified_date,
        -- identified in the case-start month dates from the month's first day: 0 days, not fewer
        greatest({{ dbt.datediff('case_start_date', 'identified_date', 'day') }}, 0)
            as days_to_identification,
        identified_by,
        daily_notice_date,
        monthly_list_date,
        both_records_date,
        -- the monthly route's first-of-month date can precede the second record: 0, not fewer
        greatest({{ dbt.datediff('both_records_date', 'identified_date', 'day') }}, 0)
            as days_from_both_records,
        case_start_month,
        identified_month,
        cast({{ dbt.date_trunc('month', 'observed_until') }} as date) as observed_until_month,
        -- calendar months from the case-start month up to, not including, the identification month
        greatest({{ dbt.datediff('case_start_month', 'identified_month', 'month') }}, 0)
            as months_before,
        -- the identification month through the last observed month
        {% set observed_month = dbt.date_trunc('month', 'observed_until') %}
        greatest({{ dbt.datediff('identified_month', observed_month, 'month') }} + 1, 0)  -- noqa: LT05
            as months_after,
        is_reviewed,
        -- comparison group: listed, but no case review documents coordinated case planning
        case when is_reviewed then 'REVIEWED' else 'NOT_REVIEWED' end as review_group,
        case
            when needs_shared = 'Y' and needs_shared_date is not null
                then case
                        when {{ dbt.datediff('identified_date', 'needs_shared_date', 'day') }} <= 10  -- noqa: LT05
                            then 'WITHIN_10_DAYS'
                        else 'LATER'
                    end
        end as needs_shared_timeliness,
        case
            when collab_monitoring = 'NONE' then 'NONE'
            when collab_monitoring in ('SOME', 'FULL') then 'SOME_OR_FULL'
        end as joint_monitoring_collaboration

    from families

)

select * from final
