{#-
    Estimated false links on each list: every list row whose pair is a model or
    household link counts (1 - precision) of its stratum, from the month's QA
    verdicts (rpt_link_quality). Reviewer-confirmed links count as true; a row in a
    stratum without verdicts counts nothing (unknown). No rows until QA decisions
    exist for the month.
-#}
with

quality as (

    select * from {{ source('linkage', 'link_quality') }}
    where report_month = '{{ report_month() }}'

),

links as (

    select * from {{ ref('int_linked_persons') }}

),

list_rows as (

    {% for list_name in match_lists() %}
        select
            '{{ list_name }}' as list_name,
            calworks_person_id,
            cws_client_id

        from {{ ref(list_name) }}
        where report_month = '{{ report_month() }}'
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

rows_with_precision as (

    select
        list_rows.list_name,
        quality.precision

    from list_rows
    left join links
        on list_rows.calworks_person_id = links.calworks_person_id
        and list_rows.cws_client_id = links.cws_client_id
    left join quality
        on links.link_basis = quality.link_basis
        and links.match_probability >= quality.band_low
        and (links.match_probability < quality.band_high or quality.band_high >= 1)

),

measured as (

    select count(*) as strata from quality

),

final as (

    select
        {{ month_start() }} as report_month,
        cast(rows_with_precision.list_name as {{ dbt.type_string() }}) as list_name,
        cast(count(*) as {{ dbt.type_int() }}) as listed_rows,
        cast(coalesce(sum(1 - rows_with_precision.precision), 0) as {{ type_double() }})
            as estimated_false_links

    from rows_with_precision
    -- no verdicts this month, no rows (an uncorrelated exists is not on every engine)
    cross join measured
    where measured.strata > 0
    group by rows_with_precision.list_name

)

select * from final
