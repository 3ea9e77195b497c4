{#-
    Placements per case, continuous CalWORKs participation after identification and
    reunification, by county: for all identified families and split by needs-shared
    timeliness and by joint-monitoring collaboration (families without the answer are
    left out of the split, not of ALL).
-#}
with

families as (

    select * from {{ ref('fct_family_outcomes') }}
    where report_month = '{{ report_month() }}'

),

splits as (

    {% set measures = 'placements, longest_calworks_run_months, is_reunified' %}
    select county_code, 'ALL' as split, 'ALL' as split_value, {{ measures }} from families
    union all
    select
        county_code,
        'needs_shared_timeliness' as split,
        needs_shared_timeliness as split_value,
        {{ measures }}
    from families
    where needs_shared_timeliness is not null
    union all
    select
        county_code,
        'joint_monitoring_collaboration' as split,
        joint_monitoring_collaboration as split_value,
        {{ measures }}
    from families
    where joint_monitoring_collaboration is not null

),

measures as (

    select
        county_code,
        split,
        split_value,
        count(*) as n_families,
        avg(1.0 * placements) as mean_placements,
        avg(1.0 * longest_calworks_run_months) as mean_longest_calworks_run_months,
        sum(case when is_reunified is not null then 1 else 0 end) as n_exited,
        sum(case when is_reunified then 1 else 0 end) as n_reunified
    from splits
    group by county_code, split, split_value

)

select
    '{{ report_month() }}' as report_month,
    county_code,
    split,
    split_value,
    {{ unless_small('n_families', 'n_families') }} as n_families,
    {{ unless_small('n_families', 'round(mean_placements, 2)') }} as mean_placements,
    {{ unless_small('n_families', 'round(mean_longest_calworks_run_months, 1)') }}
        as mean_longest_calworks_run_months,
    {{ unless_small('n_exited', 'n_exited') }} as n_exited,
    {#- reunified and not reunified add up to n_exited: hide both when either is small -#}
    
    {{ unless_part_small('n_reunified', 'n_exited', 'n_reunified') }} as n_reunified,
    {% set rate = 'round(1.0 * n_reunified / nullif(n_exited, 0), 3)' %}
    {{ unless_part_small('n_reunified', 'n_exited', rate) }}
        as reunification_rate,
    {{ is_small('n_families') }} as is_suppressed
from measures
