"""Build the dbt project over a warehouse the test fills by hand."""

import json
import os
import subprocess

import duckdb
import pandas as pd

from contract import DATE, DECIMAL, FILES_BY_NAME, INT
from matching.people import create_calworks_people
from orchestration.defs.transform.assets import DBT_DIR, DBT_EXECUTABLE

SQL_TYPES = {DATE: "date", INT: "bigint", DECIMAL: "decimal(18, 2)"}


def load_raw(con, month: str, frames: dict[str, pd.DataFrame]) -> None:
    """raw.<file> for every source file, typed as the ingest types them;
    columns a fixture leaves out are null."""
    con.execute("create schema if not exists raw")
    for name, spec in FILES_BY_NAME.items():
        cols = ", ".join(
            f'"{c.name}" {SQL_TYPES.get(c.kind, "varchar")}' for c in spec.columns
        )
        con.execute(
            f"create table if not exists raw.{name} (report_month varchar, {cols}, _source_row bigint)"
        )
        frame = frames.get(name)
        if frame is not None and len(frame):
            con.register("_f", frame.assign(report_month=month))
            present = ", ".join(f'"{c}"' for c in frame.columns) + ", report_month"
            con.execute(f"insert into raw.{name} ({present}) select {present} from _f")
            con.unregister("_f")
    # the daily route's notices (orchestration/defs/transform/daily_notices.py): none
    con.execute(
        "create table if not exists raw.daily_notices (as_of_date date,"
        " calworks_case_number varchar, cws_case_id varchar, referral_id varchar,"
        " event varchar, report_month varchar)"
    )


def load_links(con, month: str, links: pd.DataFrame) -> None:
    con.execute("create schema if not exists linkage")
    con.execute(
        "create table if not exists linkage.person_links (report_month varchar, calworks_person_id varchar,"
        " cws_client_id varchar, match_probability double, link_basis varchar)"
    )
    con.register("_l", links.assign(report_month=month))
    con.execute("insert into linkage.person_links by name select * from _l")
    con.unregister("_l")
    # the linkage step's queue and quality tables, empty: no pair to review, no QA verdict
    con.execute(
        "create table if not exists linkage.review_queue (report_month varchar,"
        " calworks_person_id varchar, cws_client_id varchar, match_probability double,"
        " sample varchar)"
    )
    con.execute(
        "create table if not exists linkage.link_quality (report_month varchar,"
        " score_band varchar, link_basis varchar, band_low double, band_high double,"
        " qa_pairs_decided bigint, qa_matches bigint, precision double,"
        " precision_low double, precision_high double)"
    )
    create_calworks_people(con)  # as the linkage step does
    load_keys(
        con,
        month,
        pd.DataFrame(columns=["system", "record_id", "person_key", "person_hash"]),
    )


def load_keys(con, month: str, keys: pd.DataFrame) -> None:
    """linkage.person_keys rows: system, record_id, person_key, person_hash."""
    con.execute(
        "create table if not exists linkage.person_keys (report_month varchar, system varchar,"
        " record_id varchar, person_key varchar, person_hash varchar)"
    )
    con.register("_k", keys.astype(str).assign(report_month=month))
    con.execute("insert into linkage.person_keys by name select * from _k")
    con.unregister("_k")


def run_dbt(
    warehouse, month: str, target_dir, select: str | None = None, **dbt_vars
) -> subprocess.CompletedProcess:
    """`dbt build` for one report month: the whole project, or `select`."""
    env = {**os.environ, "LINKAGES_WAREHOUSE_PATH": str(warehouse)}
    cmd = [
        DBT_EXECUTABLE,
        "build",
        "--project-dir",
        str(DBT_DIR),
        "--profiles-dir",
        str(DBT_DIR),
        "--target-path",
        str(target_dir),
        "--vars",
        json.dumps({"report_month": month, **dbt_vars}),
    ]
    if select:
        cmd += ["--select", select]
    return subprocess.run(cmd, env=env, capture_output=True, text=True, cwd=DBT_DIR)


def read(warehouse, sql: str) -> pd.DataFrame:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute(sql).df()
