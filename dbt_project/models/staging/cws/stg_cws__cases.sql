{#- plan type is derived here, never extracted (CONTRACT.md §3) -#}
with

source as (

    select * from {{ source('raw', 'cws_cases') }}

),

components as (

    select * from {{ ref('cws_service_components') }}

),

plan_types as (

    select * from {{ ref('cws_plan_types') }}

),

renamed as (

    select
        source.report_month,
        source.case_id,
        source.focus_child_client_id,
        source.office_code,
        source.case_start_date,
        source.case_end_date,
        source.service_component_code,
        components.component,
        source.case_plan_basis,
        plan_types.plan_type,
        source.assigned_worker_id

    from source
    left join components
        on source.service_component_code = components.service_component_code
    left join plan_types
        on components.component = plan_types.component
        and source.case_plan_basis = plan_types.case_plan_basis

)

select * from renamed
