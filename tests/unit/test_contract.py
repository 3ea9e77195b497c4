"""The SSN rule is written once (contract/ssn.py) and run twice: in
Python by the linkage's standardizer, in SQL by the ingest. Both on the same values."""

import duckdb
from hypothesis import given, settings
from hypothesis import strategies as st

from contract import SSN_PLACEHOLDERS, ssn_is_valid, ssn_valid_sql

# each rule's edge: area 000 / 666 / 9xx, group 00, serial 0000, the placeholders,
# lengths 8 and 10, a letter, a non-ASCII digit; and valid neighbours of each
EDGES = [
    "000123456",
    "666123456",
    "900123456",
    "899123456",
    "123004567",
    "123010000",
    "123450000",
    "123450001",
    *SSN_PLACEHOLDERS,
    "12345678",
    "1234567890",
    "12345678A",
    "12345678\u0663",
    "",
    "078051120",
]
NINE_DIGITS = st.text(alphabet="0123456789", min_size=9, max_size=9)
# SSN-like and not: digits with the odd letter, dash, space or Arabic-Indic digit
SSN_LIKE = st.text(alphabet="0123456789069- A\u0663", min_size=0, max_size=11)


def in_sql(values: list[str | None]) -> list[bool | None]:
    with duckdb.connect() as con:
        rows = con.execute(
            f"select {ssn_valid_sql('v')} from unnest(?::varchar[]) as t(v)",
            [values],
        ).fetchall()
    return [r[0] for r in rows]


def test_python_and_sql_agree_on_each_rules_edge():
    assert in_sql(EDGES) == [ssn_is_valid(v) for v in EDGES]
    # 123-45-0001 is valid; each placeholder and 9xx area is not
    assert ssn_is_valid("123450001") and not ssn_is_valid("987654321")


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(NINE_DIGITS, SSN_LIKE), min_size=1, max_size=50))
def test_python_and_sql_agree_on_any_text(values):
    assert in_sql(values) == [ssn_is_valid(v) for v in values]


def test_a_missing_ssn_is_invalid_in_both():
    assert ssn_is_valid(None) is False
    # SQL null: the ingest's `case when <valid> then ...` nulls it all the same
    assert in_sql([None]) == [None]


def test_the_code_tables_dbt_joins_hold_the_contracts_codes():
    """The ingest checks codes against the contract, the dbt models name them from
    the seeds: one set of codes, so the two must agree."""
    import csv

    from contract import (
        DISPOSITIONS,
        FACILITY_TYPES,
        PLAN_BASES,
        SERVICE_COMPONENTS,
        WTW_STATUS,
    )
    from orchestration.lib.dbt_project import DBT_DIR

    def seed(name: str) -> list[dict]:
        with (DBT_DIR / "seeds" / f"{name}.csv").open(newline="") as fh:
            return list(csv.DictReader(fh))

    facilities = {
        int(r["facility_type_code"]): r["facility_type"]
        for r in seed("cws_facility_types")
    }
    assert facilities == FACILITY_TYPES
    assert {int(r["disposition_code"]) for r in seed("cws_dispositions")} == set(
        DISPOSITIONS
    )
    components = {
        int(r["service_component_code"]) for r in seed("cws_service_components")
    }
    assert components == set(SERVICE_COMPONENTS)
    assert [r["wtw_status"] for r in seed("wtw_statuses")] == list(WTW_STATUS)
    assert {r["case_plan_basis"] for r in seed("cws_plan_types")} == set(PLAN_BASES)
