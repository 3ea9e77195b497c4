with

source as (

    select * from {{ source('raw', 'cws_placement_episodes') }}

),

exit_reasons as (

    select * from {{ ref('cws_exit_reasons') }}

),

renamed as (

    select
        source.report_month,
        source.episode_id,
        source.client_id,
        source.removal_date,
        source.exit_date,
        source.exit_reason_code,
        -- any code outside the contract's groups is OTHER; still in care: null
        case
            when source.exit_date is null then null
            else coalesce(exit_reasons.exit_reason, 'OTHER')
        end as exit_reason

    from source
    left join exit_reasons
        on source.exit_reason_code = exit_reasons.exit_reason_code

)

select * from renamed
