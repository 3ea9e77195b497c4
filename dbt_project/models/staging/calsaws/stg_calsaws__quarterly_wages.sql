with

source as (

    select * from {{ source('raw', 'edd_wages') }}

),

renamed as (

    select
        report_month,
        ssn,
        year_quarter,
        -- the quarter's first day, for date arithmetic
        {% set quarter_months = "(cast(substr(year_quarter, 6, 1) as integer) - 1) * 3" %}
        {% set year_start = "cast(substr(year_quarter, 1, 4) || '-01-01' as date)" %}
        cast({{ dbt.dateadd("month", quarter_months, year_start) }} as date) as quarter_start,
        employer_id,
        wages

    from source

)

select * from renamed
