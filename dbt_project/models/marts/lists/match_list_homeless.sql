{#- Homeless: open homeless case; a household PARENT linked to a parent on plan of an open CFM/VFM case -#}
with

matches as (

    {{ parent_on_plan_rows(['CFM', 'VFM'], members_filter='members.is_homeless') }}

),

final as (

    select
        '{{ var("report_month") }}' as report_month,
        *

    from ({{ one_row_per_key('matches') }}) as deduped

)

select * from final
