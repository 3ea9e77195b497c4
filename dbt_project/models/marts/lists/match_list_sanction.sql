{#-
    Sanction: household PARENT with a sanction imposed, on an open case, linked to a
    parent on plan of an open case of a plan type the list allows (CFM, VFM:
    dbt_project.yml, match_lists)
-#}
with

matches as (

    {{ parent_on_plan_rows(this.name, sanctioned_only=true) }}

),

final as (

    select
        '{{ report_month() }}' as report_month,
        *

    from ({{ one_row_per_key('matches') }}) as deduped

)

select * from final
