{#- ids only: names, birth dates and SSNs stay in raw -#}
with

source as (

    select * from {{ source('raw', 'cws_clients') }}

),

renamed as (

    select
        report_month,
        client_id

    from source

)

select * from renamed
