{#- Days from CWS case start to identification, by county and office (and county total) -#}
with

families as (

    select * from {{ ref('fct_identified_families') }}
    where report_month = '{{ report_month() }}'

),

by_office as (

    select
        county_code,
        office_code,
        count(*) as n_families,
        avg(days_to_identification) as mean_days,
        percentile_cont(0.5) within group (order by days_to_identification) as median_days
    from families
    group by county_code, office_code

),

by_county as (

    select
        county_code,
        'ALL' as office_code,
        count(*) as n_families,
        avg(days_to_identification) as mean_days,
        percentile_cont(0.5) within group (order by days_to_identification) as median_days
    from families
    group by county_code

),

flagged as (

    {#- offices add up to the county row: complementary suppression among them -#}
    select *, {{ is_suppressed('county_code', 'n_families') }} as is_suppressed from by_office
    union all
    select *, {{ is_small('n_families') }} as is_suppressed from by_county

)

select
    '{{ report_month() }}' as report_month,
    county_code,
    office_code,
    case when is_suppressed then null else n_families end as n_families,
    case when is_suppressed then null else round(mean_days, 1) end as mean_days,
    case when is_suppressed then null else median_days end as median_days,
    is_suppressed
from flagged
