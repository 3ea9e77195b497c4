{#- Open CWS case: started on or before the as-of date, not ended by it -#}
with

cases as (

    select * from {{ ref('stg_cws__cases') }}
    where report_month = '{{ var("report_month") }}'

),

final as (

    select
        case_id,
        focus_child_client_id,
        plan_type,
        office_code as cws_office_code,
        assigned_worker_id

    from cases
    where case_start_date <= {{ as_of_date() }}
        and (case_end_date is null or case_end_date > {{ as_of_date() }})

)

select * from final
