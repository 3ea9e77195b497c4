{#-
    Household-member PARENTs of open CalWORKs cases linked to a CWS parent on
    plan of an open case of a plan type the list `list_name` allows
    (parent_plan_types). `members_filter` narrows the members (homeless, sanctioned).
-#}
{% macro parent_on_plan_rows(list_name, members_filter='true', sanctioned_only=false) %}
    select
        members.case_number as calworks_case_number,
        members.person_id as calworks_person_id,
        parents.client_id as cws_client_id,
        parents.case_id as cws_case_id,
        parents.plan_type,
        links.match_probability,
        members.office_code,
        links.link_basis

    from {{ ref('int_household_members') }} as members
    {% if sanctioned_only %}
    inner join {{ ref('int_sanctions_imposed') }} as sanctions
        on members.person_id = sanctions.person_id
        and members.case_number = sanctions.case_number
    {% endif %}
    inner join {{ ref('int_linked_persons') }} as links
        on members.person_id = links.calworks_person_id
    inner join {{ ref('int_cws_parents_on_plan') }} as parents
        on links.cws_client_id = parents.client_id
    where members.program_status = 'ACTIVE'
        and members.role = 'PARENT'
        and parents.plan_type in ({{ quoted(parent_plan_types()[list_name]) }})
        and {{ members_filter }}
{% endmacro %}

{#- One row per list key: the strongest link, then the smaller client id -#}
{% macro one_row_per_key(relation) %}
    select
        calworks_case_number,
        calworks_person_id,
        cws_client_id,
        cws_case_id,
        plan_type,
        match_probability,
        {% if varargs %}{{ varargs | join(", ") }},{% endif %}
        office_code,
        link_basis
    from (
        select
            *,
            row_number() over (
                partition by calworks_case_number, calworks_person_id, cws_case_id
                order by match_probability desc, cws_client_id
            ) as row_in_key
        from {{ relation }}
    ) as ranked
    where row_in_key = 1
{% endmacro %}
