{#-
    What happened to each identified family's children and adults, one row per event:
    substantiated allegations against or about case participants (ALLEGATION, detail =
    allegation type) and placements of the case's focus children (PLACEMENT, detail =
    facility type, detail_group = the report's placement group), from the case start to the end of observation.
-#}
with

families as (

    select * from {{ ref('fct_identified_families') }}
    where report_month = '{{ report_month() }}'

),

participants as (

    select distinct
        case_id,
        client_id,
        is_focus_child
    from {{ ref('int_cws_case_members') }}

),

allegations as (

    select * from {{ ref('int_substantiated_allegations') }}

),

placements as (

    select * from {{ ref('stg_cws__placements') }}
    where report_month = '{{ report_month() }}'

),

family_allegations as (

    select distinct
        families.calworks_case_number,
        families.cws_case_id,
        families.county_code,
        'ALLEGATION' as event_type,
        allegations.allegation_id as event_id,
        allegations.allegation_type as detail,
        allegations.allegation_type as detail_group,
        allegations.received_date as event_date

    from families
    inner join participants
        on families.cws_case_id = participants.case_id
    inner join allegations
        on participants.client_id = allegations.victim_client_id
    where allegations.received_date between families.case_start_date and {{ as_of_date() }}
        and (families.case_end_date is null or allegations.received_date <= families.case_end_date)

),

family_placements as (

    select distinct
        families.calworks_case_number,
        families.cws_case_id,
        families.county_code,
        'PLACEMENT' as event_type,
        placements.placement_id as event_id,
        placements.facility_type as detail,
        placements.placement_group as detail_group,
        placements.start_date as event_date

    from families
    inner join participants
        on families.cws_case_id = participants.case_id
        and participants.is_focus_child
    inner join placements
        on participants.client_id = placements.client_id
    where placements.start_date between families.case_start_date and {{ as_of_date() }}
        and (families.case_end_date is null or placements.start_date <= families.case_end_date)

)

select
    '{{ report_month() }}' as report_month,
    *
from family_allegations
union all
select
    '{{ report_month() }}' as report_month,
    *
from family_placements
