{#- Everyone taking part in an open CWS case (who is in the family: int_cws_case_members) -#}
with

open_cases as (

    select * from {{ ref('int_open_cws_cases') }}

),

members as (

    select * from {{ ref('int_cws_case_members') }}

),

final as (

    select
        members.case_id,
        members.client_id,
        members.role,
        members.is_named_on_case_plan,
        open_cases.plan_type

    from members
    inner join open_cases
        on members.case_id = open_cases.case_id

)

select * from final
