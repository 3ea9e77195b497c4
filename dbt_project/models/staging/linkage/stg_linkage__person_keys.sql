with

source as (

    select * from {{ source('linkage', 'person_keys') }}

),

renamed as (

    select
        report_month,
        system,
        record_id,
        person_key,
        person_hash

    from source

)

select * from renamed
