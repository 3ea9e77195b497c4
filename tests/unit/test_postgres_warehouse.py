"""The PostgreSQL engine's pieces that need no server: the SQL the assets write in
DuckDB's dialect as PostgreSQL's, the Arrow types as column types, and the roles
that `linkages db grant` makes being those dbt grants."""

import re

import pyarrow as pa
import pytest
import yaml

from orchestration.lib.dbt_project import DBT_DIR
from orchestration.lib.grants import ANALYST, LISTS, READS, grant_statements
from orchestration.lib.postgres import _pg_type, postgres_sql


def test_parameters_become_psycopgs_and_a_literal_percent_is_doubled():
    assert postgres_sql(
        "select * from raw.t where report_month = $m and name like 'fct_%' and x = ?"
    ) == (
        "SELECT * FROM raw.t WHERE report_month = %(m)s AND name LIKE 'fct_%%' AND x = %s"
    )


def test_any_value_becomes_max_and_division_stays_real():
    # the linkage gate's rate: PostgreSQL 15 has no any_value; 3 / 4 must be 0.75
    assert postgres_sql(
        "select count(distinct a) / any_value(n) from t group by 1"
    ) == (
        "SELECT CAST(COUNT(DISTINCT a) AS DOUBLE PRECISION) / NULLIF(MAX(n), 0)"
        " FROM t GROUP BY 1"
    )


def test_duckdb_types_in_a_query_are_postgres_types():
    assert postgres_sql("select cast(d as string) as d from t") == (
        "SELECT CAST(d AS TEXT) AS d FROM t"
    )


@pytest.mark.parametrize(
    ("kind", "column"),
    [
        (pa.string(), "text"),
        (pa.large_string(), "text"),
        (pa.int64(), "bigint"),
        (pa.int32(), "integer"),
        (pa.float64(), "double precision"),
        (pa.bool_(), "boolean"),
        (pa.date32(), "date"),
        (pa.timestamp("us"), "timestamp"),
        (pa.timestamp("us", tz="UTC"), "timestamptz"),
        (pa.decimal128(18, 3), "numeric(18, 3)"),
    ],
)
def test_arrow_types_map_to_column_types(kind, column):
    assert _pg_type(kind) == column


def test_dbt_grants_the_roles_the_grant_command_makes():
    text = (DBT_DIR / "dbt_project.yml").read_text()
    grants = [
        v
        for line in text.splitlines()
        if line.strip().startswith("+grants:")
        for v in re.findall(
            r"'(linkages_\w+)'", yaml.safe_load(line.strip())["+grants"]
        )
    ]
    assert sorted(set(grants)) == sorted({ANALYST, LISTS}) == sorted(READS)
    statements = grant_statements("linkages")
    assert any(f"create role {ANALYST} nologin" in s for s in statements)
    assert "grant usage on schema reporting to linkages_analyst" in statements
    # analysts get no way into a schema of personal data
    assert not [s for s in statements if ANALYST in s and " raw " in f"{s} "]


def test_round_to_digits_rounds_a_numeric_and_gives_a_double():
    # the review queue's round(match_probability, 4): PostgreSQL has no
    # round(double precision, integer)
    assert postgres_sql("select round(p, 4) as p, round(q) from t") == (
        "SELECT CAST(ROUND(CAST(p AS DECIMAL), 4) AS DOUBLE PRECISION) AS p, ROUND(q)"
        " FROM t"
    )
