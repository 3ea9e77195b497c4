"""The ground-truth oracle follows CONTRACT.md §6 on a hand-worked month."""

import pandas as pd
import pytest

from synthetic.truth import plan_type, true_lists
from tests.fixtures import rules_case as case


@pytest.fixture(scope="module")
def lists():
    return true_lists(case.extract(), case.MONTH, case.CW_TRUTH, case.CWS_TRUTH)


@pytest.mark.parametrize("name", sorted(case.EXPECTED))
def test_true_list_rows_match_hand_worked_answer(lists, name):
    assert case.list_keys(lists[name]) == case.EXPECTED[name]


def test_true_mutual_cases_carry_reason_and_child(lists):
    rows = lists["match_list_mutual_cases"].set_index(
        ["calworks_case_number", "calworks_person_id", "cws_case_id"], drop=False
    )
    for key, reason in case.EXPECTED_REASONS.items():
        row = rows.loc[
            [
                k
                for k in rows.index
                if tuple(None if pd.isna(x) else x for x in k) == key
            ]
        ]
        assert list(row["reason"]) == [reason]
    # the caretaker's row names the child's CWS client, and the child's case plan type
    caretaker = lists["match_list_mutual_cases"].query("calworks_person_id == 'p7'")
    assert caretaker[["cws_client_id", "plan_type"]].values.tolist() == [["c8", "CFR"]]
    referral_only = lists["match_list_mutual_cases"].query("calworks_person_id == 'p9'")
    assert referral_only["cws_client_id"].tolist() == ["c10"]
    assert referral_only["plan_type"].isna().all()


def test_true_lists_carry_office_and_month(lists):
    homeless = lists["match_list_homeless"]
    assert homeless[["report_month", "office_code", "plan_type"]].values.tolist() == [
        ["2026-10", "01", "CFM"]
    ]


def test_prevention_levels_match_hand_worked_answer(lists):
    levels = lists["family_prevention_level"].set_index("calworks_case_number")[
        "prevention_level"
    ]
    assert levels.to_dict() == case.EXPECTED_LEVELS


def test_plan_type_derivation():
    component = pd.Series([1693, 1693, 1694, 1694, 1692, 1692, 1695, None])
    basis = pd.Series(
        [
            "COURT",
            "VOLUNTARY",
            "COURT",
            "VOLUNTARY",
            "COURT",
            "VOLUNTARY",
            "VOLUNTARY",
            "COURT",
        ]
    )
    assert plan_type(component, basis).tolist() == [
        "CFM",
        "VFM",
        "CFR",
        "VFR",
        "ER",
        "ER",
        "PP",
        pd.NA,
    ]
