"""No name, SSN or birth date from the input anywhere but the warehouse, the
exports and the review folder: not in the terminal, the run log, the reports,
the Data Docs, Dagster's events and metadata, dbt's logs and artifacts, nor in
the messages of a run that failed on bad rows. Analyst marts carry no person
identifier but the keyed hash."""

import os
import re
import stat
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from dagster._serdes import serialize_value

from orchestration.defs.transform.assets import DBT_DIR
from orchestration.lib.instance import recorded_instance
from tests.conftest import DEMO_START

REPO = Path(__file__).resolve().parents[2]
NAME_COLUMNS = ("first_name", "last_name")
DOB_COLUMNS = ("date_of_birth", "birth_date")


def personal_values(landing: Path) -> dict[str, set[str]]:
    """The month's full names, SSNs (with and without dashes) and birth dates.
    Birth dates on a month's first or last day are left out: the pipeline writes
    month bounds itself (a child born 2025-11-01 shares that date with November's
    window). The other ~29 days in 31 still show any path a birth date could leak by."""
    month = landing / DEMO_START
    persons = pd.read_csv(
        month / "calworks_persons.csv", dtype=str, keep_default_na=False
    )
    clients = pd.read_csv(month / "cws_clients.csv", dtype=str, keep_default_na=False)
    names, ssns, dobs = set(), set(), set()
    for df in (persons, clients):
        for first, last in zip(df["first_name"], df["last_name"], strict=True):
            if first and last:
                names |= {f"{first} {last}".upper(), f"{last}, {first}".upper()}
        dobs |= {d for c in DOB_COLUMNS if c in df for d in df[c] if d}
    for raw in persons["ssn"]:
        digits = re.sub(r"\D", "", raw)
        if len(digits) == 9:
            ssns |= {digits, f"{digits[:3]}-{digits[3:5]}-{digits[5:]}"}
    dobs = {d for d in dobs if not _month_bound(d)}
    return {"name": names, "ssn": ssns, "birth date": dobs}


def _month_bound(iso_date: str) -> bool:
    day = pd.Timestamp(iso_date)
    return day.is_month_start or day.is_month_end


def leaks(text: str, values: dict[str, set[str]], where: str) -> list[str]:
    """Each personal value found in `text`, as 'kind in where' (never the value)."""
    found = []
    upper = text.upper()
    for kind, pattern in (
        ("ssn", r"(?<![0-9A-Za-z])\d{3}-?\d{2}-?\d{4}(?![0-9A-Za-z])"),
        ("birth date", r"(?<![0-9])\d{4}-\d{2}-\d{2}(?![0-9])"),
    ):
        found += [
            f"{kind} in {where}"
            for token in set(re.findall(pattern, text))
            if token in values[kind]
        ]
    found += [f"name in {where}" for name in values["name"] if name in upper]
    return found


def files_to_scan(root: Path, since: float) -> list[Path]:
    """Everything the run wrote outside the warehouse, exports and landing: its
    reports and Data Docs, the Dagster home, and dbt's logs and artifacts."""
    kept_out = ("exports", "landing", "reviews")
    own = [
        p
        for p in root.rglob("*")
        if p.is_file()
        and not p.name.startswith("warehouse.duckdb")
        and not set(p.relative_to(root).parts) & set(kept_out)
    ]
    dbt = [
        p
        for d in ("target", "logs")
        for p in (DBT_DIR / d).rglob("*")
        if p.is_file() and p.stat().st_mtime >= since
    ]
    return own + dbt


@pytest.fixture(scope="module")
def privacy_run(generated, tmp_path_factory):
    """The demo month run as an operator runs it (own process, Dagster home set),
    then the same month with bad rows in the clients file (a failed run)."""
    root = tmp_path_factory.mktemp("privacy")
    landing = generated / "landing"
    bad_landing = root / "bad" / "landing"
    bad_month = bad_landing / DEMO_START
    bad_month.mkdir(parents=True)
    for f in (landing / DEMO_START).iterdir():
        (bad_month / f.name).write_bytes(f.read_bytes())
    clients = pd.read_csv(
        bad_month / "cws_clients.csv", dtype=str, keep_default_na=False
    )
    broken = clients.head(len(clients) // 10 + 1).assign(
        birth_date="31/12/1999", sex="Q"
    )
    pd.concat([clients, broken, clients.head(3)]).to_csv(
        bad_month / "cws_clients.csv", index=False
    )

    env = {**os.environ, "DAGSTER_HOME": str(root / "dagster_home")}
    started = time.time() - 1
    runs = []
    for land, folder in ((landing, root / "good"), (bad_landing, root / "bad")):
        proc = subprocess.run(
            [
                sys.executable,
                "-m",
                "orchestration.cli",
                "run",
                "--landing",
                str(land),
                "--month",
                DEMO_START,
                "--warehouse",
                str(folder / "warehouse.duckdb"),
            ],
            cwd=REPO,
            env=env,
            capture_output=True,
            text=True,
            timeout=900,
        )
        runs.append(proc)
    return root, runs, started


def test_a_failed_and_a_good_run_leave_no_personal_data_outside_their_place(
    generated, privacy_run, monkeypatch
):
    root, (good, bad), started = privacy_run
    assert good.returncode == 0, good.stdout + good.stderr
    assert (
        bad.returncode == 1 and "cws_clients" in bad.stdout
    )  # it failed on the bad rows
    values = personal_values(generated / "landing")
    assert all(len(v) > 50 for v in values.values())  # there is something to find

    found = leaks(good.stdout + good.stderr, values, "the terminal")
    found += leaks(bad.stdout + bad.stderr, values, "the terminal of the failed run")
    scanned = files_to_scan(root, started)
    assert any(p.name == "run.log" for p in scanned) and any(
        p.suffix == ".html" for p in scanned
    )
    for path in scanned:
        # the analysts' copy holds event dates, some on a day someone was born
        # (as the analyst tables, below): names and SSNs only
        kinds = {**values, "birth date": set()} if path.suffix == ".duckdb" else values
        found += leaks(
            path.read_bytes().decode("utf-8", errors="replace"), kinds, path.name
        )
    assert (root / "good" / "analytics.duckdb") in scanned

    monkeypatch.setenv("DAGSTER_HOME", str(root / "dagster_home"))
    instance = recorded_instance()
    records = instance.get_run_records()
    # the good run; the failed one, and its second pass over what the failure did not reach
    assert len(records) == 3
    for record in records:
        for entry in instance.all_logs(record.dagster_run.run_id):
            found += leaks(
                serialize_value(entry),
                values,
                f"a Dagster event of run {record.dagster_run.run_id[:8]}",
            )
    with duckdb.connect(str(root / "bad" / "warehouse.duckdb"), read_only=True) as con:
        if con.execute(
            "select count(*) from information_schema.tables where table_schema = 'ops'"
        ).fetchall()[0][0]:
            found += leaks(
                con.execute("select * from ops.run_failures").df().to_csv(),
                values,
                "ops.run_failures",
            )
    assert found == []


def test_analyst_marts_and_reporting_hold_no_names_ssns_dates_of_birth_or_record_ids(
    generated, privacy_run
):
    root, _, _ = privacy_run
    values = personal_values(generated / "landing")
    # list_name (rpt_list_false_links) names a list, not a person
    forbidden = re.compile(r"(?<!list_)name|ssn|birth|dob|client_id|person_id|address")
    found = []
    with duckdb.connect(str(root / "good" / "warehouse.duckdb"), read_only=True) as con:
        analyst = con.execute(
            "select table_schema || '.' || table_name from information_schema.tables "
            "where (table_schema = 'marts' and table_name like 'fct_%') or table_schema = 'reporting' order by 1"
        ).fetchall()
        # 8 outcome marts (fct_comparison_families among them), 14 reporting tables
        # (rpt_link_quality, rpt_list_false_links, rpt_list_counts, rpt_comparison_group,
        # rpt_monthly_trend, rpt_rereferral_families, rpt_identification_routes among them)
        assert len(analyst) == 22
        for (table,) in analyst:
            df = con.execute(f"select * from {table}").df()
            found += [
                f"column {c} in {table}" for c in df.columns if forbidden.search(c)
            ]
            # names and SSNs by value; birth dates by column only, as these tables
            # rightly hold event dates, some of which share a day with a birth
            found += leaks(
                df.to_csv(index=False), {**values, "birth date": set()}, table
            )
        hashed = con.execute(
            "select count(*), count(person_hash) from marts.fct_maltreatment_recurrence"
        ).fetchall()
    assert found == []
    assert hashed[0][0] == hashed[0][1]


def test_the_scan_finds_each_kind_of_value_it_looks_for(generated):
    values = personal_values(generated / "landing")
    name, ssn, dob = (sorted(values[k])[0] for k in ("name", "ssn", "birth date"))
    text = f"step failed for {name.title()} ssn={ssn} born {dob}; fine: 2025-11-01 PK0000000042"
    assert sorted(leaks(text, values, "a log")) == [
        "birth date in a log",
        "name in a log",
        "ssn in a log",
    ]


def test_the_warehouse_and_every_office_folder_are_owner_only(privacy_run):
    root, _, _ = privacy_run
    good = root / "good"
    mode = lambda p: stat.S_IMODE(p.stat().st_mode)  # noqa: E731
    assert mode(good / "warehouse.duckdb") == 0o600
    assert mode(good / "warehouse.duckdb.lock") == 0o600
    month = good / "exports" / DEMO_START
    offices = [p for p in month.iterdir() if p.is_dir()]
    files = [p for p in month.rglob("*") if p.is_file()]
    assert len(offices) > 1 and {mode(p) for p in [month, *offices]} == {0o700}
    assert {mode(p) for p in files} == {0o600}
    with duckdb.connect(str(good / "warehouse.duckdb"), read_only=True) as con:
        logged = con.execute("select file from audit.export_log").fetchall()
    assert sorted(Path(f) for (f,) in logged) == sorted(
        p for p in files if p.name != "manifest.json"
    )
