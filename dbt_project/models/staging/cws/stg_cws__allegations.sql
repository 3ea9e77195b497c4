with

source as (

    select * from {{ source('raw', 'cws_allegations') }}

),

dispositions as (

    select * from {{ ref('cws_dispositions') }}

),

renamed as (

    select
        source.report_month,
        source.allegation_id,
        source.referral_id,
        source.victim_client_id,
        source.perpetrator_client_id,
        source.allegation_type,
        source.disposition_code,
        coalesce(dispositions.disposition, 'PENDING') as disposition

    from source
    left join dispositions
        on source.disposition_code = dispositions.disposition_code

)

select * from renamed
