{#-
    The report's footnote 12: identified families with and without a re-referral after
    the case start (the referral that opened the case not counted), by county. The two
    add up to the shown total: both hidden when either is small.
-#}
with

families as (

    select * from {{ ref('fct_family_referrals') }}
    where report_month = '{{ report_month() }}'

),

counts as (

    select
        county_code,
        count(*) as n_families,
        sum(case when has_rereferral then 1 else 0 end) as n_with_rereferral
    from families
    group by county_code

)

select
    '{{ report_month() }}' as report_month,
    county_code,
    {{ unless_small('n_families', 'n_families') }} as n_families,
    {{ unless_part_small('n_with_rereferral', 'n_families', 'n_with_rereferral') }}
        as n_with_rereferral,
    {{ unless_part_small('n_with_rereferral', 'n_families', 'n_families - n_with_rereferral') }}
        as n_without_rereferral,
    {{ is_small('n_families') }} as is_suppressed
from counts
