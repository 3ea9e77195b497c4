{#- Sanction imposed on the as-of date, for that (person, case) -#}
select distinct
    person_id,
    case_number

from {{ ref('stg_calsaws__wtw_statuses') }}
where report_month = '{{ var("report_month") }}'
    and wtw_status in ({{ sanction_statuses() }})
    and status_begin_date <= {{ as_of_date() }}
    and (status_end_date is null or status_end_date >= {{ as_of_date() }})
