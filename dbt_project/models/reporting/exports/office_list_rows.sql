{#-
    Every list row as the offices receive it (CONTRACT.md §7; the exports write one
    file per list and office from this): only what coordination needs -- names, birth
    dates, both case numbers, both assigned workers, office, list, reason and a
    confidence band -- never allegation details. A view over all months: the export
    reads its month. A CalSAWS person's details are those of their first case
    (linkage.calworks_people, the view the linkage reads too).
-#}
with

listed as (

    {% for list, spec in var('match_lists').items() %}
        select
            '{{ list }}' as list_name,
            '{{ spec.label }}' as list,
            report_month,
            office_code,
            calworks_case_number,
            calworks_person_id,
            cws_case_id,
            cws_client_id,
            plan_type,
            {% if spec.reasons %}
                reason,
            {% else %}
                cast(null as {{ dbt.type_string() }}) as reason,
            {% endif %}
            link_basis,
            match_probability
        from {{ ref(list) }}
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

calworks_cases as (

    select * from {{ source('raw', 'calworks_cases') }}

),

people as (

    select * from {{ source('linkage', 'calworks_people') }}

),

cws_cases as (

    select * from {{ source('raw', 'cws_cases') }}

),

cws_clients as (

    select * from {{ source('raw', 'cws_clients') }}

),

final as (

    select
        listed.list_name,
        listed.list,
        listed.report_month,
        listed.office_code,
        listed.calworks_case_number,
        calworks_cases.worker_id as calworks_worker_id,
        listed.calworks_person_id,
        people.first_name,
        people.last_name,
        cast(people.date_of_birth as {{ dbt.type_string() }}) as date_of_birth,
        listed.cws_case_id,
        cws_cases.assigned_worker_id as cws_worker_id,
        cws_cases.office_code as cws_office_code,
        listed.cws_client_id,
        cws_clients.first_name as cws_first_name,
        cws_clients.last_name as cws_last_name,
        cast(cws_clients.birth_date as {{ dbt.type_string() }}) as cws_birth_date,
        listed.plan_type,
        listed.reason,
        case
            when listed.link_basis = 'REVIEWER' then 'CONFIRMED BY REVIEWER'
            when listed.link_basis = 'HOUSEHOLD' then 'MATCHED WITHIN THE FAMILY'
            when listed.match_probability >= {{ var('high_confidence_threshold') }}
                then 'HIGH'
            else 'STANDARD'
        end as confidence

    from listed
    left join calworks_cases
        on listed.calworks_case_number = calworks_cases.case_number
        and listed.report_month = calworks_cases.report_month
    left join people
        on listed.calworks_person_id = people.person_id
        and listed.report_month = people.report_month
    left join cws_cases
        on listed.cws_case_id = cws_cases.case_id
        and listed.report_month = cws_cases.report_month
    left join cws_clients
        on listed.cws_client_id = cws_clients.client_id
        and listed.report_month = cws_clients.report_month

)

select * from final
