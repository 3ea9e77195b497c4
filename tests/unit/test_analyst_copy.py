"""The analysts' copy is replaced whole or not at all, and never with a personal column."""

import duckdb
import pytest

from orchestration.defs.analytics.publish import PersonalColumnError, publish
from orchestration.lib.warehouse import DuckDBWarehouse


def warehouse_with(con, column: str) -> DuckDBWarehouse:
    con.execute("create schema if not exists marts")
    con.execute(
        f"create or replace table marts.fct_x as select 'A1' as {column}, 3 as n"
    )
    return DuckDBWarehouse(con)


def test_a_copy_is_swapped_in_whole_and_lists_the_rows_it_copied(tmp_path):
    path = tmp_path / "analytics.duckdb"
    with duckdb.connect() as con:
        rows = publish(
            warehouse_with(con, "calworks_case_number"),
            ["marts.fct_x", "reporting.rpt_missing"],  # a table not built yet: left out
            path,
        )
    assert rows == {"marts.fct_x": 1}
    with duckdb.connect(str(path), read_only=True) as out:
        assert out.execute("select * from marts.fct_x").fetchall() == [("A1", 3)]


def test_a_table_with_a_personal_column_leaves_the_old_copy_in_place(tmp_path):
    path = tmp_path / "analytics.duckdb"
    with duckdb.connect() as con:
        publish(warehouse_with(con, "calworks_case_number"), ["marts.fct_x"], path)
        with pytest.raises(PersonalColumnError, match=r"marts\.fct_x .*cws_client_id"):
            publish(warehouse_with(con, "cws_client_id"), ["marts.fct_x"], path)
    with duckdb.connect(str(path), read_only=True) as out:
        assert [c[0] for c in out.execute("describe marts.fct_x").fetchall()] == [
            "calworks_case_number",
            "n",
        ]
    assert [p.name for p in tmp_path.iterdir()] == ["analytics.duckdb"]
