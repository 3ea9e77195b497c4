"""The same project on Spark (engine spark, local session): the two small months
the DuckDB run lists, run again with Splink's Spark backend, dbt on dbt-spark and
the gates on Spark frames, give the same links, the same lists and byte-identical
exports."""

import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from tests.e2e.conftest import MONTHS

pytestmark = [pytest.mark.e2e, pytest.mark.spark]

LIST_MARTS = [
    "match_list_homeless",
    "match_list_sanction",
    "match_list_mutual_cases",
    "match_list_mutual_clients",
    "family_prevention_level",
]
# the people columns of the month's links; probabilities compared apart, to 1e-9
LINK_KEY = ["calworks_person_id", "cws_client_id", "link_basis"]


@pytest.fixture(scope="module")
def spark_run(generated, tmp_path_factory) -> Path:
    """`linkages run --engine spark` in its own process (Spark's JVM ends with it)."""
    root = tmp_path_factory.mktemp("spark_run")
    cmd = [
        str(Path(sys.executable).with_name("linkages")),
        "run",
        "--engine",
        "spark",
        "--landing",
        str(generated / "landing"),
        "--month",
        f"{MONTHS[0]}..{MONTHS[-1]}",
        "--warehouse",
        str(root / "warehouse.duckdb"),
    ]
    env = {k: v for k, v in os.environ.items() if k != "DAGSTER_HOME"}
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=1800)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return root


def spark_table(root: Path, schema: str, table: str) -> pd.DataFrame | None:
    """A Spark table read from its Parquet files (no second Spark session needed);
    None when the table exists but holds no rows (no files)."""
    folder = root / "spark" / "warehouse" / f"{schema}.db" / table
    assert folder.is_dir(), f"{schema}.{table} was not written by the Spark run"
    if not any(folder.rglob("*.parquet")):
        return None
    return duckdb.sql(
        f"select * from read_parquet('{folder}/**/*.parquet', hive_partitioning = true)"
    ).df()


def duckdb_table(warehouse: Path, schema: str, table: str) -> pd.DataFrame:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute(f"select * from {schema}.{table}").df()


def same_rows(a: pd.DataFrame, b: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    def norm(frame):
        out = (
            frame[columns]
            .astype(str)
            .replace({"None": "", "nan": "", "NaT": "", "<NA>": ""})
        )
        return out.sort_values(columns, ignore_index=True)

    return norm(a), norm(b)


def test_spark_gives_the_same_lists(spark_run, warehouse):
    listed = 0
    for name in LIST_MARTS:
        expected = duckdb_table(warehouse, "marts", name)
        got = spark_table(spark_run, "marts", name)
        if got is None:  # a list with nobody on it, in both runs
            assert expected.empty, (
                f"{name}: Spark listed nobody, DuckDB {len(expected)} rows"
            )
            continue
        columns = sorted(set(expected.columns) - {"match_probability"})
        assert set(got.columns) >= set(columns), name
        a, b = same_rows(expected, got, columns)
        pd.testing.assert_frame_equal(a, b, obj=name)
        listed += len(a)
    assert listed > 50  # the comparison is not of empty lists


def test_spark_gives_the_same_links(spark_run, warehouse):
    expected = duckdb_table(warehouse, "linkage", "person_links")
    got = spark_table(spark_run, "linkage", "person_links")
    a, b = same_rows(expected, got, ["report_month", *LINK_KEY])
    pd.testing.assert_frame_equal(a, b)
    both = expected.merge(
        got, on=["report_month", *LINK_KEY], suffixes=("_duckdb", "_spark")
    )
    diff = (both["match_probability_duckdb"] - both["match_probability_spark"]).abs()
    assert diff.max() < 1e-9
    keys = spark_table(spark_run, "linkage", "person_keys")
    assert len(keys) == len(duckdb_table(warehouse, "linkage", "person_keys"))


def test_spark_exports_are_byte_identical(spark_run, warehouse):
    for month in MONTHS:
        ours = sorted(
            p.relative_to(spark_run)
            for p in (spark_run / "exports" / month).rglob("*.csv")
        )
        theirs = sorted(
            p.relative_to(warehouse.parent)
            for p in (warehouse.parent / "exports" / month).rglob("*.csv")
        )
        assert ours and ours == theirs
        for rel in ours:
            assert (spark_run / rel).read_bytes() == (
                warehouse.parent / rel
            ).read_bytes(), rel


def test_spark_gates_and_quarantine_ran_on_spark(spark_run, warehouse):
    """Every file was staged in Spark tables with the same rows, and the GX gates
    wrote the month's Data Docs."""
    for table in ("calworks_persons", "cws_clients", "cws_cases"):
        assert len(spark_table(spark_run, "raw", table)) == len(
            duckdb_table(warehouse, "raw", table)
        )
    # the Spark tables hold personal data: their folder is the owner's alone
    assert (spark_run / "spark").stat().st_mode & 0o077 == 0
    for month in MONTHS:
        assert (spark_run / "reports" / month / "data_quality").is_dir()
        assert (spark_run / "reports" / month / "evaluation.html").is_file()
