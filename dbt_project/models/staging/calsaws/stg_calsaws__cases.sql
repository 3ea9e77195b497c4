with

source as (

    select * from {{ source('raw', 'calworks_cases') }}

),

renamed as (

    select
        report_month,
        case_number,
        county_code,
        office_code,
        program_status,
        application_date,
        status_date,
        homeless = 'Y' as is_homeless,
        worker_id

    from source

)

select * from renamed
