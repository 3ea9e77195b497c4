{#- The latest case review of each CWS case in the month's extract (the one the measures count) -#}
with

ranked as (

    select
        *,
        row_number() over (
            partition by cws_case_id order by review_date desc, review_id desc
        ) as review_rank
    from {{ ref('stg_linkages__case_reviews') }}
    where report_month = '{{ report_month() }}'

)

select * from ranked
where review_rank = 1
