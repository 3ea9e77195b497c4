with

source as (

    select * from {{ source('raw', 'cws_placements') }}

),

facility_types as (

    select * from {{ ref('cws_facility_types') }}

),

renamed as (

    select
        source.report_month,
        source.placement_id,
        source.episode_id,
        source.client_id,
        source.start_date,
        source.end_date,
        source.facility_type_code,
        -- unknown codes map to OTHER (CONTRACT.md §8, soft)
        coalesce(facility_types.facility_type, 'OTHER') as facility_type

    from source
    left join facility_types
        on source.facility_type_code = facility_types.facility_type_code

)

select * from renamed
