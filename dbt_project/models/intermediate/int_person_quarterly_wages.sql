{#- EDD wages of the month's CalWORKs persons, by quarter; the SSN is the join key only and stays here -#}
with

persons as (

    select distinct
        person_id,
        ssn
    from {{ source('raw', 'calworks_persons') }}
    where report_month = '{{ report_month() }}'
        and ssn is not null

),

wages as (

    select * from {{ ref('stg_calsaws__quarterly_wages') }}
    where report_month = '{{ report_month() }}'

),

final as (

    select
        persons.person_id,
        wages.quarter_start,
        sum(wages.wages) as wages

    from persons
    inner join wages
        on persons.ssn = wages.ssn
    group by persons.person_id, wages.quarter_start

)

select * from final
