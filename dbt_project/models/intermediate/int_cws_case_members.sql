{#-
    Who is in each CWS family (case) of the month's extract: every listed participant,
    and the case's focus child even when the extract does not list the child
    (docs/contract-decisions.md). The one place that decides it: the lists (through
    int_open_cws_case_participants) and the outcome measures read this model.
-#}
with

cases as (

    select * from {{ ref('stg_cws__cases') }}
    where report_month = '{{ report_month() }}'

),

participants as (

    select * from {{ ref('stg_cws__case_participants') }}
    where report_month = '{{ report_month() }}'

),

focus_children as (

    select
        case_id,
        focus_child_client_id as client_id,
        'FOCUS_CHILD' as role,
        true as is_named_on_case_plan

    from cases
    where focus_child_client_id is not null

),

members as (

    select
        case_id,
        client_id,
        role,
        is_named_on_case_plan
    from participants
    union all
    select focus_children.*
    from focus_children
    left join participants
        on focus_children.case_id = participants.case_id
        and focus_children.client_id = participants.client_id
    where participants.case_id is null

),

final as (

    select
        members.case_id,
        members.client_id,
        members.role,
        members.is_named_on_case_plan,
        -- the case's focus child, whatever role the extract gives the child
        (
            members.role = 'FOCUS_CHILD'
            or members.client_id = cases.focus_child_client_id
        ) as is_focus_child

    from members
    left join cases
        on members.case_id = cases.case_id

)

select * from final
