with

source as (

    select * from {{ source('linkage', 'person_links') }}

),

renamed as (

    select
        report_month,
        calworks_person_id,
        cws_client_id,
        match_probability,
        link_basis

    from source

)

select * from renamed
