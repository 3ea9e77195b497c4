{#-
    CFSR-style recurrence: children under 18 with a substantiated allegation (as
    victim) received in the 12 months that ended 12 months before the as-of date (for
    2026-10: 2024-11-01 .. 2025-10-31). The first such report is the index; the child
    recurs when another substantiated allegation is received more than 14 days and at
    most 12 months after it. Split by whether the child is a participant of an
    identified family's CWS case.
-#}
with

substantiated as (

    select victim_client_id as client_id, received_date
    from {{ ref('int_substantiated_allegations') }}

),

clients as (

    {#- the birth date only decides "under 18" here; it is not carried on -#}
    select client_id, birth_date
    from {{ source('raw', 'cws_clients') }}
    where report_month = '{{ var("report_month") }}'

),

index_reports as (

    select substantiated.client_id, min(substantiated.received_date) as index_date
    from substantiated
    where substantiated.received_date >= cast({{ dbt.dateadd('month', -23, month_start()) }} as date)
        and substantiated.received_date < cast({{ dbt.dateadd('month', -11, month_start()) }} as date)
    group by substantiated.client_id

),

identified_children as (

    select distinct participants.client_id
    from {{ ref('fct_identified_families') }} as families
    inner join {{ ref('stg_cws__case_participants') }} as participants
        on families.cws_case_id = participants.case_id
        and participants.report_month = '{{ var("report_month") }}'
    where families.report_month = '{{ var("report_month") }}'

),

final as (

    select
        '{{ var("report_month") }}' as report_month,
        index_reports.client_id,
        index_reports.index_date,
        identified_children.client_id is not null as is_in_identified_family,
        exists (
            select 1 from substantiated as later
            where later.client_id = index_reports.client_id
                and later.received_date > {{ dbt.dateadd('day', 14, 'index_reports.index_date') }}
                and later.received_date <= {{ dbt.dateadd('month', 12, 'index_reports.index_date') }}
        ) as has_recurrence

    from index_reports
    inner join clients
        on index_reports.client_id = clients.client_id
    left join identified_children
        on index_reports.client_id = identified_children.client_id
    where clients.birth_date is not null
        and {{ dbt.dateadd('year', 18, 'clients.birth_date') }} > index_reports.index_date

)

select * from final
