"""Analysts and the pipeline side by side: the analysts' copy (analytics.duckdb)
held open across a run blocks nothing and keeps reading what it opened; it holds
no personal column; a warehouse held by another program stops the run at once
with one line saying what to do."""

import os
import subprocess
import sys
import time

import duckdb
import pytest

from contract import SOURCE_FILES
from orchestration.cli import main
from orchestration.defs.analytics.assets import analyst_tables
from orchestration.lib.privacy import PERSONAL_FIELDS, personal_columns
from orchestration.runner import EXIT_BUSY
from tests.conftest import DEMO_START
from tests.e2e.test_privacy import leaks, personal_values

SECOND_MONTH = "2025-12"

# an analyst's notebook: opens the copy read-only, reads, waits for the run, reads again
ANALYST = """
import sys, duckdb
con = duckdb.connect(sys.argv[1], read_only=True)
months = "select count(distinct report_month) from reporting.rpt_list_counts"
print(con.execute(months).fetchall()[0][0], flush=True)
sys.stdin.readline()
print(con.execute(months).fetchall()[0][0], flush=True)
"""
HOLD_READ_ONLY = """
import sys, time, duckdb
con = duckdb.connect(sys.argv[1], read_only=True)
print("ready", flush=True)
time.sleep(120)
"""


def run(landing, month, warehouse) -> int:
    return main(
        ["run", "--landing", str(landing), "--month", month]
        + ["--warehouse", str(warehouse)]
    )


@pytest.fixture(scope="module")
def copy_run(generated, tmp_path_factory):
    """Month one run, an analyst opens the copy and keeps it open while month two
    runs. Returns the copy, month two's exit code and what the analyst read."""
    root = tmp_path_factory.mktemp("analyst")
    landing = generated / "landing"
    assert run(landing, DEMO_START, root / "warehouse.duckdb") == 0
    copy = root / "analytics.duckdb"
    analyst = subprocess.Popen(
        [sys.executable, "-c", ANALYST, str(copy)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    before = analyst.stdout.readline().strip()
    code = run(landing, SECOND_MONTH, root / "warehouse.duckdb")
    after, _ = analyst.communicate("go\n", timeout=60)
    return copy, code, (before, after.strip())


def test_an_analyst_holding_the_copy_open_never_blocks_a_run(copy_run):
    copy, code, (before, after) = copy_run
    assert code == 0  # 0 failed steps and checks
    # the open connection kept reading the file it opened (one month) ...
    assert (before, after) == ("1", "1")
    # ... and the next open sees the new one, both months
    with duckdb.connect(str(copy), read_only=True) as con:
        months = con.execute(
            "select distinct report_month from reporting.rpt_list_counts order by 1"
        ).fetchall()
    assert months == [(DEMO_START,), (SECOND_MONTH,)]
    assert oct(copy.stat().st_mode & 0o777) == oct(0o444)
    assert [p.name for p in copy.parent.iterdir() if p.name.endswith(".tmp")] == []


def test_the_copy_holds_every_analyst_table_and_no_personal_column(copy_run, generated):
    copy, _, _ = copy_run
    # every personal field of the contract, and the lists' record ids, caught by name
    contract = {c.name for spec in SOURCE_FILES for c in spec.columns}
    assert set(PERSONAL_FIELDS) <= contract
    also = ["calworks_person_id", "cws_client_id", "first_name_std", "person_key"]
    assert personal_columns([*PERSONAL_FIELDS, *also]) == [*PERSONAL_FIELDS, *also]
    assert (
        personal_columns(["person_hash", "calworks_case_number", "cws_case_id"]) == []
    )
    values = personal_values(generated / "landing")
    found = []
    with duckdb.connect(str(copy), read_only=True) as con:
        tables = [
            f"{s}.{t}"
            for s, t in con.execute(
                "select table_schema, table_name from information_schema.tables"
            ).fetchall()
        ]
        assert sorted(tables) == analyst_tables()
        assert len(tables) == 22 and "reporting.rpt_list_counts" in tables
        for table in tables:
            df = con.execute(f"select * from {table}").df()
            found += [f"{c} in {table}" for c in personal_columns(df.columns)]
            found += leaks(
                df.to_csv(index=False), {**values, "birth date": set()}, table
            )
        counts = con.execute(
            "select count(*) from reporting.rpt_list_counts where report_month = ?",
            [DEMO_START],
        ).fetchall()
    assert found == []
    assert counts == [(4,)]  # one row per list


def test_a_held_warehouse_stops_the_run_with_one_line_before_any_step(
    generated, tmp_path, monkeypatch, capsys
):
    warehouse = tmp_path / "warehouse.duckdb"
    duckdb.connect(str(warehouse)).close()
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_READ_ONLY, str(warehouse)],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout.readline().strip() == "ready"
    monkeypatch.setenv("LINKAGES_WAREHOUSE_WAIT_SECONDS", "2")
    started = time.monotonic()
    try:
        code = run(generated / "landing", f"{DEMO_START}..{SECOND_MONTH}", warehouse)
    finally:
        holder.kill()
        holder.wait()
    out = capsys.readouterr().out
    assert code == EXIT_BUSY
    lines = [line for line in out.splitlines() if line.strip()]
    assert lines == [
        f"{DEMO_START}: not run: warehouse {warehouse} is still in use by another "
        "process after 2 s: close the program that has it open (a DuckDB CLI, "
        f"DBeaver, a notebook) or point it at the analyst copy "
        f"{tmp_path / 'analytics.duckdb'}, then run again "
        "(set LINKAGES_WAREHOUSE_WAIT_SECONDS to wait longer)"
    ]
    assert time.monotonic() - started < 60  # no step waited its turn
    with duckdb.connect(str(warehouse), read_only=True) as con:
        assert con.execute(
            "select count(*) from information_schema.tables"
        ).fetchall() == [(0,)]
    assert not os.path.exists(tmp_path / "analytics.duckdb")
