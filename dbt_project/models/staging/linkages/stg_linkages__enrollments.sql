with

source as (

    select * from {{ source('raw', 'linkages_enrollments') }}

),

renamed as (

    select
        report_month,
        enrollment_id,
        cws_case_id,
        referral_id,
        calworks_case_number,
        offered_date,
        opted_in,
        enrolled_date,
        disenrolled_date,
        disenroll_reason,
        protocol

    from source

)

select * from renamed
