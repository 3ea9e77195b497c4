{#-
    Every family (CalWORKs case, CWS case) listed up to the report month, as of that
    month: identified in the first month it appears on any list. Its identified_date:
    the day the daily route noticed it (raw.daily_notices, #19: its first notice up to
    the end of that month), else that month's first day (the monthly route's date);
    a case review landed by then with an earlier identified_date for the same CWS case
    wins over either (identified_by says which). monthly_list_date: the day the
    monthly route put it on a list (var monthly_list_day of the month after), the
    monthly route's own date in the daily-vs-monthly comparison. One row per family
    and report month: month M reads only months up to M, so a rerun or a backfill of
    M never sees a later month (CONTRACT.md §6).
-#}
with

listed as (

    {% for list in match_lists() %}
        select
            report_month,
            calworks_case_number,
            cws_case_id
        from {{ ref(list) }}
        where report_month <= '{{ report_month() }}'
        {% if not loop.last %}union{% endif %}
    {% endfor %}

),

families as (

    select
        calworks_case_number,
        cws_case_id,
        min(report_month) as first_identified_month,
        max(report_month) as last_listed_month,
        count(distinct report_month) as months_listed

    from listed
    group by calworks_case_number, cws_case_id

),

reviews as (

    select
        cws_case_id,
        min(identified_date) as reviewed_identified_date
    from {{ source('raw', 'case_reviews') }}
    where cws_case_id is not null
        and report_month <= '{{ report_month() }}'
    group by cws_case_id

),

notices as (

    select
        families.calworks_case_number,
        families.cws_case_id,
        min(daily_notices.as_of_date) as daily_notice_date
    from families
    inner join {{ source('raw', 'daily_notices') }} as daily_notices
        on families.calworks_case_number = daily_notices.calworks_case_number
        and families.cws_case_id is not distinct from daily_notices.cws_case_id
    -- a notice after the first month is the family coming back, not its identification
    where daily_notices.report_month <= families.first_identified_month
    group by families.calworks_case_number, families.cws_case_id

),

dated as (

    select
        families.*,
        notices.daily_notice_date,
        reviews.reviewed_identified_date,
        coalesce(
            notices.daily_notice_date, {{ first_day_of('families.first_identified_month') }}
        ) as route_identified_date
    from families
    left join notices
        on families.calworks_case_number = notices.calworks_case_number
        and families.cws_case_id is not distinct from notices.cws_case_id
    left join reviews
        on families.cws_case_id = reviews.cws_case_id

),

final as (

    select
        '{{ report_month() }}' as report_month,
        calworks_case_number,
        cws_case_id,
        first_identified_month,
        case
            when reviewed_identified_date < route_identified_date
                then reviewed_identified_date
            else route_identified_date
        end as identified_date,
        case
            when reviewed_identified_date < route_identified_date then 'CASE_REVIEW'
            when daily_notice_date is not null then 'DAILY_NOTICE'
            else 'MONTHLY_LIST'
        end as identified_by,
        daily_notice_date,
        cast(
            {{ dbt.dateadd('day', var('monthly_list_day') - 1,
                dbt.dateadd('month', 1, first_day_of('first_identified_month'))) }}
            as date
        ) as monthly_list_date,
        last_listed_month,
        months_listed

    from dated

)

select * from final
