with

source as (

    select * from {{ source('raw', 'cws_case_participants') }}

),

renamed as (

    select
        report_month,
        case_id,
        client_id,
        role,
        named_on_case_plan = 'Y' as is_named_on_case_plan

    from source

)

select * from renamed
