"""`linkages run` over generated months: every gate passes, nothing is lost."""

import dagster as dg
import duckdb
import pandas as pd
import pytest

from contract import SOURCE_FILES
from orchestration.cli import main
from orchestration.lib.instance import recorded_instance
from tests.conftest import DEMO_START
from tests.e2e.conftest import MONTHS
from tests.fixtures.rules_case import list_keys


def test_the_month_range_is_a_backfill_that_materializes_every_month(
    recorded_run, monkeypatch
):
    monkeypatch.setenv("DAGSTER_HOME", str(recorded_run.dagster_home))
    instance = recorded_instance()
    runs = instance.get_runs()
    assert sorted(r.tags["dagster/partition"] for r in runs) == MONTHS
    assert all(r.status == dg.DagsterRunStatus.SUCCESS for r in runs)
    for key in (
        ["raw", "cws_clients"],
        ["linkage", "person_links"],
        ["marts", "match_list_mutual_cases"],
        ["exports", "office_lists"],
    ):
        assert instance.get_materialized_partitions(dg.AssetKey(key)) == set(MONTHS), (
            key
        )
    # the linkage's metadata counts the birth dates and SSNs read as stand-ins for
    # an unknown one (the generator keys none that the gates pass: a count here
    # would be real values lost)
    links = instance.get_latest_materialization_event(
        dg.AssetKey(["linkage", "person_links"])
    ).asset_materialization.metadata
    for system in ("calworks", "cws"):
        for field in ("birth_date", "ssn"):
            assert links[f"{system}_{field}_stand_ins"].value == 0
    assert links["calworks_records"].value > 0


def test_generated_months_stage_every_row(generated, warehouse):
    with duckdb.connect(str(warehouse), read_only=True) as con:
        for month in MONTHS:
            for spec in SOURCE_FILES:
                in_file = len(
                    pd.read_csv(
                        generated / "landing" / month / f"{spec.name}.csv", dtype=str
                    )
                )
                staged = con.execute(
                    f"select count(*) from raw.{spec.name} where report_month = ?",
                    [month],
                ).fetchone()[0]
                rejected = con.execute(
                    f"select count(*) from quarantine.{spec.name} where report_month = ?",
                    [month],
                ).fetchone()[0]
                assert (staged, rejected) == (in_file, 0), spec.name


def test_rerun_replaces_the_month(generated, warehouse):
    with duckdb.connect(str(warehouse), read_only=True) as con:
        before = con.execute("select count(*) from raw.calworks_persons").fetchone()[0]
    assert (
        main(
            [
                "run",
                "--landing",
                str(generated / "landing"),
                "--month",
                DEMO_START,
                "--warehouse",
                str(warehouse),
            ]
        )
        == 0
    )
    with duckdb.connect(str(warehouse), read_only=True) as con:
        after = con.execute("select count(*) from raw.calworks_persons").fetchone()[0]
    assert after == before


def test_missing_file_fails_the_month_and_names_it(generated, tmp_path):
    """... on a plain terminal: our summary on stdout; Dagster's step errors, stack
    traces and library warnings only in the month's run.log (stderr is empty)."""
    from tests.e2e.test_faults import linkages

    landing = tmp_path / "landing" / "2025-11"
    landing.mkdir(parents=True)
    for spec in SOURCE_FILES:
        if spec.name != "cws_referrals":
            (landing / f"{spec.name}.csv").write_bytes(
                (generated / "landing" / "2025-11" / f"{spec.name}.csv").read_bytes()
            )
    proc = linkages(tmp_path / "landing", tmp_path / "wh.duckdb", "2025-11")
    out = proc.stdout
    assert proc.returncode == 1
    assert "cws_referrals: required file missing" in out
    assert len(proc.stderr.splitlines()) <= 1, proc.stderr
    assert "Traceback" not in out and "Stack Trace" not in out
    log = (tmp_path / "reports" / "2025-11" / "run.log").read_text()
    assert "STEP_FAILURE" in log  # Dagster's own account is kept, in the log
    # what references the referrals is not built; the CalWORKs side still is
    with duckdb.connect(str(tmp_path / "wh.duckdb"), read_only=True) as con:
        tables = {
            r[0]
            for r in con.execute(
                "select table_name from information_schema.tables where table_schema = 'raw'"
            ).fetchall()
        }
    assert "cws_allegations" not in tables
    assert "calworks_persons" in tables


def _copy_month(generated, tmp_path, month="2025-11"):
    folder = tmp_path / "landing" / month
    folder.mkdir(parents=True)
    for spec in SOURCE_FILES:
        (folder / f"{spec.name}.csv").write_bytes(
            (generated / "landing" / month / f"{spec.name}.csv").read_bytes()
        )
    return folder


def _raw_months(warehouse, table):
    with duckdb.connect(str(warehouse), read_only=True) as con:
        exists = con.execute(
            "select count(*) from information_schema.tables where table_schema = 'raw' and table_name = ?",
            [table],
        ).fetchone()[0]
        return (
            con.execute(f"select count(*) from raw.{table}").fetchone()[0]
            if exists
            else None
        )


def test_duplicate_keys_block_what_depends_on_the_file(generated, tmp_path, capsys):
    folder = _copy_month(generated, tmp_path)
    cases = folder / "calworks_cases.csv"
    lines = cases.read_text().splitlines()
    cases.write_text("\n".join(lines + lines[1:3]) + "\n")  # two cases twice
    wh = tmp_path / "wh.duckdb"
    code = main(
        [
            "run",
            "--landing",
            str(tmp_path / "landing"),
            "--month",
            "2025-11",
            "--warehouse",
            str(wh),
        ]
    )
    out = capsys.readouterr().out
    assert code == 1
    assert (
        "check raw/calworks_cases contract_gate failed: duplicate primary key (case_number): 4 rows"
        in out
    )
    assert _raw_months(wh, "calworks_persons") is None  # never built
    assert _raw_months(wh, "cws_clients") > 0  # the CWS side is independent


def test_more_than_five_percent_quarantined_stops_dependents_but_keeps_rows(
    generated, tmp_path, capsys
):
    folder = _copy_month(generated, tmp_path)
    cases = folder / "calworks_cases.csv"
    lines = cases.read_text().splitlines()
    n_bad = len(lines) // 10
    bad = [
        line.replace(',"ACTIVE",', ',"REOPENED",')
        .replace(',"DISCONTINUED",', ',"REOPENED",')
        .replace(',"PENDING",', ',"REOPENED",')
        .replace(',"DENIED",', ',"REOPENED",')
        for line in lines[1 : n_bad + 1]
    ]
    cases.write_text("\n".join([lines[0], *bad, *lines[n_bad + 1 :]]) + "\n")
    wh = tmp_path / "wh.duckdb"
    code = main(
        [
            "run",
            "--landing",
            str(tmp_path / "landing"),
            "--month",
            "2025-11",
            "--warehouse",
            str(wh),
        ]
    )
    out = capsys.readouterr().out
    assert code == 1
    assert "check raw/calworks_cases quarantine_within_limit failed" in out
    assert _raw_months(wh, "calworks_persons") is None
    with duckdb.connect(str(wh), read_only=True) as con:
        kept = con.execute(
            "select count(*), min(broken_rules) from quarantine.calworks_cases"
        ).fetchone()
        staged = con.execute("select count(*) from raw.calworks_cases").fetchone()[0]
    assert kept == (n_bad, "program_status: code outside its set")
    assert staged + n_bad == len(lines) - 1  # nothing lost


@pytest.mark.parametrize(
    "name", ["match_list_mutual_cases", "match_list_mutual_clients"]
)
def test_lists_agree_with_the_true_lists(generated, warehouse, name):
    """On the small demo county the saved model reproduces the true lists. The
    0.99 goal is measured at county size (benchmarks/lists_quality.py). Here the
    floors leave room for one ambiguous person in a sample of a few dozen rows:
    e.g. a mother with a married surname, no SSN and another address in CWS, whom
    first name and birth date alone cannot identify in a county-sized population."""
    listed = true = both = 0
    with duckdb.connect(str(warehouse), read_only=True) as con:
        for month in MONTHS:
            got = list_keys(
                con.execute(
                    f"select * from marts.{name} where report_month = ?", [month]
                ).df()
            )
            truth = pd.read_csv(
                generated / "truth" / month / f"{name}.csv",
                dtype=str,
                keep_default_na=False,
            )
            want = list_keys(truth.replace("", None))
            listed, true, both = (
                listed + len(got),
                true + len(want),
                both + len(got & want),
            )
    assert true >= 15  # enough rows for the rates to mean something
    assert both / listed >= 0.97 and both / true >= 0.88, (listed, true, both)


def test_every_list_mart_and_the_links_are_built(warehouse):
    with duckdb.connect(str(warehouse), read_only=True) as con:
        # homeless and sanction rows are rare: a small sample may hold none, but the tables exist
        for table in ("marts.match_list_homeless", "marts.match_list_sanction"):
            assert con.execute(f"select count(*) from {table}").fetchall()[0][0] >= 0
        for table in (
            "marts.match_list_mutual_cases",
            "marts.family_prevention_level",
            "marts.mutual_family_history",
            "linkage.person_links",
            "linkage.person_keys",
        ):
            assert con.execute(f"select count(*) from {table}").fetchall()[0][0] > 0, (
                table
            )
        months = con.execute(
            "select distinct report_month from marts.family_prevention_level order by 1"
        ).fetchall()
    assert [m[0] for m in months] == MONTHS


def test_exports_are_complete_private_and_byte_identical_on_rerun(warehouse):
    import hashlib
    import json
    import stat

    from orchestration.defs.delivery.export import EXPORT_COLUMNS, export_month

    folder = warehouse.parent / "exports" / MONTHS[-1]
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["files"], "no export files"
    before = {}
    for entry in manifest["files"]:
        path = folder / entry["file"]
        data = path.read_bytes()
        assert hashlib.sha256(data).hexdigest() == entry["sha256"]
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        before[entry["file"]] = data
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    csv = pd.read_csv(folder / manifest["files"][0]["file"], dtype=str)
    assert list(csv.columns) == EXPORT_COLUMNS
    assert not any("allegation" in c or "disposition" in c for c in csv.columns)
    # every listed row reaches exactly one office file
    with duckdb.connect(str(warehouse)) as con:
        listed = con.execute(
            "select count(*) from marts.match_list_mutual_cases where report_month = ?",
            [MONTHS[-1]],
        ).fetchall()[0][0]
        exported = sum(
            e["rows"]
            for e in manifest["files"]
            if e["list"] == "match_list_mutual_cases" and e["file"].endswith(".csv")
        )
        assert exported == listed
        export_month(con, MONTHS[-1], warehouse.parent / "exports")
        logged = con.execute(
            "select count(*) from audit.export_log where report_month = ?", [MONTHS[-1]]
        ).fetchall()[0][0]
    assert logged == len(manifest["files"])
    after = {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in folder.rglob("*.*")
        if p.name != "manifest.json"
    }
    assert after == before


def test_person_keys_are_stable_from_month_to_month(warehouse):
    with duckdb.connect(str(warehouse), read_only=True) as con:
        kept, both = con.execute(
            """select count(*) filter (where a.person_key = b.person_key), count(*)
               from linkage.person_keys a join linkage.person_keys b
                 on a.system = b.system and a.record_id = b.record_id
               where a.report_month = ? and b.report_month = ?""",
            MONTHS,
        ).fetchall()[0]
    assert both > 1000
    assert kept / both >= 0.999, (kept, both)


def test_evaluation_report_shows_the_suppressed_reporting_tables(warehouse):
    """The page is self-contained and lays out what reporting holds: Table 3's cells
    are exactly those the reporting schema gives, hidden ones included."""
    from orchestration.defs.report.render import TABLES, read_table, table_3

    page = warehouse.parent / "reports" / MONTHS[-1] / "evaluation.html"
    text = page.read_text(encoding="utf-8")
    assert "<script" not in text and "http" not in text  # self-contained
    with duckdb.connect(str(warehouse), read_only=True) as con:
        frames = {t: read_table(con, t, MONTHS[-1]) for t in TABLES}
    want = table_3(frames)
    shown = [t for t in pd.read_html(page, keep_default_na=False) if "Indicator" in t]
    assert len(shown) == 1
    assert shown[0].astype(str).values.tolist() == want.astype(str).values.tolist()
    for name in ("n_families", "EXCLUDED_UNKNOWN_OR_BLANK", "mean_longest"):
        assert name not in text
