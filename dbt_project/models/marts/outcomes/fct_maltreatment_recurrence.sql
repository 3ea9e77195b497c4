{#-
    CFSR-style recurrence: children under 18 with a substantiated allegation (as
    victim) received in the 12 months that ended 12 months before the as-of date (for
    2026-10: 2024-11-01 .. 2025-10-31). The first such report is the index; the child
    recurs when another substantiated allegation is received more than 14 days and at
    most 12 months after it. Split by whether the child is a participant of an
    identified family's CWS case. One row per child, not per CWS record: a child with
    two client records is one person key, carried only as its keyed hash.
-#}
with

person_of_client as (

    select
        record_id as client_id,
        person_key,
        person_hash
    from {{ ref('stg_linkage__person_keys') }}
    where report_month = '{{ report_month() }}'
        and system = 'cws'

),

substantiated as (

    select
        person_of_client.person_key,
        allegations.received_date
    from {{ ref('int_substantiated_allegations') }} as allegations
    inner join person_of_client
        on allegations.victim_client_id = person_of_client.client_id

),

people as (

    {#- the birth date only decides "under 18" here; it is not carried on. Of a
        person's records, the earliest birth date counts (null only when all are) -#}
    select
        person_of_client.person_key,
        person_of_client.person_hash,
        min(clients.birth_date) as birth_date
    from {{ source('raw', 'cws_clients') }} as clients
    inner join person_of_client
        on clients.client_id = person_of_client.client_id
    where clients.report_month = '{{ report_month() }}'
    group by person_of_client.person_key, person_of_client.person_hash

),

index_reports as (

    select
        substantiated.person_key,
        min(substantiated.received_date) as index_date
    from substantiated
    where
        substantiated.received_date
        >= cast({{ dbt.dateadd('month', -23, month_start()) }} as date)
        and substantiated.received_date
        < cast({{ dbt.dateadd('month', -11, month_start()) }} as date)
    group by substantiated.person_key

),

identified_children as (

    select distinct person_of_client.person_key
    from {{ ref('fct_identified_families') }} as families
    inner join {{ ref('int_cws_case_members') }} as participants
        on families.cws_case_id = participants.case_id
    inner join person_of_client
        on participants.client_id = person_of_client.client_id
    where families.report_month = '{{ report_month() }}'

),

final as (

    select
        '{{ report_month() }}' as report_month,
        people.person_hash,
        index_reports.index_date,
        identified_children.person_key is not null as is_in_identified_family,
        exists(
            select 1 from substantiated as later
            where later.person_key = index_reports.person_key
                and later.received_date
                > {{ dbt.dateadd('day', 14, 'index_reports.index_date') }}
                and later.received_date
                <= {{ dbt.dateadd('month', 12, 'index_reports.index_date') }}
        ) as has_recurrence

    from index_reports
    inner join people
        on index_reports.person_key = people.person_key
    left join identified_children
        on index_reports.person_key = identified_children.person_key
    where people.birth_date is not null
        and {{ dbt.dateadd('year', 18, 'people.birth_date') }} > index_reports.index_date

)

select * from final
