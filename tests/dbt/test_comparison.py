"""The comparison group (fct_comparison_families, rpt_comparison_group) and the
monthly trend (rpt_monthly_trend) on hand-written marts: the measures' inputs are
written straight into the tables they read, so only matching and the side-by-side
arithmetic are under test.

Seven identified families of county 19 (months before identification -> band;
re-referrals before -> band):

  F1 enrolled   CFM TERTIARY  2 -> 1-3   0 -> 0     stratum S1
  F2 never      CFM TERTIARY  3 -> 1-3   0 -> 0     S1: pairs with F1
  F3 enrolled   VFM TERTIARY  0 -> 0     1 -> 1     S2 (enrolled at the referral
                                                    stage: no CWS case on the row)
  F4 never      VFM TERTIARY  0 -> 0     1 -> 1     S2: pairs with F3
  F5 enrolled   CFM TERTIARY  8 -> 7-12  3 -> 2+    S3
  F7 declined   CFM TERTIARY  9 -> 7-12  2 -> 2+    S3: offered, opted out = never
                                                    enrolled; pairs with F5
  F6 never      ER  SECONDARY 1 -> 1-3   0 -> 0     alone: unmatched

Outcomes of the matched (enrolled F1 F3 F5 | never F2 F4 F7):
  re-referrals a month after   0/5, 1/4, 0/2 -> 0.0833 | 2/5, 1/4, 3/6 -> 0.3833
  substantiated a month after  0, 0, 0 -> 0.0          | 1/5, 0, 0 -> 0.0667
  placements                   1, 0, 2 -> 1.0          | 2, 1, 3 -> 2.0
  continuous CalWORKs months   6, 4, 2 -> 4.0          | 3, 1, 2 -> 2.0
  reunification (ended only)   yes, -, no -> 1 of 2    | no, no, - -> 0 of 2
  Wilson 95% for 1 of 2: centre (0.5 + 1.96^2/4) / (1 + 1.96^2/2) = 0.5,
    half 1.96 / 2.9208 * sqrt(0.25/2 + 3.8416/16) = 0.4055 -> 0.0945 .. 0.9055
  for 0 of 2: centre (0 + 1.9208/2) / 2.9208 = 0.3288, half 0.6711 * sqrt(3.8416/16)
    = 0.3288 -> 0.0 .. 0.6576 (the means have no interval: fewer than 30 families)
"""

import duckdb
import pandas as pd
import pytest

from tests.dbt.conftest import load_keys, load_links, load_raw, read, run_dbt

MONTH = "2026-10"
FAMILIES = {
    # family: (enrolled?, plan, level, months_before, referrals_before,
    #          referrals_after, substantiated_after, months_after, placements,
    #          calworks months, reunified)
    "F1": ("Y", "CFM", "TERTIARY", 2, 0, 0, 0, 5, 1, 6, True),
    "F2": (None, "CFM", "TERTIARY", 3, 0, 2, 1, 5, 2, 3, False),
    "F3": ("Y", "VFM", "TERTIARY", 0, 1, 1, 0, 4, 0, 4, None),
    "F4": (None, "VFM", "TERTIARY", 0, 1, 1, 0, 4, 1, 1, False),
    "F5": ("Y", "CFM", "TERTIARY", 8, 3, 0, 0, 2, 2, 2, False),
    "F7": ("N", "CFM", "TERTIARY", 9, 2, 3, 0, 6, 3, 2, None),
    "F6": (None, "ER", "SECONDARY", 1, 0, 0, 0, 3, 0, 0, None),
}
PLAN = {"CFM": (1693, "COURT"), "VFM": (1693, "VOLUNTARY"), "ER": (1692, "COURT")}


def _raw() -> dict[str, pd.DataFrame]:
    cases = pd.DataFrame(
        [
            (f"K{f}", f"C{f}", "X1", pd.Timestamp("2025-01-01").date(), *PLAN[v[1]])
            for f, v in FAMILIES.items()
        ],
        columns=[
            "case_id",
            "focus_child_client_id",
            "office_code",
            "case_start_date",
            "service_component_code",
            "case_plan_basis",
        ],
    )
    offered = pd.Timestamp("2026-06-01").date()
    enrollments = pd.DataFrame(
        [
            (
                f"E{f}",
                None if f == "F3" else f"K{f}",  # F3 enrolled at the referral stage
                f"CA{f}",
                offered,
                v[0],
                pd.Timestamp("2026-06-10").date() if v[0] == "Y" else None,
            )
            for f, v in FAMILIES.items()
            if v[0] is not None
        ],
        columns=[
            "enrollment_id",
            "cws_case_id",
            "calworks_case_number",
            "offered_date",
            "opted_in",
            "enrolled_date",
        ],
    )
    return {"cws_cases": cases, "linkages_enrollments": enrollments}


def _insert(con, table: str, frame: pd.DataFrame) -> None:
    con.register("_rows", frame)
    con.execute(f"insert into {table} by name select * from _rows")
    con.unregister("_rows")


def _marts(con) -> None:
    rows = [(f"CA{f}", f"K{f}", *v) for f, v in FAMILIES.items()]
    identified = pd.Timestamp("2026-06-01").date()
    _insert(
        con,
        "marts.fct_identified_families",
        pd.DataFrame(
            {
                "report_month": MONTH,
                "calworks_case_number": [r[0] for r in rows],
                "cws_case_id": [r[1] for r in rows],
                "county_code": "19",
                "identified_month": identified,
                "months_before": [r[5] for r in rows],
            }
        ),
    )
    _insert(
        con,
        "marts.fct_family_referrals",
        pd.DataFrame(
            {
                "report_month": MONTH,
                "calworks_case_number": [r[0] for r in rows],
                "cws_case_id": [r[1] for r in rows],
                "referrals_before": [r[6] for r in rows],
                "referrals_after": [r[7] for r in rows],
                "substantiated_after": [r[8] for r in rows],
                "months_after": [r[9] for r in rows],
            }
        ),
    )
    _insert(
        con,
        "marts.fct_family_outcomes",
        pd.DataFrame(
            {
                "report_month": MONTH,
                "calworks_case_number": [r[0] for r in rows],
                "cws_case_id": [r[1] for r in rows],
                "placements": [r[10] for r in rows],
                "longest_calworks_run_months": [r[11] for r in rows],
                "is_reunified": pd.array([r[12] for r in rows], dtype="boolean"),
            }
        ),
    )
    # the level in the identification month (June) counts, not October's
    _insert(
        con,
        "marts.family_prevention_level",
        pd.DataFrame(
            {
                "report_month": ["2026-06"] * len(rows) + ["2026-10"] * len(rows),
                "calworks_case_number": [r[0] for r in rows] * 2,
                "prevention_level": [r[4] for r in rows] + ["PRIMARY"] * len(rows),
            }
        ),
    )
    # the trend: the mutual cases list in September (CAF1 twice, CAF2) and October
    _insert(
        con,
        "marts.match_list_mutual_cases",
        pd.DataFrame(
            {
                "report_month": ["2026-09", "2026-09", "2026-09", "2026-10"],
                "calworks_case_number": ["CAF1", "CAF1", "CAF2", "CAF1"],
                "calworks_person_id": ["P1", "P2", "P3", "P1"],
            }
        ),
    )


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    folder = tmp_path_factory.mktemp("comparison")
    warehouse = folder / "warehouse.duckdb"
    with duckdb.connect(str(warehouse)) as con:
        load_raw(con, MONTH, _raw())
        load_links(
            con,
            MONTH,
            pd.DataFrame(
                columns=[
                    "calworks_person_id",
                    "cws_client_id",
                    "match_probability",
                    "link_basis",
                ]
            ),
        )
        load_keys(
            con,
            MONTH,
            pd.DataFrame(columns=["system", "record_id", "person_key", "person_hash"]),
        )
    proc = run_dbt(warehouse, MONTH, folder / "target")
    assert proc.returncode == 0, proc.stdout[-3000:]
    with duckdb.connect(str(warehouse)) as con:
        for table in (
            "fct_identified_families",
            "fct_family_referrals",
            "fct_family_outcomes",
            "family_prevention_level",
        ):
            con.execute(f"delete from marts.{table}")
        _marts(con)
    proc = run_dbt(
        warehouse,
        MONTH,
        folder / "target",
        select="fct_comparison_families rpt_comparison_group rpt_monthly_trend",
        small_cell_max=0,
    )
    assert proc.returncode == 0, proc.stdout[-3000:]
    return warehouse


def test_families_are_matched_exactly_one_to_one(built):
    got = read(
        built,
        "select calworks_case_number, enrollment_group, is_matched, "
        "months_to_identification_band, rereferrals_before_band "
        "from marts.fct_comparison_families order by 1",
    )
    assert got.values.tolist() == [
        ["CAF1", "ENROLLED", True, "1-3", "0"],
        ["CAF2", "NEVER_ENROLLED", True, "1-3", "0"],
        ["CAF3", "ENROLLED", True, "0", "1"],
        ["CAF4", "NEVER_ENROLLED", True, "0", "1"],
        ["CAF5", "ENROLLED", True, "7-12", "2+"],
        ["CAF6", "NEVER_ENROLLED", False, "1-3", "0"],  # ER: no enrolled family
        ["CAF7", "NEVER_ENROLLED", True, "7-12", "2+"],  # declined
    ]


def test_every_outcome_side_by_side_with_counts_and_intervals(built):
    got = read(
        built,
        "select enrollment_group, measure, n, estimate, ci_low, ci_high, n_families, "
        "n_matched from reporting.rpt_comparison_group order by measure, 1",
    )
    rows = {(r[0], r[1]): tuple(r[2:]) for r in got.astype(object).values.tolist()}
    nan = float("nan")

    def same(a, b):
        return all((x != x and y != y) or x == y for x, y in zip(a, b, strict=True))

    want = {
        ("ENROLLED", "rereferrals_per_month_after"): (3, 0.0833, nan, nan, 3, 3),
        ("NEVER_ENROLLED", "rereferrals_per_month_after"): (3, 0.3833, nan, nan, 4, 3),
        ("ENROLLED", "substantiated_per_month_after"): (3, 0.0, nan, nan, 3, 3),
        ("NEVER_ENROLLED", "substantiated_per_month_after"): (
            3,
            0.0667,
            nan,
            nan,
            4,
            3,
        ),
        ("ENROLLED", "placements_per_case"): (3, 1.0, nan, nan, 3, 3),
        ("NEVER_ENROLLED", "placements_per_case"): (3, 2.0, nan, nan, 4, 3),
        ("ENROLLED", "continuous_calworks_months"): (3, 4.0, nan, nan, 3, 3),
        ("NEVER_ENROLLED", "continuous_calworks_months"): (3, 2.0, nan, nan, 4, 3),
        ("ENROLLED", "reunification_rate"): (2, 0.5, 0.0945, 0.9055, 3, 3),
        ("NEVER_ENROLLED", "reunification_rate"): (2, 0.0, 0.0, 0.6576, 4, 3),
    }
    assert rows.keys() == want.keys()
    for key, value in want.items():
        assert same(rows[key], value), (key, rows[key])


def test_monthly_trend_of_list_families(built):
    got = read(
        built,
        "select list_month, category, n from reporting.rpt_monthly_trend "
        "where series = 'list' order by 1",
    )
    # September: CAF1 (two people) and CAF2 -> 2 families; October: 1
    assert got.values.tolist() == [
        ["2026-09", "match_list_mutual_cases", 2],
        ["2026-10", "match_list_mutual_cases", 1],
    ]
    levels = read(
        built,
        "select list_month, category, n from reporting.rpt_monthly_trend "
        "where series = 'prevention_level' order by 1, 2",
    )
    assert levels.values.tolist() == [
        ["2026-06", "SECONDARY", 1],
        ["2026-06", "TERTIARY", 6],
        ["2026-10", "PRIMARY", 7],
    ]
