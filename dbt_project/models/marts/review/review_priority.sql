{#-
    Which pairs of the month's review queue a decision would move a family on or off
    a list: the review page shows them first, then by score. A MATCH of a review-band
    pair lists a family when the CalWORKs person is a household member of an ACTIVE
    or PENDING case not yet on any list and the CWS client takes part in an open CWS
    case (County A's mutual-clients rule, the widest of the four); a NON_MATCH of a QA
    pair (a link) takes a row off when the pair is on a list now.
-#}
with

queue as (

    select * from {{ source('linkage', 'review_queue') }}
    where report_month = '{{ report_month() }}'

),

members as (

    select * from {{ ref('int_household_members') }}
    where program_status in ('ACTIVE', 'PENDING')

),

participants as (

    select * from {{ ref('int_open_cws_case_participants') }}

),

list_rows as (

    {% for list_name in match_lists() %}
        select
            calworks_case_number,
            calworks_person_id,
            cws_client_id

        from {{ ref(list_name) }}
        where report_month = '{{ report_month() }}'
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

listed_cases as (

    select distinct calworks_case_number from list_rows

),

listed_pairs as (

    select distinct
        calworks_person_id,
        cws_client_id

    from list_rows

),

would_list as (

    select distinct
        queue.calworks_person_id,
        queue.cws_client_id

    from queue
    inner join members
        on queue.calworks_person_id = members.person_id
    inner join participants
        on queue.cws_client_id = participants.client_id
    left join listed_cases
        on members.case_number = listed_cases.calworks_case_number
    where queue.sample = 'REVIEW_BAND'
        and listed_cases.calworks_case_number is null

),

final as (

    select
        '{{ report_month() }}' as report_month,
        queue.calworks_person_id,
        queue.cws_client_id,
        queue.sample,
        (
            would_list.calworks_person_id is not null
            or (queue.sample = 'QA' and listed_pairs.calworks_person_id is not null)
        ) as changes_a_list

    from queue
    left join would_list
        on queue.calworks_person_id = would_list.calworks_person_id
        and queue.cws_client_id = would_list.cws_client_id
    left join listed_pairs
        on queue.calworks_person_id = listed_pairs.calworks_person_id
        and queue.cws_client_id = listed_pairs.cws_client_id

)

select * from final
