{#-
    The study's Table 3 by county: for each case-review indicator, the count and share of
    each answer among counted answers, the answers counted (TOTAL_COUNTED), the unknown
    and blank ones (EXCLUDED_UNKNOWN_OR_BLANK), the cumulative needs-shared timeliness
    (WITHIN_5_DAYS, WITHIN_10_DAYS, WITHIN_1_MONTH) and the county's number of reviews
    (indicator `reviews`).

    Suppression has to hold against subtraction across indicators: every indicator's
    answers plus its excluded answers add up to a shown total (the county's reviews, or
    for a follow-up question the answer it was asked under), so
      - answers and excluded are one group: a lone hidden cell takes the group's
        smallest other non-zero cell with it (macros/suppression.sql);
      - TOTAL_COUNTED = total - excluded is hidden whenever excluded is, and excluded
        whenever TOTAL_COUNTED is small; shares (n / TOTAL_COUNTED) go with it;
      - a follow-up question is hidden whole when the answer it was asked under is;
      - a cumulative band is shown only when every band it adds up is.
    tests/dbt/test_table3.py tries every combination of subtractions on a report.
-#}
with

answers as (

    select * from {{ ref('fct_case_review_answers') }}
    where report_month = '{{ report_month() }}'

),

reviews as (

    select
        county_code,
        count(distinct review_id) as n
    from answers
    group by county_code

),

indicators as (

    select
        county_code,
        indicator,
        max(parent_indicator) as parent_indicator,
        max(parent_answer) as parent_answer,
        sum(case when is_counted then 1 else 0 end) as n_counted,
        avg(case when is_counted then answer_value end) as mean_value
    from answers
    group by county_code, indicator

),

counts as (

    select
        county_code,
        indicator,
        answer,
        count(*) as n
    from answers
    where is_counted
    group by county_code, indicator, answer

),

group_cells as (

    {#- every category a cell, zero or not: a missing row would say "0" even when hidden -#}
    select
        indicators.county_code,
        indicators.indicator,
        categories.answer,
        coalesce(counts.n, 0) as n
    from indicators
    inner join {{ ref('case_review_categories') }} as categories
        on indicators.indicator = categories.indicator
    left join counts
        on indicators.county_code = counts.county_code
        and indicators.indicator = counts.indicator
        and categories.answer = counts.answer
    union all
    select
        county_code,
        indicator,
        'EXCLUDED_UNKNOWN_OR_BLANK' as answer,
        sum(case when is_counted then 0 else 1 end) as n
    from answers
    group by county_code, indicator

),

in_group as (

    select
        *,
        {{ is_suppressed('county_code, indicator', 'n') }} as is_hidden_in_group
    from group_cells

),

indicator_state as (

    {#- whether the total an indicator adds up to is hidden, and so its excluded and counted -#}
    select
        indicators.county_code,
        indicators.indicator,
        indicators.parent_indicator,
        indicators.n_counted,
        indicators.mean_value,
        coalesce(parents.is_hidden_in_group, {{ is_small('reviews.n') }}) as is_parent_hidden,
        coalesce(parents.is_hidden_in_group, {{ is_small('reviews.n') }})
        or excluded.is_hidden_in_group
        or {{ is_small('indicators.n_counted') }} as is_counted_hidden

    from indicators
    inner join reviews
        on indicators.county_code = reviews.county_code
    inner join in_group as excluded
        on indicators.county_code = excluded.county_code
        and indicators.indicator = excluded.indicator
        and excluded.answer = 'EXCLUDED_UNKNOWN_OR_BLANK'
    left join in_group as parents
        on indicators.county_code = parents.county_code
        and indicators.parent_indicator = parents.indicator
        and indicators.parent_answer = parents.answer

),

cells as (

    select
        in_group.county_code,
        in_group.indicator,
        in_group.answer,
        in_group.n,
        in_group.is_hidden_in_group
        or state.is_parent_hidden
        or (in_group.answer = 'EXCLUDED_UNKNOWN_OR_BLANK' and state.is_counted_hidden) as is_hidden
    from in_group
    inner join indicator_state as state
        on in_group.county_code = state.county_code and in_group.indicator = state.indicator

),

bands as (

    select
        'DAYS_0_5' as answer,
        1 as band_rank
    union all
    select
        'DAYS_6_10' as answer,
        2 as band_rank
    union all
    select
        'DAYS_11_31' as answer,
        3 as band_rank

),

cumulative_bands as (

    select
        'WITHIN_5_DAYS' as answer,
        1 as up_to_rank
    union all
    select
        'WITHIN_10_DAYS' as answer,
        2 as up_to_rank
    union all
    select
        'WITHIN_1_MONTH' as answer,
        3 as up_to_rank

),

cumulative as (

    {#- a band with no answers has no cell: it adds 0 and hides nothing -#}
    select
        cells.county_code,
        cells.indicator,
        cumulative_bands.answer,
        sum(cells.n) as n,
        max(case when cells.is_hidden then 1 else 0 end) = 1 as is_hidden
    from cells
    inner join bands
        on cells.answer = bands.answer
    inner join cumulative_bands
        on bands.band_rank <= cumulative_bands.up_to_rank
    where cells.indicator = 'needs_shared_timeliness'
    group by cells.county_code, cells.indicator, cumulative_bands.answer

),

flagged as (

    select
        cells.county_code,
        cells.indicator,
        cells.answer,
        cells.n,
        case
            when cells.answer <> 'EXCLUDED_UNKNOWN_OR_BLANK' and not state.is_counted_hidden
                then 1.0 * cells.n / nullif(state.n_counted, 0)
        end as share,
        cast(null as {{ type_double() }}) as mean_value,
        cells.is_hidden
    from cells
    inner join indicator_state as state
        on cells.county_code = state.county_code and cells.indicator = state.indicator
    union all
    select
        cumulative.county_code,
        cumulative.indicator,
        cumulative.answer,
        cumulative.n,
        case
            when not state.is_counted_hidden then 1.0 * cumulative.n / nullif(state.n_counted, 0)
        end as share,
        cast(null as {{ type_double() }}) as mean_value,
        cumulative.is_hidden
    from cumulative
    inner join indicator_state as state
        on cumulative.county_code = state.county_code and cumulative.indicator = state.indicator
    union all
    select
        county_code,
        indicator,
        'TOTAL_COUNTED' as answer,
        n_counted as n,
        cast(null as {{ type_double() }}) as share,
        mean_value,
        is_counted_hidden as is_hidden
    from indicator_state
    union all
    select
        county_code,
        'reviews' as indicator,
        'TOTAL' as answer,
        n,
        cast(null as {{ type_double() }}) as share,
        cast(null as {{ type_double() }}) as mean_value,
        {{ is_small('n') }} as is_hidden
    from reviews

),

final as (

    select
        '{{ report_month() }}' as report_month,
        flagged.county_code,
        flagged.indicator,
        flagged.answer,
        case when flagged.is_hidden then null else flagged.n end as n,
        case
            when flagged.is_hidden then null else {{ round_double('flagged.share', 3) }}
        end as share,
        case
            when flagged.is_hidden then null else {{ round_double('flagged.mean_value', 2) }}
        end as mean_value,
        state.parent_indicator,
        flagged.is_hidden as is_suppressed
    from flagged
    left join indicator_state as state
        on flagged.county_code = state.county_code and flagged.indicator = state.indicator

)

select * from final
