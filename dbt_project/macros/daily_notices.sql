{#- The daily route's notices (models/daily/daily_new_mutual_families.sql) compare
    two days of daily_record_state; these read from inside that model, where
    `state` and `previous_day` are its CTEs. -#}

{#- a record (type, id) gained something from the day before to this one: it is
    new, its state changed, or a member is there today who was not before -#}
{% macro daily_record_gained(record_type, record_id) -%}
    exists (
        select 1 from state as t
        where t.as_of_date = {{ as_of_date() }}
            and t.record_type = '{{ record_type }}'
            and t.record_id = {{ record_id }}
            and not exists (
                select 1 from state as y
                where y.as_of_date = (select as_of_date from previous_day)
                    and y.record_type = t.record_type
                    and y.record_id = t.record_id
                    and y.record_state = t.record_state
                    and (t.member is null or y.member = t.member)
            )
    )
{%- endmacro %}

{#- the record was there the day before -#}
{% macro daily_record_existed(record_type, record_id) -%}
    exists (
        select 1 from state as y
        where y.as_of_date = (select as_of_date from previous_day)
            and y.record_type = '{{ record_type }}'
            and y.record_id = {{ record_id }}
    )
{%- endmacro %}
