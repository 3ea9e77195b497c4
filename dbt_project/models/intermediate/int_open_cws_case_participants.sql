{#- Everyone taking part in an open CWS case; the focus child always counts -#}
with

open_cases as (

    select * from {{ ref('int_open_cws_cases') }}

),

participants as (

    select * from {{ ref('stg_cws__case_participants') }}
    where report_month = '{{ var("report_month") }}'

),

listed as (

    select
        participants.case_id,
        participants.client_id,
        participants.role,
        participants.is_named_on_case_plan,
        open_cases.plan_type

    from participants
    inner join open_cases
        on participants.case_id = open_cases.case_id

),

focus_children as (

    select
        case_id,
        focus_child_client_id as client_id,
        'FOCUS_CHILD' as role,
        true as is_named_on_case_plan,
        plan_type

    from open_cases
    where focus_child_client_id is not null

),

final as (

    select * from listed
    union all
    select focus_children.*
    from focus_children
    left join listed
        on focus_children.case_id = listed.case_id
        and focus_children.client_id = listed.client_id
    where listed.case_id is null

)

select * from final
