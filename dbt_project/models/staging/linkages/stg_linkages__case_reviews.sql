with

source as (

    select * from {{ source('raw', 'case_reviews') }}

),

renamed as (

    select
        report_month,
        review_id,
        cws_case_id,
        calworks_case_number,
        reviewer_id,
        review_date,
        identified_date,
        needs_shared,
        needs_shared_date,
        objectives_in_plan,
        joint_monitoring,
        joint_monitoring_per_month,
        cftm_held,
        cftm_attendance,
        calworks_services_recommended,
        cws_services_recommended,
        services_recommended_count,
        services_accessed,
        collab_eligibility,
        collab_needs,
        collab_objectives,
        collab_monitoring,
        collab_cftm,
        collab_services

    from source

)

select * from renamed
