{#- Household members (member_status ACTIVE) of the month, with their case -#}
with

persons as (

    select * from {{ ref('stg_calsaws__persons') }}
    where report_month = '{{ report_month() }}'

),

cases as (

    select * from {{ ref('stg_calsaws__cases') }}
    where report_month = '{{ report_month() }}'

),

final as (

    select
        persons.report_month,
        persons.case_number,
        persons.person_id,
        persons.role,
        persons.aid_status,
        cases.program_status,
        cases.is_homeless,
        cases.office_code

    from persons
    inner join cases
        on persons.case_number = cases.case_number
    where persons.member_status = 'ACTIVE'

)

select * from final
