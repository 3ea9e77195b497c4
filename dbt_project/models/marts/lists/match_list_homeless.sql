{#-
    Homeless: open homeless case; a household PARENT linked to a parent on plan of an
    open case of a plan type the list allows (CFM, VFM: dbt_project.yml, match_lists)
-#}
with

matches as (

    {{ parent_on_plan_rows(this.name, members_filter='members.is_homeless') }}

),

final as (

    select
        '{{ report_month() }}' as report_month,
        *

    from ({{ one_row_per_key('matches') }}) as deduped

)

select * from final
