"""One row per CalSAWS person and report month: the one definition.

A person is on one row of calworks_persons per case they belong to. Wherever a
person is shown or compared once -- the monthly linkage, the clerical review
queue, the office exports (dbt reads the view), `linkages train` on a landed
month -- it is the record of their first case (the lowest case number), with the
household address of the first of their cases the month's extract holds (the
address lives on the case). The rule is this view, created over the raw tables
of whichever warehouse holds them (DuckDB, Spark, or an in-memory DuckDB for
`linkages train`).
"""

from __future__ import annotations

CALWORKS_PEOPLE = "linkage.calworks_people"

# every month at once: a reader filters on report_month, which the engines push
# below the windows (they partition by it)
CALWORKS_PEOPLE_SQL = """
with numbered as (
    select
        persons.report_month,
        persons.person_id,
        persons.case_number,
        persons.first_name,
        persons.middle_name,
        persons.last_name,
        persons.date_of_birth,
        persons.sex,
        persons.ssn,
        row_number() over (
            partition by persons.report_month, persons.person_id
            order by persons.case_number
        ) as case_rank
    from raw.calworks_persons as persons
),

addresses as (
    select
        persons.report_month,
        persons.person_id,
        cases.address_line1,
        cases.city,
        cases.zip,
        row_number() over (
            partition by persons.report_month, persons.person_id
            order by persons.case_number
        ) as case_rank
    from raw.calworks_persons as persons
    inner join raw.calworks_cases as cases
        on persons.case_number = cases.case_number
        and persons.report_month = cases.report_month
)

select
    numbered.report_month,
    numbered.person_id,
    numbered.case_number,
    numbered.first_name,
    numbered.middle_name,
    numbered.last_name,
    numbered.date_of_birth,
    numbered.sex,
    numbered.ssn,
    addresses.address_line1,
    addresses.city,
    addresses.zip
from numbered
left join addresses
    on numbered.report_month = addresses.report_month
    and numbered.person_id = addresses.person_id
    and addresses.case_rank = 1
where numbered.case_rank = 1
"""


def create_calworks_people(con) -> None:
    """(Re)create the view in the warehouse `con` writes to (raw.calworks_persons
    and raw.calworks_cases must exist)."""
    con.execute(f"create schema if not exists {CALWORKS_PEOPLE.split('.')[0]}")
    con.execute(f"create or replace view {CALWORKS_PEOPLE} as {CALWORKS_PEOPLE_SQL}")
