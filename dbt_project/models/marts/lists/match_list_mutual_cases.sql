{#-
    Mutual cases: (a) a household PARENT linked to a parent on plan of an open
    case of a plan type the list allows (CFM, VFM, CFR, VFR, ER: dbt_project.yml,
    match_lists); (b) a household CARETAKER_RELATIVE sharing the case with an AIDED
    household CHILD linked to a child involved in Child Welfare,
    one row per open case the child is the focus of, no case only when the child
    has none but a recent open referral.
-#}
with

parents as (

    select
        calworks_case_number,
        calworks_person_id,
        cws_client_id,
        cws_case_id,
        plan_type,
        match_probability,
        office_code,
        link_basis,
        'PARENT_ON_PLAN' as reason

    from ({{ parent_on_plan_rows(this.name) }}) as p

),

members as (

    select * from {{ ref('int_household_members') }}
    where program_status = 'ACTIVE'

),

linked_children as (

    select
        members.case_number,
        members.person_id,
        in_cw.client_id as cws_client_id,
        in_cw.case_id as cws_case_id,
        in_cw.plan_type,
        links.match_probability,
        links.link_basis

    from members
    inner join {{ ref('int_linked_persons') }} as links
        on members.person_id = links.calworks_person_id
    inner join {{ ref('int_children_in_child_welfare') }} as in_cw
        on links.cws_client_id = in_cw.client_id
    where members.role = 'CHILD'
        and members.aid_status = 'AIDED'

),

children_with_case as (

    select distinct
        case_number,
        person_id
    from linked_children
    where cws_case_id is not null

),

child_rows as (

    select linked_children.*
    from linked_children
    left join children_with_case
        on linked_children.case_number = children_with_case.case_number
        and linked_children.person_id = children_with_case.person_id
    where linked_children.cws_case_id is not null
        or children_with_case.person_id is null

),

caretakers as (

    select
        caretaker.case_number as calworks_case_number,
        caretaker.person_id as calworks_person_id,
        child_rows.cws_client_id,
        child_rows.cws_case_id,
        child_rows.plan_type,
        child_rows.match_probability,
        caretaker.office_code,
        child_rows.link_basis,
        'CARETAKER_OF_CHILD_IN_CW' as reason

    from members as caretaker
    inner join child_rows
        on caretaker.case_number = child_rows.case_number
    where caretaker.role = 'CARETAKER_RELATIVE'

),

matches as (

    select * from parents
    union all
    select * from caretakers

),

final as (

    select
        '{{ report_month() }}' as report_month,
        *

    from ({{ one_row_per_key('matches', 'reason') }}) as deduped

)

select * from final
