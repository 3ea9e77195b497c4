{#- Sanction: household PARENT with a sanction imposed, on an open case, linked to a parent on plan of an open CFM/VFM case -#}
with

matches as (

    {{ parent_on_plan_rows(['CFM', 'VFM'], sanctioned_only=true) }}

),

final as (

    select
        '{{ var("report_month") }}' as report_month,
        *

    from ({{ one_row_per_key('matches') }}) as deduped

)

select * from final
