{#-
    Mean monthly rate of re-referrals before vs after identification, for families
    with at least one re-referral since the case start (footnote 11: the referral that
    opened the case is not one); all, substantiated, unfounded, and inconclusive or
    pending; with
    and without referrals in the case-start month; reviewed families and the
    comparison group (listed, never reviewed), and ALL. Descriptive, not causal. A family
    counts in a window only when the window has at least one month.
-#}
with

families as (

    select * from {{ ref('fct_family_referrals') }}
    where report_month = '{{ report_month() }}'
        and has_rereferral

),

rates as (

    {% set combos = [] %}
    {% for measure in ['referrals', 'substantiated', 'unfounded', 'inconclusive_or_pending'] %}
        {% for variant in ['', '_excl_start_month'] %}
            {% for window in ['before', 'after'] %}
                {% for review_group in ['review_group', "'ALL'"] %}
                    {% do combos.append((measure, variant, window, review_group)) %}
                {% endfor %}
            {% endfor %}
        {% endfor %}
    {% endfor %}
    {% for measure, variant, window, review_group in combos %}
        select
            county_code,
            {{ review_group }} as review_group,
            '{{ measure }}' as measure,
            '{{ "excl_start_month" if variant else "all" }}' as variant,
            '{{ window }}' as time_window,
            count(*) as n_families,
            avg(1.0 * {{ measure }}_{{ window }}{{ variant }} / months_{{ window }})
                as mean_monthly_rate
        from families
        where months_{{ window }} > 0
        group by county_code{% if review_group == 'review_group' %}, review_group{% endif %}
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

flagged as (

    {#- the two review groups add up to ALL: complementary suppression between them -#}
    select
        *,
        {{ is_suppressed('county_code, measure, variant, time_window', 'n_families') }}
            as is_suppressed
    from rates
    where review_group <> 'ALL'
    union all
    select
        *,
        {{ is_small('n_families') }} as is_suppressed
    from rates
    where review_group = 'ALL'

)

select
    '{{ report_month() }}' as report_month,
    county_code,
    review_group,
    measure,
    variant,
    time_window,
    case when is_suppressed then null else n_families end as n_families,
    case
        when is_suppressed then null else {{ round_double('mean_monthly_rate', 4) }}
    end as mean_monthly_rate,
    is_suppressed
from flagged
