{#-
    The daily route beside the monthly one (#19), on the same families: those the daily
    route noticed, identified (as of the report month) with a CWS case. For each route
    its identification day -- the daily route's notice day; the day the monthly route
    listed the family (mutual_family_history.monthly_list_date) -- and from it the days
    from CWS case start and the days from both records existing (docs/measures.md).
-#}
with

families as (

    select * from {{ ref('fct_identified_families') }}
    where report_month = '{{ report_month() }}' and daily_notice_date is not null

),

routes as (

    select
        county_code,
        'DAILY' as route,
        case_start_date,
        both_records_date,
        daily_notice_date as identification_day
    from families
    union all
    select
        county_code,
        'MONTHLY' as route,
        case_start_date,
        both_records_date,
        monthly_list_date as identification_day
    from families

),

days as (

    select
        county_code,
        route,
        greatest({{ dbt.datediff('case_start_date', 'identification_day', 'day') }}, 0)
            as days_to_identification,
        greatest({{ dbt.datediff('both_records_date', 'identification_day', 'day') }}, 0)
            as days_from_both_records
    from routes

),

measured as (

    select
        county_code,
        route,
        count(*) as n_families,
        avg(days_to_identification) as mean_days_to_identification,
        percentile_cont(0.5) within group (order by days_to_identification)
            as median_days_to_identification,
        avg(days_from_both_records) as mean_days_from_both_records,
        percentile_cont(0.5) within group (order by days_from_both_records)
            as median_days_from_both_records,
        avg(case when days_from_both_records = 0 then 1.0 else 0.0 end)
            as share_same_day
    from days
    group by county_code, route

)

select
    '{{ report_month() }}' as report_month,
    county_code,
    route,
    {{ unless_small('n_families', 'n_families') }} as n_families,
    {{ unless_small('n_families', 'round(mean_days_to_identification, 1)') }}
        as mean_days_to_identification,
    {{ unless_small('n_families', 'median_days_to_identification') }}
        as median_days_to_identification,
    {{ unless_small('n_families', 'round(mean_days_from_both_records, 1)') }}
        as mean_days_from_both_records,
    {{ unless_small('n_families', 'median_days_from_both_records') }}
        as median_days_from_both_records,
    {{ unless_small('n_families', 'round(share_same_day, 4)') }} as share_same_day,
    {{ is_small('n_families') }} as is_suppressed
from measured
