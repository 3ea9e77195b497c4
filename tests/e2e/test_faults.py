"""Faults: a run killed in linkage, in dbt and in exports, then rerun, ends
exactly as a clean run; an unchanged month rerun changes nothing; two runs on
one warehouse do not interleave; a corrected extract for a past month rebuilds
that month, updates the history, and leaves later months' lists alone."""

import hashlib
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from tests.conftest import DEMO_START

REPO = Path(__file__).resolve().parents[2]
MONTH = DEMO_START
# compared as a whole: everything a month's run writes but the audit trail (run ids, times)
SCHEMAS = ("raw", "quarantine", "linkage", "marts", "reporting")


def linkages(
    landing: Path,
    warehouse: Path,
    month: str = MONTH,
    fault: str = "none",
    wait: bool = True,
) -> subprocess.CompletedProcess | subprocess.Popen:
    """`linkages run` in its own process group (a planted kill takes all it started)."""
    cmd = [
        sys.executable,
        "-m",
        "tests.e2e.fault_injection",
        fault,
        "run",
        "--landing",
        str(landing),
        "--month",
        month,
        "--warehouse",
        str(warehouse),
    ]
    if not wait:
        return subprocess.Popen(
            cmd,
            cwd=REPO,
            start_new_session=True,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
    return subprocess.run(
        cmd,
        cwd=REPO,
        start_new_session=True,
        capture_output=True,
        text=True,
        timeout=900,
    )


def table_digests(warehouse: Path, where: str = "true") -> dict[str, str]:
    """SHA-256 of every table's rows in a fixed order. Doubles are rounded to 9
    places: a parallel sum may differ in its last bit from run to run."""
    digests = {}
    with duckdb.connect(str(warehouse), read_only=True) as con:
        tables = con.execute(
            "select table_schema || '.' || table_name from information_schema.tables "
            f"where table_schema in {SCHEMAS} order by 1"
        ).fetchall()
        for (table,) in tables:
            cols = [r[0] for r in con.execute(f"describe {table}").fetchall()]
            if where != "true" and "report_month" not in cols:
                continue
            df = con.execute(f"select * from {table} where {where} order by all").df()
            floats = df.select_dtypes("float").columns
            df[floats] = df[floats].round(9)
            digests[table] = hashlib.sha256(df.to_csv(index=False).encode()).hexdigest()
        # the audit log only grows (a rerun adds its rows): what was written, not how often
        audit = con.execute(
            "select distinct list, office_code, rows, sha256 from audit.export_log "
            f"where {where} and list <> 'review_queue' order by all"
        ).df()
    digests["audit.export_log"] = hashlib.sha256(
        audit.to_csv(index=False).encode()
    ).hexdigest()
    return digests


def file_digests(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def outputs(warehouse: Path, month: str = MONTH) -> tuple[dict, dict]:
    return table_digests(warehouse), file_digests(warehouse.parent / "exports" / month)


def tables(warehouse: Path) -> set[str]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        rows = con.execute(
            "select table_schema || '.' || table_name from information_schema.tables"
        ).fetchall()
    return {r[0] for r in rows}


@pytest.fixture(scope="module")
def clean_run(generated, tmp_path_factory) -> Path:
    warehouse = tmp_path_factory.mktemp("clean") / "warehouse.duckdb"
    proc = linkages(generated / "landing", warehouse)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return warehouse


@pytest.fixture(scope="module")
def clean(clean_run) -> tuple[dict, dict]:
    tables_of, files = outputs(clean_run)
    assert {
        "linkage.person_keys",
        "marts.match_list_mutual_cases",
        "reporting.rpt_event_types",
    } <= set(tables_of)
    assert "manifest.json" in files and len(files) > 3
    return tables_of, files


# what the warehouse shows right after each kill: proof it struck in that stage
KILLED_STATE = {
    "linkage": (
        {"linkage.person_pairs", "linkage.person_links"},
        {"linkage.person_keys", "marts.match_list_homeless"},
    ),
    "dbt": (
        {"linkage.person_keys", "marts.match_list_homeless"},
        {"marts.mutual_family_history", "audit.export_log"},
    ),
    "exports": (
        {"marts.mutual_family_history", "reporting.rpt_event_types"},
        {"audit.export_log"},
    ),
}


@pytest.mark.parametrize("stage", list(KILLED_STATE))
def test_a_run_killed_mid_stage_then_rerun_equals_a_clean_run(
    stage, generated, clean, tmp_path
):
    warehouse = tmp_path / "warehouse.duckdb"
    killed = linkages(generated / "landing", warehouse, fault=stage)
    assert killed.returncode == -signal.SIGKILL, killed.stdout + killed.stderr
    present, absent = KILLED_STATE[stage]
    assert present <= tables(warehouse) and not absent & tables(warehouse)
    if stage == "exports":
        month_folder = tmp_path / "exports" / MONTH
        assert (
            len(file_digests(month_folder)) == 3
            and not (month_folder / "manifest.json").exists()
        )

    rerun = linkages(generated / "landing", warehouse)
    assert rerun.returncode == 0, rerun.stdout + rerun.stderr
    assert outputs(warehouse) == clean


def _audit_log(warehouse: Path) -> pd.DataFrame:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute("select * from audit.export_log order by all").df()


def test_a_rerun_of_an_unchanged_month_changes_nothing(generated, clean_run, clean):
    """... but the audit log, which keeps every earlier row and adds the rerun's own."""
    before = _audit_log(clean_run)
    rerun = linkages(generated / "landing", clean_run)
    assert rerun.returncode == 0, rerun.stdout + rerun.stderr
    assert outputs(clean_run) == clean
    after = _audit_log(clean_run)
    kept = after.merge(before, how="inner")
    assert len(kept) == len(before)  # every earlier row, unchanged
    added = after.loc[~after["run_id"].isin(before["run_id"])]
    files = [f for f in clean[1] if f != "manifest.json"]
    assert len(added) == len(files) and added["run_id"].nunique() == 1
    assert set(added.columns) >= {
        "run_id",
        "report_month",
        "office_code",
        "list",
        "file",
        "sha256",
        "rows",
        "written_at",
    }
    assert (added["written_at"] > before["written_at"].max()).all()
    assert sorted(added["sha256"]) == sorted(before["sha256"])  # the same files again


def test_a_review_queue_export_is_in_the_audit_log(clean_run, tmp_path):
    from orchestration.cli import main

    queue = tmp_path / "queue.csv"
    assert (
        main(
            [
                "review",
                "export",
                str(queue),
                "--warehouse",
                str(clean_run),
                "--month",
                MONTH,
            ]
        )
        == 0
    )
    logged = _audit_log(clean_run).query("list == 'review_queue'")
    assert logged[["file", "sha256"]].values.tolist() == [
        [str(queue), hashlib.sha256(queue.read_bytes()).hexdigest()]
    ]
    assert logged["rows"].tolist() == [len(pd.read_csv(queue))]


def test_a_second_run_on_the_same_warehouse_stops_with_a_clear_message(
    generated, clean, tmp_path
):
    warehouse = tmp_path / "warehouse.duckdb"
    first = linkages(generated / "landing", warehouse, wait=False)
    lock = Path(str(warehouse) + ".lock")
    deadline = time.monotonic() + 120
    while (
        not (lock.exists() and lock.read_text().startswith("pid"))
        and time.monotonic() < deadline
    ):
        time.sleep(0.2)
    second = linkages(generated / "landing", warehouse)
    out, err = first.communicate(timeout=900)
    assert second.returncode == 3
    assert (
        f"another `linkages run` is using the warehouse {warehouse} (pid {first.pid}"
        in second.stderr
    )
    assert "stopped before touching it" in second.stderr
    assert first.returncode == 0, out + err
    assert outputs(warehouse) == clean  # the first run finished as if alone


def test_a_corrected_past_month_is_rebuilt_and_later_months_keep_their_lists(
    generated, recorded_run, tmp_path
):
    """The family's CWS case turns out closed mid-November: November is rerun, and
    December after it, since December's history reads November's lists; December's
    lists and exports do not move; its history now starts in December."""
    from tests.e2e.conftest import MONTHS

    november, december = MONTHS
    shutil.copytree(recorded_run.warehouse.parent / "exports", tmp_path / "exports")
    warehouse = shutil.copy(recorded_run.warehouse, tmp_path / "warehouse.duckdb")
    landing = shutil.copytree(generated / "landing", tmp_path / "landing")
    with duckdb.connect(str(warehouse), read_only=True) as con:
        family = con.execute(
            """select h.calworks_case_number, h.cws_case_id, h.months_listed from marts.mutual_family_history h
               join raw.cws_cases c on c.case_id = h.cws_case_id and c.report_month = $nov
               where h.first_identified_month = $nov and h.last_listed_month = $dec
                 and c.case_start_date < date '2025-11-01'
               order by all limit 1""",
            {"nov": november, "dec": december},
        ).fetchall()[0]
    before_december = table_digests(warehouse, f"report_month = '{december}'")
    exports_december = file_digests(tmp_path / "exports" / december)

    cases_file = landing / november / "cws_cases.csv"
    cases = pd.read_csv(cases_file, dtype=str, keep_default_na=False)
    cases.loc[cases["case_id"] == family[1], "case_end_date"] = "2025-11-15"
    cases.to_csv(cases_file, index=False)
    rerun = linkages(landing, Path(warehouse), month=november)
    assert rerun.returncode == 0, rerun.stdout + rerun.stderr
    assert (
        f"{november}: changed since it was last run; later months read it and are rebuilt: {december}"
        in rerun.stdout
    )
    assert rerun.stdout.index(f"{december}: ok") > rerun.stdout.index(f"{november}: ok")

    with duckdb.connect(str(warehouse), read_only=True) as con:
        listed = con.execute(
            """select count(*) from (select cws_case_id from marts.match_list_mutual_cases where report_month = $m
               union all select cws_case_id from marts.match_list_mutual_clients where report_month = $m)
               where cws_case_id = $case""",
            {"m": november, "case": family[1]},
        ).fetchall()[0][0]
        history = con.execute(
            "select report_month, first_identified_month, months_listed from marts.mutual_family_history "
            "where calworks_case_number = ? and cws_case_id = ?",
            [family[0], family[1]],
        ).fetchall()
    assert listed == 0
    assert history == [
        (december, december, family[2] - 1)
    ]  # as of November it was not listed
    after_december = table_digests(Path(warehouse), f"report_month = '{december}'")
    unmoved = [
        t
        for t in before_december
        if t.startswith(("raw.", "quarantine.", "linkage.", "marts.match_list_"))
    ]
    assert {t: after_december[t] for t in unmoved} == {
        t: before_december[t] for t in unmoved
    }
    assert (
        after_december["marts.mutual_family_history"]
        != before_december["marts.mutual_family_history"]
    )
    assert file_digests(tmp_path / "exports" / december) == exports_december
