{#- Mean quarterly wages of identified families' adults, 2 quarters before to 9 after identification -#}
with

wages as (

    select * from {{ ref('fct_family_wages') }}
    where report_month = '{{ report_month() }}'
        and is_observed

),

measures as (

    select
        county_code,
        quarter_offset,
        count(*) as n_families,
        avg(wages) as mean_wages,
        sum(case when wages > 0 then 1 else 0 end) as n_with_wages
    from wages
    group by county_code, quarter_offset

)

select
    '{{ report_month() }}' as report_month,
    county_code,
    quarter_offset,
    {{ unless_small('n_families', 'n_families') }} as n_families,
    {{ unless_small('n_families', 'round(mean_wages, 0)') }} as mean_wages,
    {% set share = 'round(1.0 * n_with_wages / n_families, 3)' %}
    {{ unless_part_small('n_with_wages', 'n_families', share) }}
        as share_with_wages,
    {{ is_small('n_families') }} as is_suppressed
from measures
