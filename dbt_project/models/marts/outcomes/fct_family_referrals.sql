{#-
    Re-referrals of each identified family: referrals received from the CWS case's
    start to the end of observation that name a participant of the case as victim or
    perpetrator, other than the referral that opened the case (the one promoted to it,
    cws_referrals.case_id; the report's footnotes 11-12), counted in the months before
    and from identification; all, and by outcome: substantiated (any allegation
    substantiated), unfounded (every allegation unfounded, disposition 46), and
    inconclusive or pending (the rest); and the variant that leaves out referrals
    received in the case-start month.
-#}
with

families as (

    select * from {{ ref('fct_identified_families') }}
    where report_month = '{{ report_month() }}'

),

participants as (

    select distinct
        case_id,
        client_id
    from {{ ref('int_cws_case_members') }}

),

allegations as (

    select * from {{ ref('stg_cws__allegations') }}
    where report_month = '{{ report_month() }}'

),

referral_dispositions as (

    select
        referrals.referral_id,
        referrals.received_date,
        referrals.case_id as opened_case_id,
        max(
            case when allegations.disposition = 'SUBSTANTIATED' then 1 else 0 end
        ) as is_substantiated,
        min(
            case when allegations.disposition = 'UNFOUNDED' then 1 else 0 end
        ) as is_all_unfounded

    from {{ ref('stg_cws__referrals') }} as referrals
    left join allegations
        on referrals.referral_id = allegations.referral_id
    where referrals.report_month = '{{ report_month() }}'
    group by referrals.referral_id, referrals.received_date, referrals.case_id

),

referrals as (

    {#- a referral without any allegation yet counts as pending -#}
    select
        referral_id,
        received_date,
        opened_case_id,
        is_substantiated,
        case when is_substantiated = 0 and is_all_unfounded = 1 then 1 else 0 end as is_unfounded,
        case when is_substantiated = 0 and is_all_unfounded = 0 then 1 else 0 end
            as is_inconclusive_or_pending
    from referral_dispositions

),

referral_people as (

    select
        referral_id,
        victim_client_id as client_id
    from allegations
    union
    select
        referral_id,
        perpetrator_client_id as client_id
    from allegations
    where perpetrator_client_id is not null

),

family_referrals as (

    select distinct
        families.calworks_case_number,
        families.cws_case_id,
        referrals.referral_id,
        referrals.is_substantiated,
        referrals.is_unfounded,
        referrals.is_inconclusive_or_pending,
        cast({{ dbt.date_trunc('month', 'referrals.received_date') }} as date) as received_month,
        families.case_start_month,
        families.identified_month

    from families
    inner join participants
        on families.cws_case_id = participants.case_id
    inner join referral_people
        on participants.client_id = referral_people.client_id
    inner join referrals
        on referral_people.referral_id = referrals.referral_id
    where referrals.received_date >= families.case_start_date
        and referrals.received_date <= {{ as_of_date() }}
        and (families.case_end_date is null or referrals.received_date <= families.case_end_date)
        -- the referral that opened the case is not a re-referral (footnote 11)
        and (referrals.opened_case_id is null or referrals.opened_case_id <> families.cws_case_id)

),

counts as (

    {% set outcomes = {
        'referrals': '1',
        'substantiated': 'is_substantiated',
        'unfounded': 'is_unfounded',
        'inconclusive_or_pending': 'is_inconclusive_or_pending',
    } %}
    {% set windows = {
        'before': 'received_month < identified_month',
        'after': 'received_month >= identified_month',
    } %}
    select
        calworks_case_number,
        cws_case_id,
        {% for measure, value in outcomes.items() %}
            {% for window, condition in windows.items() %}
                sum(case when {{ condition }} then {{ value }} else 0 end)
                    as {{ measure }}_{{ window }},
                sum(case when {{ condition }} and received_month > case_start_month
                        then {{ value }}
                    else 0
                end) as {{ measure }}_{{ window }}_excl_start_month,
            {% endfor %}
        {% endfor %}
        count(*) as referrals_total

    from family_referrals
    group by calworks_case_number, cws_case_id

),

final as (

    select
        families.report_month,
        families.calworks_case_number,
        families.cws_case_id,
        families.county_code,
        families.review_group,
        families.months_before,
        families.months_after,
        coalesce(counts.referrals_total, 0) as referrals_total,
        -- footnote 12: families with and without re-referrals after the case start
        coalesce(counts.referrals_total, 0) > 0 as has_rereferral,
        {% for measure in outcomes %}
            {% for window in ['before', 'after'] %}
                {% for variant in ['', '_excl_start_month'] %}
                    {% set name = measure ~ '_' ~ window ~ variant %}
                    coalesce(counts.{{ name }}, 0) as {{ name }},
                {% endfor %}
            {% endfor %}
        {% endfor %}
        families.identified_month

    from families
    left join counts
        on families.calworks_case_number = counts.calworks_case_number
        and families.cws_case_id = counts.cws_case_id

)

select * from final
