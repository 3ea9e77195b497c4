{#-
    Every family (CalWORKs case, CWS case) listed up to the report month, as of that
    month: identified in the first month it appears on any list, on that month's first
    day unless a case review landed by then gives an earlier identified_date for the
    same CWS case. One row per family and report month: month M reads only months up
    to M, so a rerun or a backfill of M never sees a later month (CONTRACT.md §6).
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

final as (

    select
        '{{ report_month() }}' as report_month,
        families.calworks_case_number,
        families.cws_case_id,
        families.first_identified_month,
        case
            when
                reviews.reviewed_identified_date
                < {{ first_day_of('families.first_identified_month') }}
                then reviews.reviewed_identified_date
            else {{ first_day_of('families.first_identified_month') }}
        end as identified_date,
        families.last_listed_month,
        families.months_listed

    from families
    left join reviews
        on families.cws_case_id = reviews.cws_case_id

)

select * from final
