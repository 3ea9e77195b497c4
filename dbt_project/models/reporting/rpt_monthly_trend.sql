{#-
    The trend up to the report month: families (CalWORKs cases) on each list and
    CalWORKs cases at each prevention level, month by month. Levels add up to the
    month's cases: complementary suppression among them; lists overlap, so each is
    suppressed alone.
-#}
with

lists as (

    {% for name in var('match_lists') %}
        select
            report_month as list_month,
            'list' as series,
            '{{ name }}' as category,
            count(distinct calworks_case_number) as n
        from {{ ref(name) }}
        where report_month <= '{{ report_month() }}'
        group by report_month
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

levels as (

    select
        report_month as list_month,
        'prevention_level' as series,
        prevention_level as category,
        count(*) as n
    from {{ ref('family_prevention_level') }}
    where report_month <= '{{ report_month() }}'
    group by report_month, prevention_level

),

flagged as (

    select
        *,
        {{ is_small('n') }} as is_suppressed
    from lists
    union all
    select
        *,
        {{ is_suppressed('list_month', 'n') }} as is_suppressed
    from levels

)

select
    '{{ report_month() }}' as report_month,
    list_month,
    series,
    category,
    case when is_suppressed then null else n end as n,
    is_suppressed
from flagged
