{#- CFSR-style recurrence within 12 months, children in identified families vs all others -#}
with

children as (

    select * from {{ ref('fct_maltreatment_recurrence') }}
    where report_month = '{{ report_month() }}'

),

measures as (

    select
        case
            when is_in_identified_family then 'IDENTIFIED_FAMILIES'
            else 'OTHER_CHILDREN'
        end as population,
        count(*) as n_children,
        sum(case when has_recurrence then 1 else 0 end) as n_recurred
    from children
    group by 1

)

select
    '{{ report_month() }}' as report_month,
    population,
    {{ unless_small('n_children', 'n_children') }} as n_children,
    {{ unless_part_small('n_recurred', 'n_children', 'n_recurred') }} as n_recurred,
    {{ unless_part_small('n_recurred', 'n_children', 'round(1.0 * n_recurred / n_children, 3)') }}
        as recurrence_rate,
    {{ is_small('n_children') }} as is_suppressed
from measures
