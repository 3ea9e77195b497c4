{#- How many families and persons each match list holds this month, county-wide: the list counts the analysts' copy carries (no one's identity) -#}
with

listed as (

    {% for list_table in match_lists() %}
        select
            '{{ list_table }}' as match_list,
            calworks_case_number,
            calworks_person_id
        from {{ ref(list_table) }}
        where report_month = '{{ report_month() }}'
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

every_list as (

    {% for list_table in match_lists() %}
        select '{{ list_table }}' as match_list
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

cells as (

    select
        match_list,
        count(distinct calworks_case_number) as families,
        count(distinct calworks_person_id) as persons
    from listed
    group by match_list

),

final as (

    select
        every_list.match_list,
        coalesce(cells.families, 0) as families,
        coalesce(cells.persons, 0) as persons
    from every_list
    left join cells on every_list.match_list = cells.match_list

)

select
    '{{ report_month() }}' as report_month,
    match_list,
    {{ unless_small('families', 'families') }} as families,
    {{ unless_small('persons', 'persons') }} as persons,
    ({{ is_small('families') }} or {{ is_small('persons') }}) as is_suppressed
from final
