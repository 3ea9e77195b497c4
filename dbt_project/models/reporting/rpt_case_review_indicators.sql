{#-
    The study's Table 3 by county: for each case-review indicator, the count and share of
    each answer among counted answers (unknown and blank excluded, and counted on
    their own row), the total, and the mean joint-monitoring contacts per month.
-#}
with

answers as (

    select * from {{ ref('fct_case_review_answers') }}
    where report_month = '{{ var("report_month") }}'

),

cells as (

    select
        county_code,
        indicator,
        answer,
        count(*) as n
    from answers
    where is_counted and indicator <> 'joint_monitoring_per_month'
    group by county_code, indicator, answer

),

totals as (

    select
        county_code,
        indicator,
        sum(case when is_counted then 1 else 0 end) as n_counted,
        sum(case when is_counted then 0 else 1 end) as n_excluded,
        avg(case when indicator = 'joint_monitoring_per_month' and is_counted
                then cast(answer as decimal(10, 2))
        end) as mean_value
    from answers
    group by county_code, indicator

),

flagged as (

    select
        cells.county_code,
        cells.indicator,
        cells.answer,
        cells.n,
        1.0 * cells.n / totals.n_counted as share,
        cast(null as decimal(10, 2)) as mean_value,
        {{ is_suppressed('cells.county_code, cells.indicator', 'cells.n') }} as is_suppressed
    from cells
    inner join totals
        on cells.county_code = totals.county_code and cells.indicator = totals.indicator
    union all
    select
        county_code,
        indicator,
        'TOTAL_COUNTED' as answer,
        n_counted as n,
        null as share,
        mean_value,
        {{ is_small('n_counted') }} as is_suppressed
    from totals
    union all
    select
        county_code,
        indicator,
        'EXCLUDED_UNKNOWN_OR_BLANK' as answer,
        n_excluded as n,
        null as share,
        null as mean_value,
        {{ is_small('n_excluded') }} as is_suppressed
    from totals

)

select
    '{{ var("report_month") }}' as report_month,
    county_code,
    indicator,
    answer,
    case when is_suppressed then null else n end as n,
    case when is_suppressed then null else round(share, 3) end as share,
    case when is_suppressed then null else round(mean_value, 2) end as mean_value,
    is_suppressed
from flagged
