"""The PostgreSQL engine's pieces that need no server: the SQL the assets write in
DuckDB's dialect as PostgreSQL's, the Arrow types as column types, and the roles
that `linkages db grant` makes being those dbt grants."""

import datetime as dt
import re
from decimal import Decimal
from types import SimpleNamespace

import pyarrow as pa
import pytest
import yaml

from orchestration.lib.dbt_project import DBT_DIR
from orchestration.lib.grants import ANALYST, LISTS, READS, grant_statements
from orchestration.lib.postgres import PostgresResult, _pg_type, postgres_sql


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


class FakeCursor:
    """psycopg's cursor after a query: rows, and each column's name and type oid."""

    def __init__(self, columns, rows):
        self.description = [SimpleNamespace(name=n, type_code=t) for n, t in columns]
        self.rows = rows

    def fetchall(self):
        return self.rows


def test_results_are_typed_as_duckdbs_and_keep_their_types_as_arrow():
    # date 1082, numeric 1700, integer 23, text 25
    cursor = FakeCursor(
        [("day", 1082), ("rate", 1700), ("n", 23), ("note", 25)],
        [(dt.date(2026, 10, 31), Decimal("0.125"), 3, None), (None, None, None, None)],
    )
    result = PostgresResult(cursor)
    frame = result.df()
    assert [str(t) for t in frame.dtypes] == [
        "datetime64[us]",
        "float64",
        "Int64",
        "object",
    ]
    assert frame["rate"].iloc[0] == 0.125
    table = result.arrow()
    assert [str(f.type) for f in table.schema] == [
        "date32[day]",
        "double",
        "int64",
        "string",
    ]
    assert table.column("day").to_pylist() == [dt.date(2026, 10, 31), None]
