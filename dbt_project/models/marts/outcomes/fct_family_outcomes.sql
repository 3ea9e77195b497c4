{#-
    One row per identified family: placements of its focus children, the longest
    continuous run of CalWORKs participation from the identification month on, and
    reunification (an exited removal episode of a focus child with a reunification
    exit reason; null when no episode has ended), with the two splits the study uses.
-#}
with

families as (

    select * from {{ ref('fct_identified_families') }}
    where report_month = '{{ report_month() }}'

),

events as (

    select
        calworks_case_number,
        cws_case_id,
        count(*) as placements
    from {{ ref('fct_family_events') }}
    where report_month = '{{ report_month() }}' and event_type = 'PLACEMENT'
    group by calworks_case_number, cws_case_id

),

household as (

    select distinct
        case_number,
        person_id
    from {{ ref('stg_calsaws__persons') }}
    where report_month = '{{ report_month() }}'

),

aided_months as (

    {#- months any member of the CalWORKs case was aided, from identification on -#}
    select distinct
        families.calworks_case_number,
        families.cws_case_id,
        cast(substr(participation.benefit_month, 1, 4) as integer) * 12
        + cast(substr(participation.benefit_month, 6, 2) as integer) as month_index

    from families
    inner join household
        on families.calworks_case_number = household.case_number
    inner join {{ ref('stg_calsaws__participation_months') }} as participation
        on household.person_id = participation.person_id
        and participation.report_month = '{{ report_month() }}'
    where
        participation.benefit_month
        >= substr(cast(families.identified_month as {{ dbt.type_string() }}), 1, 7)
        and participation.benefit_month <= '{{ report_month() }}'

),

runs as (

    {#- consecutive months share month_index - their rank -#}
    select
        calworks_case_number,
        cws_case_id,
        count(*) as run_months
    from (
        select
            *,
            month_index - row_number() over (
                partition by calworks_case_number, cws_case_id order by month_index
            ) as run_id
        from aided_months
    ) as numbered
    group by calworks_case_number, cws_case_id, run_id

),

longest_runs as (

    select
        calworks_case_number,
        cws_case_id,
        max(run_months) as longest_run_months
    from runs
    group by calworks_case_number, cws_case_id

),

episodes as (

    select
        families.calworks_case_number,
        families.cws_case_id,
        sum(case when episodes.exit_date <= {{ as_of_date() }} then 1 else 0 end)
            as episodes_exited,
        max(
            case
                when
                    episodes.exit_date <= {{ as_of_date() }}
                    and episodes.exit_reason = 'REUNIFICATION'
                    then 1
                else 0
            end
        ) as any_reunification

    from families
    inner join {{ ref('int_cws_case_members') }} as participants
        on families.cws_case_id = participants.case_id
        and participants.is_focus_child
    inner join {{ ref('stg_cws__placement_episodes') }} as episodes
        on participants.client_id = episodes.client_id
        and episodes.report_month = '{{ report_month() }}'
    where episodes.removal_date <= {{ as_of_date() }}
        and (episodes.exit_date is null or episodes.exit_date >= families.case_start_date)
    group by families.calworks_case_number, families.cws_case_id

),

final as (

    select
        families.report_month,
        families.calworks_case_number,
        families.cws_case_id,
        families.county_code,
        families.review_group,
        families.needs_shared_timeliness,
        families.joint_monitoring_collaboration,
        coalesce(events.placements, 0) as placements,
        coalesce(longest_runs.longest_run_months, 0) as longest_calworks_run_months,
        coalesce(episodes.episodes_exited, 0) as episodes_exited,
        case
            when coalesce(episodes.episodes_exited, 0) = 0 then null
            else episodes.any_reunification = 1
        end as is_reunified

    from families
    left join events
        on families.calworks_case_number = events.calworks_case_number
        and families.cws_case_id = events.cws_case_id
    left join longest_runs
        on families.calworks_case_number = longest_runs.calworks_case_number
        and families.cws_case_id = longest_runs.cws_case_id
    left join episodes
        on families.calworks_case_number = episodes.calworks_case_number
        and families.cws_case_id = episodes.cws_case_id

)

select * from final
