{#- membership only: names stay in raw, for the linkage and the exports -#}
with

source as (

    select * from {{ source('raw', 'calworks_persons') }}

),

renamed as (

    select
        report_month,
        person_id,
        case_number,
        role,
        aid_status,
        member_status

    from source

)

select * from renamed
