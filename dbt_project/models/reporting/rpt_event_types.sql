{#- Substantiated allegation types and the report's placement groups of identified families, by county, with totals -#}
with

events as (

    select * from {{ ref('fct_family_events') }}
    where report_month = '{{ report_month() }}'

),

cells as (

    select
        county_code,
        event_type,
        detail_group as detail,
        count(*) as n
    from events
    group by county_code, event_type, detail_group

),

flagged as (

    select
        *,
        {{ is_suppressed('county_code, event_type', 'n') }} as is_suppressed
    from cells
    union all
    select
        county_code,
        event_type,
        'TOTAL' as detail,
        count(*) as n,
        {{ is_small('count(*)') }} as is_suppressed
    from events
    group by county_code, event_type

)

select
    '{{ report_month() }}' as report_month,
    county_code,
    event_type,
    detail,
    case when is_suppressed then null else n end as n,
    is_suppressed
from flagged
