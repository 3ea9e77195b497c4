{#-
    The daily notices as the offices receive them: each list row (exports'
    office_list_rows: only what coordination needs) of each family newly mutual on
    the day, with the event and, for a family with no CWS case, the referral.
    Personal data: a view in the exports schema, never in reporting.
-#}
{{ config(schema='exports', materialized='view') }}

with

notices as (

    select * from {{ ref('daily_new_mutual_families') }}
    where as_of_date = {{ as_of_date() }}

),

rows as (

    select * from {{ ref('office_list_rows') }}
    where report_month = '{{ report_month() }}'

)

select
    notices.as_of_date,
    notices.event,
    notices.referral_id,
    rows.*

from notices
inner join rows
    on notices.calworks_case_number = rows.calworks_case_number
    and notices.cws_case_id is not distinct from rows.cws_case_id
