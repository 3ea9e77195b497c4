{#- Sanction imposed on the as-of date, for that (person, case) -#}
select distinct
    statuses.person_id,
    statuses.case_number

from {{ ref('stg_calsaws__wtw_statuses') }} as statuses
where statuses.report_month = '{{ report_month() }}'
    and statuses.wtw_status in ({{ sanction_statuses() }})
    and {{ is_status_in_effect('statuses') }}
