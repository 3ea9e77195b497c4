"""The evaluation measures (docs/measures.md) on the hand-worked month of
tests/fixtures/outcomes_case.py, then small-cell suppression on the same month."""

import shutil

import duckdb
import pandas as pd
import pytest

from tests.dbt.conftest import load_keys, load_links, load_raw, read, run_dbt
from tests.fixtures import outcomes_case as case

OUTCOMES = "path:models/marts/outcomes path:models/reporting"
# every table of the reporting schema (each is checked for small counts below)
REPORTING_TABLES = [
    "rpt_case_review_indicators",
    "rpt_comparison_group",
    "rpt_event_types",
    "rpt_family_outcomes",
    "rpt_identification_routes",
    "rpt_identification_timeliness",
    "rpt_link_quality",
    "rpt_list_counts",
    "rpt_list_false_links",
    "rpt_maltreatment_recurrence",
    "rpt_monthly_trend",
    "rpt_rereferral_families",
    "rpt_rereferral_rates",
    "rpt_wages_by_quarter",
]


def _build_outcomes(warehouse, target, small_cell_max):
    proc = run_dbt(
        warehouse, case.MONTH, target, select=OUTCOMES, small_cell_max=small_cell_max
    )
    assert proc.returncode == 0, proc.stdout[-3000:]


def _build(folder, frames):
    """The month built with suppression off (small_cell_max 0) to read the arithmetic."""
    warehouse = folder / "warehouse.duckdb"
    with duckdb.connect(str(warehouse)) as con:
        load_raw(con, case.MONTH, frames)
        load_links(
            con,
            case.MONTH,
            pd.DataFrame(
                columns=[
                    "calworks_person_id",
                    "cws_client_id",
                    "match_probability",
                    "link_basis",
                ]
            ),
        )
        load_keys(con, case.MONTH, case.person_keys())
    proc = run_dbt(warehouse, case.MONTH, folder / "target")
    assert proc.returncode == 0, proc.stdout[-3000:]
    history = case.HISTORY.assign(
        identified_date=pd.to_datetime(case.HISTORY["identified_date"]).dt.date,
        report_month=case.MONTH,
    )
    with duckdb.connect(str(warehouse)) as con:
        con.execute("delete from marts.mutual_family_history")
        con.register("h", history)
        con.execute("insert into marts.mutual_family_history by name select * from h")
    _build_outcomes(warehouse, folder / "target", small_cell_max=0)
    return warehouse


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    return _build(tmp_path_factory.mktemp("outcomes"), case.raw_frames())


def test_a_focus_child_left_out_of_the_participants_is_still_in_the_family(
    built, tmp_path
):
    """The extract lists none of the three focus children (C2, C4, C6) as participants:
    every outcome row is the same, since the case names its focus child."""
    frames = case.raw_frames()
    participants = frames["cws_case_participants"]
    frames["cws_case_participants"] = participants.loc[
        participants["role"] != "FOCUS_CHILD"
    ]
    unlisted = _build(tmp_path, frames)
    for table in (
        "fct_identified_families",
        "fct_family_events",
        "fct_family_outcomes",
        "fct_family_referrals",
        "fct_family_wages",
        "fct_maltreatment_recurrence",
    ):
        sql = f"select * from marts.{table} order by all"
        want = read(built, sql)
        assert len(want) > 0, table
        pd.testing.assert_frame_equal(read(unlisted, sql), want, obj=table)


def plain(df: pd.DataFrame) -> pd.DataFrame:
    """Nulls of every kind (NaN, NA) as None, to compare with hand-written rows."""
    return df.astype(object).where(df.notna(), None)


def by_family(warehouse, table, columns):
    df = plain(
        read(
            warehouse,
            f"select calworks_case_number, {columns} from marts.{table} order by 1",
        )
    )
    return {row[0]: tuple(row[1:]) for row in df.itertuples(index=False)}


def test_identification_timeliness_and_windows(built):
    got = by_family(
        built,
        "fct_identified_families",
        "days_to_identification, months_before, months_after, review_group",
    )
    assert got == {
        "CA1": (83, 3, 5, "REVIEWED"),
        "CA2": (0, 0, 1, "NOT_REVIEWED"),  # identified in the case-start month
        "CA3": (50, 1, 6, "NOT_REVIEWED"),  # observed only until the case ended
    }
    rows = read(
        built,
        "select office_code, n_families, mean_days, median_days "
        "from reporting.rpt_identification_timeliness order by 1",
    )
    assert rows.values.tolist() == [
        ["05", 2, 41.5, 41.5],
        ["07", 1, 50.0, 50.0],
        ["ALL", 3, 44.3, 50.0],
    ]


def test_rereferrals_before_and_after_identification(built):
    got = by_family(
        built,
        "fct_family_referrals",
        "referrals_total, referrals_before, referrals_after, substantiated_before, "
        "substantiated_after, referrals_before_excl_start_month, "
        "substantiated_before_excl_start_month, referrals_after_excl_start_month, "
        "unfounded_before, inconclusive_or_pending_before, "
        "inconclusive_or_pending_before_excl_start_month, has_rereferral",
    )
    assert got == {
        # R1 opened K1: not counted. R15 (start month, inconclusive), R2 (unfounded),
        # R3 (substantiated) before; none after. Without the start month: R2, R3
        "CA1": (3, 3, 0, 1, 0, 2, 1, 0, 1, 1, 0, True),
        # R5 opened K2, and is its only referral: no re-referral
        "CA2": (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, False),
        # R8 opened K3; R7 after (substantiated); R6 after the case ended
        "CA3": (1, 0, 1, 0, 1, 0, 0, 1, 0, 0, 0, True),
    }
    rates = read(
        built,
        """select review_group, measure, time_window, n_families, mean_monthly_rate
           from reporting.rpt_rereferral_rates where variant = 'all'
           and review_group <> 'ALL' order by all""",
    )
    # CA3 (not reviewed): before 0 of 1 month, after R7 in 6 months.
    # CA1 (reviewed): 3 in 3 months before (1 each kind), none in 5 after
    assert rates.values.tolist() == [
        ["NOT_REVIEWED", "inconclusive_or_pending", "after", 1, 0.0],
        ["NOT_REVIEWED", "inconclusive_or_pending", "before", 1, 0.0],
        ["NOT_REVIEWED", "referrals", "after", 1, round(1 / 6, 4)],
        ["NOT_REVIEWED", "referrals", "before", 1, 0.0],
        ["NOT_REVIEWED", "substantiated", "after", 1, round(1 / 6, 4)],
        ["NOT_REVIEWED", "substantiated", "before", 1, 0.0],
        ["NOT_REVIEWED", "unfounded", "after", 1, 0.0],
        ["NOT_REVIEWED", "unfounded", "before", 1, 0.0],
        ["REVIEWED", "inconclusive_or_pending", "after", 1, 0.0],
        ["REVIEWED", "inconclusive_or_pending", "before", 1, round(1 / 3, 4)],
        ["REVIEWED", "referrals", "after", 1, 0.0],  # none after: 0, still counted
        ["REVIEWED", "referrals", "before", 1, 1.0],
        ["REVIEWED", "substantiated", "after", 1, 0.0],
        ["REVIEWED", "substantiated", "before", 1, round(1 / 3, 4)],
        ["REVIEWED", "unfounded", "after", 1, 0.0],
        ["REVIEWED", "unfounded", "before", 1, round(1 / 3, 4)],
    ]
    # both groups together: CA1's 1.0 and CA3's 0.0 before; 0.0 and 1/6 after
    both = read(
        built,
        "select time_window, n_families, mean_monthly_rate from reporting.rpt_rereferral_rates"
        " where review_group = 'ALL' and measure = 'referrals' and variant = 'all' order by 1",
    )
    assert both.values.tolist() == [["after", 2, round(1 / 12, 4)], ["before", 2, 0.5]]
    # without the start month CA1 has 2 in its 3 months before (R15 left out)
    excl = read(
        built,
        "select mean_monthly_rate from reporting.rpt_rereferral_rates where variant = "
        "'excl_start_month' and review_group = 'REVIEWED' and measure = 'referrals' "
        "and time_window = 'before'",
    )
    assert excl["mean_monthly_rate"].tolist() == [round(2 / 3, 4)]
    families = read(
        built,
        "select n_families, n_with_rereferral, n_without_rereferral "
        "from reporting.rpt_rereferral_families",
    )
    assert families.values.tolist() == [[3, 2, 1]]  # CA1, CA3 with; CA2 without


def test_allegation_and_placement_types(built):
    rows = read(
        built,
        "select event_type, detail, n from reporting.rpt_event_types order by all",
    )
    assert rows.values.tolist() == [
        ["ALLEGATION", "GENERAL_NEGLECT", 2],
        ["ALLEGATION", "PHYSICAL_ABUSE", 1],
        ["ALLEGATION", "TOTAL", 3],
        # the report's groups: 1416 foster family, 9999 unknown -> other, 1421
        # relative, no code -> not provided
        ["PLACEMENT", "FOSTER_FAMILY_OR_FFA", 1],
        ["PLACEMENT", "NOT_PROVIDED", 1],
        ["PLACEMENT", "OTHER", 1],
        ["PLACEMENT", "RELATIVE_NREFM", 1],
        ["PLACEMENT", "TOTAL", 4],
    ]


def test_placements_continuity_and_reunification(built):
    got = by_family(
        built,
        "fct_family_outcomes",
        "placements, longest_calworks_run_months, episodes_exited, is_reunified, "
        "needs_shared_timeliness, joint_monitoring_collaboration",
    )
    assert got == {
        "CA1": (
            2,
            5,
            1,
            True,
            "WITHIN_10_DAYS",
            "SOME_OR_FULL",
        ),  # the child's August joins the run
        "CA2": (
            0,
            0,
            0,
            None,
            None,
            None,
        ),  # no participation after identification, no episode
        "CA3": (2, 2, 1, False, None, None),  # PL3 and PL4
    }
    rows = read(
        built,
        """select split, split_value, n_families, mean_placements,
                                 mean_longest_calworks_run_months, n_exited, n_reunified, reunification_rate
                          from reporting.rpt_family_outcomes order by all""",
    )
    assert rows.values.tolist() == [
        ["ALL", "ALL", 3, 1.33, 2.3, 2, 1, 0.5],  # (2 + 0 + 2) / 3 placements
        ["joint_monitoring_collaboration", "SOME_OR_FULL", 1, 2.0, 5.0, 1, 1, 1.0],
        ["needs_shared_timeliness", "WITHIN_10_DAYS", 1, 2.0, 5.0, 1, 1, 1.0],
    ]


def test_wages_around_identification(built):
    df = read(
        built,
        "select calworks_case_number, quarter_offset, is_observed, wages "
        "from marts.fct_family_wages order by 1, 2",
    )
    a = df.loc[df["calworks_case_number"] == "CA1"].set_index("quarter_offset")
    # 2026Q1 has no wage record: 0, not missing; 2026Q4 has not ended: not observed
    assert a.loc[-2:1, "wages"].tolist() == [1000, 0, 1500, 2000]
    assert a["is_observed"].tolist() == [True] * 4 + [False] * 8
    assert a.loc[2:, "wages"].isna().all()
    rows = read(
        built,
        "select quarter_offset, n_families, mean_wages, share_with_wages "
        "from reporting.rpt_wages_by_quarter order by 1",
    )
    assert rows.values.tolist() == [
        [-2, 3, 433.0, 0.667],
        [-1, 3, 0.0, 0.0],
        [0, 2, 750.0, 0.5],
        [1, 2, 1000.0, 0.5],
        [2, 1, 0.0, 0.0],
    ]


def test_case_review_indicators_exclude_unknown_and_blank(built):
    rows = read(
        built,
        "select indicator, answer, n, share, mean_value from reporting.rpt_case_review_indicators",
    )
    table = {
        (r.indicator, r.answer): (r.n, r.share, r.mean_value) for r in rows.itertuples()
    }
    assert table[("needs_shared", "Y")][:2] == (1, 1.0)
    # 7 days: in the 6-10 day band, and so within 10 days and within a month, not 5
    assert table[("needs_shared_timeliness", "DAYS_6_10")][:2] == (1, 1.0)
    assert table[("needs_shared_timeliness", "WITHIN_10_DAYS")][:2] == (1, 1.0)
    assert table[("needs_shared_timeliness", "WITHIN_1_MONTH")][:2] == (1, 1.0)
    assert table[("needs_shared_timeliness", "WITHIN_5_DAYS")][:2] == (0, 0.0)
    assert table[("objectives_in_plan", "TOTAL_COUNTED")][0] == 0
    assert table[("objectives_in_plan", "EXCLUDED_UNKNOWN_OR_BLANK")][0] == 1  # U
    assert table[("services_accessed", "EXCLUDED_UNKNOWN_OR_BLANK")][0] == 1  # blank
    assert table[("joint_monitoring_per_month", "TOTAL_COUNTED")][::2] == (1, 2.5)
    assert table[("collab_monitoring", "SOME_OR_FULL")][:2] == (1, 1.0)  # SOME
    assert table[("collab_cftm", "NONE")][:2] == (1, 1.0)
    # 3 services recommended; CFTM not held, so who attended is not asked
    assert table[("services_recommended_count", "ONE_TO_FIVE")][:2] == (1, 1.0)
    assert table[("reviews", "TOTAL")][0] == 1
    assert not any(k[0] == "cftm_attendance" for k in table)


def test_recurrence_of_substantiated_maltreatment(built):
    got = read(
        built,
        "select person_hash, is_in_identified_family, has_recurrence "
        "from marts.fct_maltreatment_recurrence order by 1",
    )
    # C2: R10 is within 14 days, R1 more than 12 months after, but R14 (on C2's second
    # record C9) 81 days after: one child, recurred. C6: R7 within 12 months.
    # C7 was 20, C8 has no birth date. The child is known only by the keyed hash.
    assert got.values.tolist() == [["H-PK-C2", True, True], ["H-PK-C6", True, True]]


def test_small_cells_are_suppressed_with_their_complements(built, tmp_path):
    """Threshold 1 (var small_cell_max) so the hand-worked counts exercise the rule:
    a count of 1 is hidden; a lone hidden cell takes the smallest other cell with it."""
    warehouse = tmp_path / "warehouse.duckdb"
    shutil.copy(built, warehouse)
    _build_outcomes(warehouse, tmp_path / "target", small_cell_max=1)
    events = read(
        warehouse,
        "select event_type, detail, n, is_suppressed from reporting.rpt_event_types order by all",
    )
    assert plain(events).values.tolist() == [
        # PHYSICAL_ABUSE (1) is hidden; with TOTAL 3 shown, GENERAL_NEGLECT (2) would reveal it
        ["ALLEGATION", "GENERAL_NEGLECT", None, True],
        ["ALLEGATION", "PHYSICAL_ABUSE", None, True],
        ["ALLEGATION", "TOTAL", 3, False],
        # four hidden cells protect each other: no complement needed
        ["PLACEMENT", "FOSTER_FAMILY_OR_FFA", None, True],
        ["PLACEMENT", "NOT_PROVIDED", None, True],
        ["PLACEMENT", "OTHER", None, True],
        ["PLACEMENT", "RELATIVE_NREFM", None, True],
        ["PLACEMENT", "TOTAL", 4, False],
    ]
    offices = read(
        warehouse,
        "select office_code, n_families, mean_days "
        "from reporting.rpt_identification_timeliness order by 1",
    )
    assert plain(offices).values.tolist() == [
        ["05", None, None],
        ["07", None, None],
        ["ALL", 3, 44.3],
    ]  # 07 (1) and its complement 05 (2)
    outcomes = read(
        warehouse,
        "select split, n_families, n_exited, n_reunified, reunification_rate "
        "from reporting.rpt_family_outcomes where split = 'ALL'",
    )
    # 1 of 2 reunified: both the count and the rate would reveal a cell of 1
    assert plain(outcomes).values.tolist() == [["ALL", 3, 2, None, None]]


def test_reporting_never_shows_a_small_count_by_default(built, tmp_path):
    warehouse = tmp_path / "warehouse.duckdb"
    shutil.copy(built, warehouse)
    _build_outcomes(warehouse, tmp_path / "target", small_cell_max=10)
    with duckdb.connect(str(warehouse), read_only=True) as con:
        tables = [
            t
            for (t,) in con.execute(
                "select table_name from information_schema.tables "
                "where table_schema = 'reporting'"
            ).fetchall()
        ]
        assert sorted(tables) == REPORTING_TABLES
        for table in tables:
            df = con.execute(f"select * from reporting.{table}").df()
            counts = [
                c for c in df.columns if c.startswith("n") and c not in ("n_excluded",)
            ]
            for column in counts:
                values = df[column].dropna()
                assert not values.between(1, 10).any(), (table, column)
