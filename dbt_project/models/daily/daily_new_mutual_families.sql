{#-
    The daily route's notices: families on a list as of the day and on none the day
    before (the latest earlier day the route ran), with the event that made them
    mutual -- the first that applies, comparing the two days' records
    (daily_record_state):
      NEW_CALWORKS_APPLICATION  the CalWORKs case is new, its status changed (an
                                application decided) or a person joined it
      NEW_REFERRAL              the referral is new (a family with no CWS case)
      REFERRAL_PROMOTED_TO_CASE the CWS case is new (it starts by promotion)
      NEW_CASE_PLAN             its plan type changed, or a person joined the plan
                                or was newly named on it
      NEW_LINK                  none of these: the records existed, the link is new
    People leaving cannot make a family mutual, so only additions count. A family
    that leaves every list and comes back is noticed again on the day it is back.
    The first day the route runs has no day before: it is the baseline, no notices.
-#}
{% set today = as_of_date() %}

with

previous_day as (

    select max(as_of_date) as as_of_date
    from {{ ref('daily_listed_families') }}
    where as_of_date < {{ today }}

),

today_families as (

    select * from {{ ref('daily_listed_families') }}
    where as_of_date = {{ today }}

),

yesterday_families as (

    select families.*
    from {{ ref('daily_listed_families') }} as families
    inner join previous_day on families.as_of_date = previous_day.as_of_date

),

state as (

    -- the two days compared: the table keeps every day the route ran, and a month's
    -- days of a county are millions of rows (read whole, the model slowed day by day)
    select * from {{ ref('daily_record_state') }}
    where as_of_date = {{ today }}
        or as_of_date = (select previous_day.as_of_date from previous_day)

),

new_families as (

    select today_families.*
    from today_families
    cross join previous_day
    where previous_day.as_of_date is not null
        and not exists (
            select 1 from yesterday_families as y
            where y.calworks_case_number = today_families.calworks_case_number
                and y.cws_case_id is not distinct from today_families.cws_case_id
                and y.referral_id is not distinct from today_families.referral_id
        )

),

events as (

    select
        new_families.*,
        case
            when {{ daily_record_gained('CALWORKS_CASE', 'new_families.calworks_case_number') }}
                then 'NEW_CALWORKS_APPLICATION'
            when new_families.cws_case_id is null
                and not {{ daily_record_existed('REFERRAL', 'new_families.referral_id') }}
                then 'NEW_REFERRAL'
            when new_families.cws_case_id is null then 'NEW_LINK'
            when not {{ daily_record_existed('CWS_CASE', 'new_families.cws_case_id') }}
                then 'REFERRAL_PROMOTED_TO_CASE'
            when {{ daily_record_gained('CWS_CASE', 'new_families.cws_case_id') }}
                then 'NEW_CASE_PLAN'
            else 'NEW_LINK'
        -- `event`: the issue's (#19) column name, a keyword to sqlfluff
        end as event  -- noqa: RF04

    from new_families

)

select
    as_of_date,
    report_month,
    calworks_case_number,
    cws_case_id,
    referral_id,
    office_code,
    event
from events
