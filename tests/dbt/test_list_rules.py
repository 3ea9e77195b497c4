"""The dbt lists follow CONTRACT.md §6 on the hand-worked month of
tests/fixtures/rules_case.py -- the same answer the ground-truth oracle must give."""

import re
import shutil

import duckdb
import pandas as pd
import pytest

from tests.dbt.conftest import load_links, load_raw, read, run_dbt
from tests.fixtures import rules_case as case

MONTH = str(case.MONTH)


def _fixture_frames() -> dict[str, pd.DataFrame]:
    x = case.extract()
    clients = pd.DataFrame({"client_id": case.CWS_TRUTH.index, "last_name": "X"})
    return {**x, "cws_clients": clients}


def true_links() -> pd.DataFrame:
    cw = case.CW_TRUTH.rename("t").rename_axis("calworks_person_id").reset_index()
    cws = case.CWS_TRUTH.rename("t").rename_axis("cws_client_id").reset_index()
    links = cw.merge(cws, on="t").drop(columns="t")
    return links.assign(match_probability=0.99, link_basis="MODEL")


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    folder = tmp_path_factory.mktemp("rules")
    warehouse = folder / "warehouse.duckdb"
    with duckdb.connect(str(warehouse)) as con:
        load_raw(con, MONTH, _fixture_frames())
        load_links(con, MONTH, true_links())
    proc = run_dbt(warehouse, MONTH, folder / "target")
    assert proc.returncode == 0, proc.stdout[-3000:]
    return warehouse


@pytest.mark.parametrize("name", sorted(case.EXPECTED))
def test_list_rows_match_hand_worked_answer(built, name):
    assert (
        case.list_keys(read(built, f"select * from marts.{name}"))
        == case.EXPECTED[name]
    )


def test_mutual_cases_reason_child_and_plan(built):
    rows = read(built, "select * from marts.match_list_mutual_cases")
    reason = {
        (
            r.calworks_case_number,
            r.calworks_person_id,
            None if pd.isna(r.cws_case_id) else r.cws_case_id,
        ): r.reason
        for r in rows.itertuples()
    }
    for key, expected in case.EXPECTED_REASONS.items():
        assert reason[key] == expected
    caretaker = rows.query("calworks_person_id == 'p7'")
    assert caretaker[["cws_client_id", "plan_type"]].values.tolist() == [["c8", "CFR"]]
    assert rows.query("calworks_person_id == 'p9'")["cws_client_id"].tolist() == ["c10"]


def test_list_columns_follow_the_contract(built):
    cols = list(read(built, "select * from marts.match_list_homeless").columns)
    assert cols == [
        "report_month",
        "calworks_case_number",
        "calworks_person_id",
        "cws_client_id",
        "cws_case_id",
        "plan_type",
        "match_probability",
        "office_code",
        "link_basis",
    ]
    row = read(built, "select * from marts.match_list_homeless").iloc[0]
    assert (
        row.report_month,
        row.office_code,
        row.plan_type,
        row.match_probability,
    ) == (MONTH, "01", "CFM", 0.99)


def test_prevention_levels_match_hand_worked_answer(built):
    levels = read(
        built,
        "select calworks_case_number, prevention_level from marts.family_prevention_level",
    )
    assert dict(levels.itertuples(index=False)) == case.EXPECTED_LEVELS


def test_history_records_first_identification(built):
    history = read(built, "select * from marts.mutual_family_history")
    families = {
        (r.calworks_case_number, None if pd.isna(r.cws_case_id) else r.cws_case_id)
        for r in history.itertuples()
    }
    expected = {(c, k) for keys in case.EXPECTED.values() for c, _, k in keys}
    assert families == expected
    assert set(history["first_identified_month"]) == {MONTH}
    assert set(history["identified_date"].astype(str)) == {f"{MONTH}-01"}


def test_rerun_replaces_the_month_and_history_keeps_the_first(built, tmp_path):
    """November: one family less (C1 is no longer homeless and p1's sanction ended);
    October rebuilt again changes nothing; history keeps October as first month."""
    nov = "2026-11"
    frames = _fixture_frames()
    frames["calworks_cases"] = frames["calworks_cases"].assign(homeless="N")
    frames["wtw_status"] = frames["wtw_status"].iloc[0:0]
    with duckdb.connect(str(built)) as con:
        load_raw(con, nov, frames)
        load_links(con, nov, true_links())
    assert run_dbt(built, nov, tmp_path / "t1").returncode == 0
    assert run_dbt(built, MONTH, tmp_path / "t2").returncode == 0  # rerun of October
    counts = read(
        built,
        "select report_month, count(*) as n from marts.match_list_homeless group by 1",
    )
    assert dict(counts.itertuples(index=False)) == {MONTH: 1}
    months = read(
        built,
        "select distinct report_month from marts.match_list_mutual_cases order by 1",
    )
    assert months["report_month"].tolist() == [MONTH, nov]
    history = read(
        built,
        "select * from marts.mutual_family_history where cws_case_id = 'K1' "
        "and calworks_case_number = 'C1' order by report_month",
    )
    # as of October the family was listed once; as of November twice. The rerun of
    # October, after November was built, does not see November
    assert history[
        ["report_month", "first_identified_month", "last_listed_month", "months_listed"]
    ].values.tolist() == [[MONTH, MONTH, MONTH, 1], [nov, MONTH, nov, 2]]


def test_reviewer_and_household_links_are_listed_and_labelled(tmp_path):
    from orchestration.defs.delivery.export import list_rows

    warehouse = tmp_path / "warehouse.duckdb"
    links = true_links()
    reviewed = links["calworks_person_id"].eq("p1")
    links.loc[reviewed, ["match_probability", "link_basis"]] = [0.70, "REVIEWER"]
    by_family = links["calworks_person_id"].eq("p4")
    links.loc[by_family, ["match_probability", "link_basis"]] = [0.20, "HOUSEHOLD"]
    with duckdb.connect(str(warehouse)) as con:
        load_raw(con, MONTH, _fixture_frames())
        load_links(con, MONTH, links)
    assert run_dbt(warehouse, MONTH, tmp_path / "target").returncode == 0
    with duckdb.connect(str(warehouse)) as con:
        rows = list_rows(con, "match_list_mutual_cases", MONTH)
    confidence = dict(zip(rows["calworks_person_id"], rows["confidence"], strict=False))
    assert confidence["p1"] == "CONFIRMED BY REVIEWER"
    assert (
        confidence["p4"] == "MATCHED WITHIN THE FAMILY"
    )  # what the link rests on, for the caseworker
    assert confidence["p3"] == "HIGH"


def test_the_singular_tests_catch_a_row_that_breaks_its_rule(built, tmp_path):
    """The rule checks in dbt_project/tests/ pass on the built month (dbt build above)
    and fail once a listed row no longer satisfies its list's rule."""
    warehouse = tmp_path / "warehouse.duckdb"
    shutil.copy(built, warehouse)
    with duckdb.connect(str(warehouse)) as con:
        assert (
            con.execute("select count(*) from marts.match_list_homeless").fetchall()[0][
                0
            ]
            > 0
        )
        con.execute(
            "update marts.match_list_homeless set calworks_person_id = 'NOT-A-MEMBER'"
        )
        con.execute(
            "update marts.match_list_mutual_cases set cws_client_id = 'NOT-THE-CHILD' "
            "where reason = 'CARETAKER_OF_CHILD_IN_CW'"
        )
    proc = run_dbt(warehouse, MONTH, tmp_path / "target", select="test_type:singular")
    assert proc.returncode != 0
    for test in (
        "assert_listed_calworks_rows_follow_the_rules",
        "assert_listed_parents_are_linked_parents_on_open_plans",
        "assert_caretaker_rows_have_an_aided_child_in_child_welfare",
    ):
        assert re.search(rf"FAIL \d+ {test}", proc.stdout), test
