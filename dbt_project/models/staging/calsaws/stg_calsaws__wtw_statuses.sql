with

source as (

    select * from {{ source('raw', 'wtw_status') }}

),

renamed as (

    select
        report_month,
        person_id,
        case_number,
        wtw_status,
        status_begin_date,
        status_end_date

    from source

)

select * from renamed
