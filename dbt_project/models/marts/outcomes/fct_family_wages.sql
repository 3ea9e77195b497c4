{#-
    Quarterly EDD wages of each identified family's adults (PARENT and
    CARETAKER_RELATIVE members of the CalWORKs case with an SSN), from 2 quarters
    before to 9 quarters after the identification quarter. A quarter that has ended by
    the as-of date and has no wage record counts as 0 (no covered earnings); a quarter
    that has not ended yet has null wages and is_observed false.
-#}
with

families as (

    select * from {{ ref('fct_identified_families') }}
    where report_month = '{{ report_month() }}'

),

offsets as (

    {% for offset in range(-2, 10) %}
        select {{ offset }} as quarter_offset {% if not loop.last %}
            union all{% endif %}
    {% endfor %}

),

adults as (

    select distinct
        case_number,
        person_id
    from {{ ref('stg_calsaws__persons') }}
    where report_month = '{{ report_month() }}'
        and role in ('PARENT', 'CARETAKER_RELATIVE')

),

family_quarters as (

    select
        families.calworks_case_number,
        families.cws_case_id,
        families.county_code,
        offsets.quarter_offset,
        {% set identified_quarter = dbt.date_trunc('quarter', 'families.identified_date') %}
        cast({{ dbt.dateadd('month', 'offsets.quarter_offset * 3', identified_quarter) }} as date)
            as quarter_start

    from families
    cross join offsets

),

family_wages as (

    select
        family_quarters.calworks_case_number,
        family_quarters.cws_case_id,
        family_quarters.quarter_start,
        sum(wages.wages) as wages

    from family_quarters
    inner join adults
        on family_quarters.calworks_case_number = adults.case_number
    inner join {{ ref('int_person_quarterly_wages') }} as wages
        on adults.person_id = wages.person_id
        and family_quarters.quarter_start = wages.quarter_start
    group by
        family_quarters.calworks_case_number,
        family_quarters.cws_case_id,
        family_quarters.quarter_start

),

final as (

    select
        '{{ report_month() }}' as report_month,
        family_quarters.calworks_case_number,
        family_quarters.cws_case_id,
        family_quarters.county_code,
        family_quarters.quarter_offset,
        family_quarters.quarter_start,
        {% set quarter_ended = dbt.dateadd('month', 3, 'family_quarters.quarter_start')
            ~ ' <= ' ~ dbt.dateadd('day', 1, as_of_date()) %}
        {{ quarter_ended }} as is_observed,
        case
            when {{ quarter_ended }} then coalesce(family_wages.wages, 0)
        end as wages

    from family_quarters
    left join family_wages
        on family_quarters.calworks_case_number = family_wages.calworks_case_number
        and family_quarters.cws_case_id = family_wages.cws_case_id
        and family_quarters.quarter_start = family_wages.quarter_start

)

select * from final
