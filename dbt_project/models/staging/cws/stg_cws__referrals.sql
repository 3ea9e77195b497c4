with

source as (

    select * from {{ source('raw', 'cws_referrals') }}

),

renamed as (

    select
        report_month,
        referral_id,
        received_date,
        response_type,
        closure_date,
        case_id

    from source

)

select * from renamed
