{#- Open CWS case: started on or before the as-of date, not ended by it -#}
with

cases as (

    select * from {{ ref('stg_cws__cases') }}
    where report_month = '{{ report_month() }}'

),

final as (

    select
        cases.case_id,
        cases.focus_child_client_id,
        cases.plan_type,
        cases.office_code as cws_office_code,
        cases.assigned_worker_id

    from cases
    where {{ is_open_cws_case('cases') }}

)

select * from final
