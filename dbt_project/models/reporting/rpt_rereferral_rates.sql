{#-
    Mean monthly rate of re-referrals before vs after identification, for families
    with at least one re-referral since the case start (footnote 11: the referral that
    opened the case is not one); all, substantiated, unfounded, and inconclusive or
    pending; with
    and without referrals in the case-start month; reviewed families and the
    comparison group (listed, never reviewed). Descriptive, not causal. A family
    counts in a window only when the window has at least one month.
-#}
with

families as (

    select * from {{ ref('fct_family_referrals') }}
    where report_month = '{{ var("report_month") }}'
        and has_rereferral

),

rates as (

    {% set combos = [] %}
    {% for measure in ['referrals', 'substantiated', 'unfounded', 'inconclusive_or_pending'] %}
        {% for variant in ['', '_excl_start_month'] %}
            {% for window in ['before', 'after'] %}
                {% do combos.append((measure, variant, window)) %}
            {% endfor %}
        {% endfor %}
    {% endfor %}
    {% for measure, variant, window in combos %}
        select
            county_code,
            review_group,
            '{{ measure }}' as measure,
            '{{ "excl_start_month" if variant else "all" }}' as variant,
            '{{ window }}' as time_window,
            count(*) as n_families,
            avg(1.0 * {{ measure }}_{{ window }}{{ variant }} / months_{{ window }})
                as mean_monthly_rate
        from families
        where months_{{ window }} > 0
        group by county_code, review_group
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
)

select
    '{{ var("report_month") }}' as report_month,
    county_code,
    review_group,
    measure,
    variant,
    time_window,
    {{ unless_small('n_families', 'n_families') }} as n_families,
    {{ unless_small('n_families', 'round(mean_monthly_rate, 4)') }} as mean_monthly_rate,
    {{ is_small('n_families') }} as is_suppressed
from rates
