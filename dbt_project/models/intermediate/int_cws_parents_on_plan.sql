{#- CWS parent on plan: MOTHER, FATHER or PARENT named on the case plan of an open case -#}
select
    case_id,
    client_id,
    plan_type

from {{ ref('int_open_cws_case_participants') }}
where role in ('MOTHER', 'FATHER', 'PARENT')
    and is_named_on_case_plan
