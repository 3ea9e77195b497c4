{#- The month's links: CalWORKs person <-> CWS client, with the probability -#}
select
    calworks_person_id,
    cws_client_id,
    match_probability,
    link_basis

from {{ ref('stg_linkage__person_links') }}
where report_month = '{{ report_month() }}'
