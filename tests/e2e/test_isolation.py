"""A bad source stops only what depends on it (CONTRACT.md §8), for each of the 13
files: with the file missing, or more than 5% of its rows bad, the run exits 1
naming the file, the rule and the count, and every asset not downstream of the
file is built and equal to a clean run's. One clean run and one broken run per
file, in this process (the job's imports are paid once), on one small month."""

import hashlib
import shutil
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from contract import DATE, DECIMAL, INT, SOURCE_FILES
from orchestration.cli import main

MONTH = "2026-01"  # the generated month with case reviews in it (so they can be broken)
NAMES = [spec.name for spec in SOURCE_FILES]

# What is still built when a file's gate fails, by lineage (docs/contract-decisions.md):
# the assets past ingest that are not downstream of the file. Besides these, every
# raw table not downstream of the file, the code seeds and the staging views that
# read only such files are built.
LINKAGE = {"person_links", "person_keys"}
# one row per CalSAWS person: a view over the CalWORKs persons and cases
PEOPLE = {"calworks_people"}
LISTS = {
    "match_list_homeless",
    "match_list_sanction",
    "match_list_mutual_cases",
    "match_list_mutual_clients",
    "family_prevention_level",
}
OUTCOMES = {
    "fct_identified_families",
    "fct_family_events",
    "fct_family_outcomes",
    "fct_family_referrals",
    "fct_family_wages",
    "fct_maltreatment_recurrence",
    "fct_case_review_answers",
    "fct_comparison_families",
}
REPORTING = {
    "rpt_identification_routes",
    "rpt_identification_timeliness",
    "rpt_event_types",
    "rpt_family_outcomes",
    "rpt_rereferral_rates",
    "rpt_wages_by_quarter",
    "rpt_maltreatment_recurrence",
    "rpt_case_review_indicators",
    "rpt_rereferral_families",
    "rpt_comparison_group",
    "rpt_monthly_trend",
}
EVERYTHING = (
    PEOPLE
    | LINKAGE
    | LISTS
    | {"mutual_family_history"}
    | OUTCOMES
    | REPORTING
    | {"office_list_rows", "office_lists", "evaluation"}
)
REVIEW_ANSWERS = {
    "fct_case_review_answers",
    "rpt_case_review_indicators",
}  # case reviews + CalWORKs cases
PLACEMENT_MEASURES = {
    "fct_family_events",
    "fct_family_outcomes",
    "rpt_event_types",
    "rpt_family_outcomes",
    "rpt_comparison_group",
}
STILL_BUILT = {
    "calworks_cases": set(),
    "calworks_persons": REVIEW_ANSWERS,
    # the sanction list reads it, the history reads every list, the exports all four lists
    "wtw_status": PEOPLE | LINKAGE | LISTS - {"match_list_sanction"} | REVIEW_ANSWERS,
    "calworks_participation": EVERYTHING
    - {
        "fct_family_outcomes",
        "rpt_family_outcomes",
        "rpt_comparison_group",
        "evaluation",
    },
    "edd_wages": EVERYTHING
    - {"fct_family_wages", "rpt_wages_by_quarter", "evaluation"},
    # the linkage reads clients, participants and allegations (their ingest checks cases and referrals)
    "cws_clients": PEOPLE | REVIEW_ANSWERS,
    "cws_referrals": PEOPLE | REVIEW_ANSWERS,
    "cws_allegations": PEOPLE | REVIEW_ANSWERS,
    "cws_cases": PEOPLE | REVIEW_ANSWERS,
    "cws_case_participants": PEOPLE | REVIEW_ANSWERS,
    "cws_placement_episodes": EVERYTHING - PLACEMENT_MEASURES - {"evaluation"},
    "cws_placements": EVERYTHING - PLACEMENT_MEASURES - {"evaluation"},
    # the program's own files: the lists, their exports and trend do not read them
    "linkages_enrollments": EVERYTHING
    - {"fct_comparison_families", "rpt_comparison_group", "evaluation"},
    "case_reviews": PEOPLE
    | LINKAGE
    | LISTS
    | {"office_list_rows", "office_lists", "rpt_monthly_trend"},
}
# one broken run per file (a run is ~30 s): missing, or more than 5% of its rows bad, in
# turn; both faults fail the same asset, so the lineage and the table above are the same
# (an optional file may be missing: only its bad rows are a fault)
OPTIONAL = {spec.name for spec in SOURCE_FILES if spec.optional}
FAULTS = [
    (name, "missing" if i % 2 == 0 and name not in OPTIONAL else "bad_rows")
    for i, name in enumerate(NAMES)
]


def test_the_lineage_gives_the_table_of_what_is_still_built():
    """The table above is what the asset graph says is not downstream of each file."""
    import dagster as dg

    from orchestration.lib.config import PipelineConfig
    from orchestration.runner import monthly_job

    monthly = monthly_job(PipelineConfig.from_env(first_month=MONTH))
    for name in NAMES:
        left = monthly.assets - monthly.downstream({dg.AssetKey(["raw", name])})
        assert {k.path[-1] for k in left} & EVERYTHING == STILL_BUILT[name], name


def _break(folder: Path, name: str, fault: str) -> None:
    path = folder / f"{name}.csv"
    if fault == "missing":
        path.unlink()
        return
    spec = next(s for s in SOURCE_FILES if s.name == name)
    rows = pd.read_csv(path, dtype=str, keep_default_na=False)
    # a required value blanked, else a typed value made unreadable: one row in ten
    required = [c.name for c in spec.columns if c.required]
    typed = [c.name for c in spec.columns if c.kind in (DATE, INT, DECIMAL)]
    column, value = (required[0], "") if required else (typed[0], "not-a-value")
    bad = rows.index[::10]
    rows.loc[bad, column] = value
    rows.to_csv(path, index=False)


def _run(landing: Path, warehouse: Path) -> tuple[int, str]:
    import contextlib
    import io

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = main(
            [
                "run",
                "--landing",
                str(landing),
                "--month",
                MONTH,
                "--warehouse",
                str(warehouse),
            ]
        )
    return code, out.getvalue()


def _contents(warehouse: Path) -> dict[str, tuple]:
    """Every table and view but the audit trail: (rows, order-free hash of the rows)."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        names = con.execute(
            "select table_schema || '.' || table_name from information_schema.tables "
            "where table_schema not in ('audit', 'ops')"
        ).fetchall()
        out = {}
        for (table,) in names:
            cols = con.execute(f"describe {table}").fetchall()
            select = ", ".join(
                f'round("{c}", 9)' if t == "DOUBLE" else f'"{c}"' for c, t, *_ in cols
            )
            out[table] = con.execute(
                f"select count(*), coalesce(sum(hash(r)), 0) from (select {select} "
                f"from {table}) as r"
            ).fetchall()[0]
    return out


def _files(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def landing_month(generated, tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("isolation")
    shutil.copytree(generated / "landing" / MONTH, root / "landing" / MONTH)
    return root / "landing"


@pytest.fixture(scope="module")
def clean(landing_month) -> Path:
    warehouse = landing_month.parent / "clean" / "warehouse.duckdb"
    code, out = _run(landing_month, warehouse)
    assert code == 0, out
    return warehouse


@pytest.mark.parametrize(("name", "fault"), FAULTS)
def test_a_broken_file_stops_only_what_depends_on_it(name, fault, clean, tmp_path):
    landing = tmp_path / "landing"
    shutil.copytree(clean.parents[1] / "landing", landing)
    _break(landing / MONTH, name, fault)
    warehouse = tmp_path / "warehouse.duckdb"
    code, out = _run(landing, warehouse)

    assert code == 1
    if fault == "missing":
        assert (
            f"step raw__{name} failed: {name}: required file missing (count: 0)" in out
        )
    else:
        assert (
            f"check raw/{name} quarantine_within_limit failed: {name}: more than 5% of rows quarantined"
            " (count: " in out
        )
    assert "not built (downstream of what failed)" in out

    want, got = _contents(clean), _contents(warehouse)
    broken = {f"raw.{name}", f"quarantine.{name}"}
    assert (f"raw.{name}" in got) == (
        fault == "bad_rows"
    )  # bad rows: the good ones are kept
    # every table built equals the clean run's ...
    assert {t: got[t] for t in got if t not in broken} == {
        t: want[t] for t in got if t not in broken
    }
    # ... and what is built is exactly what is not downstream of the file
    built = {
        t.split(".")[1]
        for t in got
        if t.split(".")[0] in ("linkage", "marts", "reporting", "exports")
    } & EVERYTHING
    exports, report = (
        tmp_path / "exports" / MONTH,
        tmp_path / "reports" / MONTH / "evaluation.html",
    )
    built |= {
        n
        for n, path in (("office_lists", exports), ("evaluation", report))
        if path.exists()
    }
    assert built == STILL_BUILT[name]
    if exports.exists():
        assert _files(exports) == _files(clean.parent / "exports" / MONTH)
    assert {f"raw.{n}" for n in NAMES if n != name} - got.keys() == _downstream_raw(
        name
    )


def _downstream_raw(name: str) -> set[str]:
    """The other files whose ingest reads this one (their foreign-key gate needs it)."""
    down, frontier = set(), {name}
    while frontier:
        frontier = {
            s.name
            for s in SOURCE_FILES
            for fk in s.foreign_keys
            if fk.ref_file in frontier and s.name != fk.ref_file
        } - down
        down |= frontier
    return {f"raw.{n}" for n in down}


def test_without_the_optional_enrollments_file_the_month_runs_and_says_so(
    clean, tmp_path
):
    """linkages_enrollments.csv is optional (contract v2): absent, every gate passes,
    the lists are the clean run's, and the report says no comparison can be made."""
    landing = tmp_path / "landing"
    shutil.copytree(clean.parents[1] / "landing", landing)
    (landing / MONTH / "linkages_enrollments.csv").unlink()
    warehouse = tmp_path / "warehouse.duckdb"
    code, out = _run(landing, warehouse)
    assert code == 0, out
    with duckdb.connect(str(warehouse), read_only=True) as con:
        assert con.execute(
            "select count(*) from raw.linkages_enrollments where report_month = ?",
            [MONTH],
        ).fetchone() == (0,)
    lists = {k: v for k, v in _contents(warehouse).items() if ".match_list_" in k}
    assert lists and lists == {
        k: v for k, v in _contents(clean).items() if ".match_list_" in k
    }
    page = (tmp_path / "reports" / MONTH / "evaluation.html").read_text()
    assert "The comparison cannot be made this month" in page
