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
        -- unknown codes map to OTHER (CONTRACT.md §8, soft); no code is not an unknown code
        case
            when source.facility_type_code is null then 'NOT_PROVIDED'
            else coalesce(facility_types.facility_type, 'OTHER')
        end as facility_type,
        -- the evaluation report's placement groups (seed cws_facility_types)
        case
            when source.facility_type_code is null then 'NOT_PROVIDED'
            else coalesce(facility_types.placement_group, 'OTHER')
        end as placement_group

    from source
    left join facility_types
        on source.facility_type_code = facility_types.facility_type_code

)

select * from renamed
