{#-
    Enrolled families against matched never-enrolled families (fct_comparison_families),
    side by side: the outcome measures of the matched pairs with their counts and 95%
    intervals - a mean +/- 1.96 standard errors where 30 or more families count (the
    normal approximation), a share with Wilson's interval. Associations, not effects:
    matching balances only the five covariates it uses.
-#}
with

families as (

    select * from {{ ref('fct_comparison_families') }}
    where report_month = '{{ report_month() }}'

),

referrals as (

    select * from {{ ref('fct_family_referrals') }}
    where report_month = '{{ report_month() }}'

),

outcomes as (

    select * from {{ ref('fct_family_outcomes') }}
    where report_month = '{{ report_month() }}'

),

matched as (

    select
        families.enrollment_group,
        case
            when referrals.months_after > 0
                then 1.0 * referrals.referrals_after / referrals.months_after
        end as rereferrals_per_month_after,
        case
            when referrals.months_after > 0
                then 1.0 * referrals.substantiated_after / referrals.months_after
        end as substantiated_per_month_after,
        1.0 * outcomes.placements as placements_per_case,
        1.0 * outcomes.longest_calworks_run_months as continuous_calworks_months,
        case when outcomes.is_reunified then 1.0 when not outcomes.is_reunified then 0.0 end
            as reunified
    from families
    inner join referrals
        on families.calworks_case_number = referrals.calworks_case_number
        and families.cws_case_id = referrals.cws_case_id
    inner join outcomes
        on families.calworks_case_number = outcomes.calworks_case_number
        and families.cws_case_id = outcomes.cws_case_id
    where families.is_matched

),

means as (

    {% set means = ['rereferrals_per_month_after', 'substantiated_per_month_after',
                    'placements_per_case', 'continuous_calworks_months'] %}
    {% for measure in means %}
        select
            enrollment_group,
            '{{ measure }}' as measure,
            {{ loop.index }} as measure_order,
            count({{ measure }}) as n,
            avg({{ measure }}) as estimate,
            stddev_samp({{ measure }}) / sqrt(count({{ measure }})) as standard_error,
            cast(null as {{ type_double() }}) as n_reunified
        from matched
        group by enrollment_group
        union all
    {% endfor %}
    select
        enrollment_group,
        'reunification_rate' as measure,
        {{ means | length + 1 }} as measure_order,
        count(reunified) as n,
        avg(reunified) as estimate,
        cast(null as {{ type_double() }}) as standard_error,
        sum(reunified) as n_reunified
    from matched
    group by enrollment_group

),

wilson as (

    {#- Wilson's interval for a share, z = 1.96: centre and half-width #}
    select
        *,
        case when n > 0 then (estimate + 1.9208 / n) / (1 + 3.8416 / n) end as centre,
        case
            when n > 0
                then 1.96 / (1 + 3.8416 / n)
                    * sqrt(estimate * (1 - estimate) / n + 0.9604 / (n * n))
        end as half_width
    from means

),

intervals as (

    select
        *,
        case
            when measure = 'reunification_rate' then centre - half_width
            {#- every mean measured is a count or a rate: never below 0 #}
            when n >= 30 then greatest(estimate - 1.96 * standard_error, 0)
        end as ci_low,
        case
            when measure = 'reunification_rate' then centre + half_width
            when n >= 30 then estimate + 1.96 * standard_error
        end as ci_high
    from wilson

),

group_sizes as (

    select
        enrollment_group,
        count(*) as n_families,
        sum(case when is_matched then 1 else 0 end) as n_matched
    from families
    group by enrollment_group

),

final as (

    select
        '{{ report_month() }}' as report_month,
        intervals.enrollment_group,
        intervals.measure,
        intervals.measure_order,
        {{ unless_small('intervals.n', 'intervals.n') }} as n,
        {% set shown = 'intervals.n_reunified is null or not (' ~ is_small('intervals.n_reunified')
            ~ ' or ' ~ is_small('intervals.n - intervals.n_reunified') ~ ')' %}
        case when {{ is_small('intervals.n') }} or not ({{ shown }}) then null
            else {{ round_double('intervals.estimate', 4) }}
        end as estimate,
        case when {{ is_small('intervals.n') }} or not ({{ shown }}) then null
            else {{ round_double('intervals.ci_low', 4) }}
        end as ci_low,
        case when {{ is_small('intervals.n') }} or not ({{ shown }}) then null
            else {{ round_double('intervals.ci_high', 4) }}
        end as ci_high,
        {{ unless_small('group_sizes.n_families', 'group_sizes.n_families') }} as n_families,
        {% set matched = 'group_sizes.n_matched' %}
        {{ unless_part_small(matched, 'group_sizes.n_families', matched) }} as n_matched,
        {{ is_small('intervals.n') }} as is_suppressed
    from intervals
    inner join group_sizes
        on intervals.enrollment_group = group_sizes.enrollment_group

)

select * from final
