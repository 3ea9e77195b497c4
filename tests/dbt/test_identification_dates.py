"""Identification dates with the daily route (#19), on the hand-worked month of
tests/fixtures/rules_case.py: a family the daily route noticed is identified on its
notice day, an earlier case review still wins, a notice after the first listed month
(the family coming back) is not its identification; then the daily and the monthly
route side by side (reporting.rpt_identification_routes)."""

import duckdb
import pandas as pd
import pytest

from tests.dbt.conftest import load_links, load_raw, read, run_dbt
from tests.dbt.test_list_rules import _fixture_frames, true_links

OCT, NOV = "2026-10", "2026-11"
D = pd.Timestamp


def _notices(rows: list[tuple]) -> pd.DataFrame:
    frame = pd.DataFrame(
        rows,
        columns=["as_of_date", "calworks_case_number", "cws_case_id", "referral_id"],
    )
    return frame.assign(
        as_of_date=pd.to_datetime(frame["as_of_date"]).dt.date,
        event="NEW_REFERRAL",
        report_month=frame["as_of_date"].str[:7],
    )


NOTICES = _notices(
    [
        ("2026-10-14", "C1", "K1", None),
        ("2026-10-05", "C2", "K2", None),
        ("2026-10-20", "C2", "K2", None),  # a second notice: the first counts
        ("2026-09-12", "C6", None, "R1"),  # noticed before the first listed month
        ("2026-11-09", "C4", "K1", None),  # first listed in October: coming back
    ]
)


def _frames() -> dict[str, pd.DataFrame]:
    frames = _fixture_frames()
    cases = frames["calworks_cases"]
    applied = {"C1": D("2026-03-10"), "C2": D("2026-10-05")}
    frames["calworks_cases"] = cases.assign(
        application_date=cases["case_number"].map(applied)
    )
    frames["case_reviews"] = pd.DataFrame(
        {
            "review_id": ["V1", "V2"],
            "cws_case_id": ["K2", "K5"],
            "calworks_case_number": ["C2", "C5"],
            "identified_date": [D("2026-10-02"), D("2026-09-01")],
        }
    )
    return frames


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    folder = tmp_path_factory.mktemp("identification")
    warehouse = folder / "warehouse.duckdb"
    with duckdb.connect(str(warehouse)) as con:
        for month in (OCT, NOV):
            load_raw(con, month, _frames())
            load_links(con, month, true_links())
        con.register("n", NOTICES)
        con.execute("insert into raw.daily_notices by name select * from n")
    for month in (OCT, NOV):
        proc = run_dbt(warehouse, month, folder / month, small_cell_max=0)
        assert proc.returncode == 0, proc.stdout[-3000:]
    return warehouse


def _history(warehouse, month) -> dict:
    rows = read(
        warehouse,
        "select calworks_case_number, cws_case_id, cast(identified_date as varchar),"
        " identified_by, cast(daily_notice_date as varchar),"
        " cast(monthly_list_date as varchar) from marts.mutual_family_history"
        f" where report_month = '{month}'",
    )
    rows = rows.astype(object).where(rows.notna(), None)
    return {(r[0], r[1]): tuple(r[2:]) for r in rows.itertuples(index=False)}


def test_a_noticed_family_is_identified_on_its_notice_day(built):
    got = _history(built, OCT)
    assert got[("C1", "K1")] == (
        "2026-10-14",
        "DAILY_NOTICE",
        "2026-10-14",
        "2026-11-03",
    )
    # a case review dated before the notice still wins; the notice day is kept
    assert got[("C2", "K2")] == (
        "2026-10-02",
        "CASE_REVIEW",
        "2026-10-05",
        "2026-11-03",
    )
    assert got[("C6", None)] == (
        "2026-09-12",
        "DAILY_NOTICE",
        "2026-09-12",
        "2026-11-03",
    )
    assert got[("C5", "K5")] == ("2026-09-01", "CASE_REVIEW", None, "2026-11-03")
    # not noticed: the monthly route's date, the first day of the first listed month
    assert got[("C1", "K3")] == ("2026-10-01", "MONTHLY_LIST", None, "2026-11-03")
    assert got[("C4", "K1")] == ("2026-10-01", "MONTHLY_LIST", None, "2026-11-03")


def test_a_family_coming_back_keeps_its_first_identification(built):
    # C4/K1's November notice is after its first listed month (October)
    assert _history(built, NOV)[("C4", "K1")] == (
        "2026-10-01",
        "MONTHLY_LIST",
        None,
        "2026-11-03",
    )


def test_days_from_both_records_existing(built):
    rows = read(
        built,
        "select calworks_case_number, cws_case_id, cast(both_records_date as varchar),"
        " days_to_identification, days_from_both_records from marts.fct_identified_families"
        f" where report_month = '{OCT}' and calworks_case_number in ('C1', 'C2')"
        " order by 1, 2",
    )
    assert rows.values.tolist() == [
        # K1 started 2026-01-01, C1 applied 2026-03-10 (both records), noticed 10-14
        ["C1", "K1", "2026-03-10", 286, 218],
        # K3 started 2025-01-01: 365 + 273 days to 10-01; from C1's application 205
        ["C1", "K3", "2026-03-10", 638, 205],
        # K1 (no notice, no review): identified 10-01; C2 applied 10-05: clamped to 0
        ["C2", "K1", "2026-10-05", 273, 0],
        # K2 started 2026-02-01, identified 10-02 by review, C2 applied 10-05
        ["C2", "K2", "2026-10-05", 243, 0],
    ]


def test_the_daily_and_the_monthly_route_side_by_side(built):
    rows = read(
        built,
        "select route, n_families, mean_days_to_identification,"
        " median_days_to_identification, mean_days_from_both_records,"
        " median_days_from_both_records, share_same_day"
        f" from reporting.rpt_identification_routes where report_month = '{OCT}'"
        " order by route",
    )
    # the two noticed families with a case: C1/K1 (noticed 10-14) and C2/K2 (10-05).
    # DAILY: from case start 286 and 246 days; from both records 218 and 0.
    # MONTHLY (listed 2026-11-03): from case start 306 and 275; from both records
    # 238 (10-14 -> 11-03 is 20 more) and 29 (10-05 -> 11-03).
    assert rows.values.tolist() == [
        ["DAILY", 2, 266.0, 266.0, 109.0, 109.0, 0.5],
        ["MONTHLY", 2, 290.5, 290.5, 133.5, 133.5, 0.0],
    ]


def test_this_months_data_tests_read_the_month_built(built):
    """A data test's `where` names the month as __report_month__, filled in as the test
    runs (macros/report_month.sql): unfilled, it would test no row and always pass."""
    compiled = list((built.parent / NOV / "run").rglob("*.sql"))
    filtered = [p for p in compiled if "dbt_subquery" in p.read_text()]
    assert {p.parent.name for p in filtered} >= {
        "mutual_family_history.yml",
        "fct_identified_families.yml",
        "office_list_rows.yml",
    }
    for path in filtered:
        assert f"report_month = '{NOV}'" in path.read_text(), path.name
        assert "__report_month__" not in path.read_text(), path.name
