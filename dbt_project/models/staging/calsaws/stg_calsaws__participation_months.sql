with

source as (

    select * from {{ source('raw', 'calworks_participation') }}

),

renamed as (

    select
        report_month,
        person_id,
        benefit_month,
        aid_code

    from source

)

select * from renamed
