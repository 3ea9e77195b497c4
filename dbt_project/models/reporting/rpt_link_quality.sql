{#-
    Precision of the links per stratum (link basis x score band) from the blind QA
    verdicts made in the month, with the 95% Wilson interval computed by the linkage
    step (matching/quality.py). No rows until reviewers have decided QA pairs.
-#}
with

quality as (

    select * from {{ source('linkage', 'link_quality') }}
    where report_month = '{{ report_month() }}'

),

final as (

    select
        {{ month_start() }} as report_month,
        cast(score_band as {{ dbt.type_string() }}) as score_band,
        cast(qa_pairs_decided as {{ dbt.type_int() }}) as qa_pairs_decided,
        cast(qa_matches as {{ dbt.type_int() }}) as qa_matches,
        cast(precision as {{ type_double() }}) as precision,
        cast(precision_low as {{ type_double() }}) as precision_low,
        cast(precision_high as {{ type_double() }}) as precision_high

    from quality

)

select * from final
