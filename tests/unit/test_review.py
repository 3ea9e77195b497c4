"""Reviewer decisions: latest wins, they override the model, and the queue round-trips."""

import pandas as pd
import pytest

from matching.links import link_month
from matching.review import DecisionFileError, import_decisions, load_decisions


def write(path, rows):
    pd.DataFrame(
        rows,
        columns=[
            "calworks_person_id",
            "cws_client_id",
            "decision",
            "reviewer_id",
            "decided_at",
        ],
    ).to_csv(path, index=False)


def test_absent_file_means_no_decisions(tmp_path):
    assert load_decisions(tmp_path / "decisions.csv").empty


def test_later_decision_on_a_pair_wins(tmp_path):
    write(
        tmp_path / "d.csv",
        [
            ("p1", "c1", "MATCH", "r1", "2026-10-01T10:00:00"),
            ("p1", "c1", "NON_MATCH", "r2", "2026-10-05T10:00:00"),
            ("p2", "c2", "non_match", "r1", "2026-10-02T10:00:00"),
        ],
    )
    d = load_decisions(tmp_path / "d.csv").set_index("calworks_person_id")["decision"]
    assert d.to_dict() == {"p1": "NON_MATCH", "p2": "NON_MATCH"}


def test_a_month_counts_only_the_decisions_made_by_its_as_of_date(tmp_path):
    """October (as of 2026-10-31) keeps p1's MATCH of 10-01: the NON_MATCH of
    11-02 comes later; p3's decision has no readable date and counts from the start."""
    write(
        tmp_path / "d.csv",
        [
            ("p1", "c1", "MATCH", "r1", "2026-10-01T10:00:00"),
            ("p2", "c2", "MATCH", "r1", "2026-10-31T23:59:00+00:00"),
            ("p1", "c1", "NON_MATCH", "r2", "2026-11-02T09:00:00+00:00"),
            ("p4", "c4", "MATCH", "r2", "2026-11-01T00:00:00"),
            ("p3", "c3", "MATCH", "r2", ""),
        ],
    )
    october = load_decisions(tmp_path / "d.csv", as_of="2026-10-31").set_index(
        "calworks_person_id"
    )["decision"]
    assert october.to_dict() == {"p1": "MATCH", "p2": "MATCH", "p3": "MATCH"}
    november = load_decisions(tmp_path / "d.csv", as_of="2026-11-30").set_index(
        "calworks_person_id"
    )["decision"]
    assert november.to_dict() == {
        "p1": "NON_MATCH",
        "p2": "MATCH",
        "p3": "MATCH",
        "p4": "MATCH",
    }


def test_bad_decision_names_the_rule_and_lines(tmp_path):
    write(tmp_path / "d.csv", [("p1", "c1", "MAYBE", "r1", "2026-10-01")])
    with pytest.raises(
        DecisionFileError,
        match=r"d.csv: decision not MATCH/NON_MATCH/UNSURE or ids missing \(count: 1\) on lines 2",
    ):
        load_decisions(tmp_path / "d.csv")


def test_round_trip_export_import(tmp_path):
    queue = pd.DataFrame(
        {
            "calworks_person_id": ["p1", "p2", "p3"],
            "cws_client_id": ["c1", "c2", "c3"],
            "decision": ["match", "", "NON_MATCH"],
            "reviewer_id": ["", "", "r9"],
        }
    )
    queue.to_csv(tmp_path / "queue.csv", index=False)
    target = tmp_path / "landing" / "reviews" / "decisions.csv"
    n = import_decisions(
        tmp_path / "queue.csv", target, "r1", now=pd.Timestamp("2026-11-02T09:00:00Z")
    )
    assert n == 2
    d = load_decisions(target)
    assert d[["calworks_person_id", "decision", "reviewer_id"]].values.tolist() == [
        ["p1", "MATCH", "r1"],
        ["p3", "NON_MATCH", "r9"],
    ]


class _Model(dict):
    """Stands in for a saved model: link_month only passes it to predict."""


def test_decisions_override_the_model(monkeypatch):
    pairs = pd.DataFrame(
        {
            "source_dataset_l": ["calworks"] * 3,
            "unique_id_l": ["p1", "p2", "p3"],
            "source_dataset_r": ["cws"] * 3,
            "unique_id_r": ["c1", "c2", "c3"],
            "match_probability": [0.99, 0.7, 0.6],
            "match_weight": [10.0, 2.0, 1.0],
            "gamma_first_name": [4, 4, 4],
            "gamma_dob": [5, 5, 5],
            "gamma_ssn": [-1, -1, -1],
        }
    )
    monkeypatch.setattr(
        "matching.links.predict", lambda frames, model, floor, engine="duckdb": pairs
    )
    records = {
        "calworks": pd.DataFrame({"record_id": ["p1", "p2", "p3", "p4"]}),
        "cws": pd.DataFrame({"record_id": ["c1", "c2", "c3", "c4"]}),
    }
    records = {k: v.assign(first_name="A", last_name="B") for k, v in records.items()}
    decisions = pd.DataFrame(
        {
            "calworks_person_id": ["p1", "p2", "p4", "p9", "p4"],
            "cws_client_id": ["c1", "c2", "c4", "c4", "c9"],
            "decision": ["NON_MATCH", "MATCH", "MATCH", "MATCH", "MATCH"],
        }
    )
    result = link_month(records, _Model(), decisions, threshold=0.95, floor=0.5)
    links = result.links.set_index("calworks_person_id")["link_basis"].to_dict()
    # p1 rejected despite 0.99; p2 confirmed from the queue; p4 confirmed though never
    # scored; p9 and c9 are not in this month's records, so their confirmations link nothing
    assert links == {"p2": "REVIEWER", "p4": "REVIEWER"}
    # only p3 is left to review
    assert result.review_queue["calworks_person_id"].tolist() == ["p3"]


def test_relative_like_pairs_are_reviewed_not_auto_matched():
    from matching.links import auto_match

    pairs = pd.DataFrame(
        {
            "match_probability": [0.99, 0.99, 0.99, 0.99, 0.99, 0.90],
            "gamma_first_name": [
                0,
                0,
                4,
                4,
                4,
                4,
            ],  # twins: first names disagree outright
            "gamma_dob": [
                5,
                5,
                0,
                0,
                -1,
                5,
            ],  # junior/senior: birth dates disagree outright
            # an exact SSN clears neither: a sibling's record may carry the child's SSN
            "gamma_ssn": [-1, 2, -1, 2, -1, -1],
        }
    )
    assert auto_match(pairs, 0.95).tolist() == [False, False, False, False, True, False]


def test_a_brother_and_sister_with_names_alike_are_reviewed_not_auto_matched():
    from matching.links import auto_match
    from matching.settings import FIRST_NAME_EXACT

    alike = 7  # a first-name level below the exact match (Jaro-Winkler >= 0.92)
    pairs = pd.DataFrame(
        {
            "match_probability": 0.99,
            # MARIO / MARISOL, other sexes: held; the same with one sex keyed wrong
            # but the same first name: linked; names alike, same sex: linked;
            # names alike, one sex missing: linked
            "gamma_first_name": [alike, FIRST_NAME_EXACT, alike, alike],
            "gamma_sex": [0, 0, 1, -1],
            "gamma_dob": 5,
        }
    )
    assert auto_match(pairs, 0.95).tolist() == [False, True, True, True]


def test_no_first_name_and_the_other_sex_is_a_slip_only_beside_what_a_twin_lacks():
    from matching.links import auto_match
    from matching.settings import DOB_EXACT

    pairs = pd.DataFrame(
        {
            "match_probability": 0.99,
            # one record has no first name and the other sex; surname and home
            # agree. The same birth date and the same middle initial: linked (a twin
            # brother would need her middle initial too). No middle initial on one
            # side, or another one: held -- her twin brother's shape. Another birth
            # date or none: held -- a brother
            "gamma_first_name": -1,
            "gamma_sex": 0,
            "gamma_dob": [DOB_EXACT, DOB_EXACT, DOB_EXACT, 0, -1],
            "gamma_middle_initial": [1, -1, 0, 1, 1],
        }
    )
    assert auto_match(pairs, 0.95).tolist() == [True, False, False, False, False]


def test_two_sisters_with_names_alike_and_other_middle_initials_are_reviewed():
    from matching.links import auto_match
    from matching.settings import DOB_EXACT, FIRST_NAME_EXACT

    alike = 2  # the loosest first-name level above "else" (Jaro-Winkler >= 0.8)
    pairs = pd.DataFrame(
        {
            "match_probability": 0.99,
            # MANDY C / MADELYNN S, no birth dates: held; one first name missing:
            # held; the same first name with another middle initial: linked (a
            # slip); names alike and the same birth date: linked; names alike and
            # the same middle initial: linked; a middle initial missing: linked
            "gamma_first_name": [alike, -1, FIRST_NAME_EXACT, alike, alike, alike],
            "gamma_middle_initial": [0, 0, 0, 0, 1, -1],
            "gamma_dob": [-1, -1, -1, DOB_EXACT, -1, -1],
        }
    )
    assert auto_match(pairs, 0.95).tolist() == [False, False, True, True, True, True]


def test_a_record_with_no_first_name_or_birth_date_and_another_ssn_is_reviewed():
    from matching.links import auto_match

    pairs = pd.DataFrame(
        {
            "match_probability": 0.99,
            # surname, home and middle initial agree, one record has no first name
            # and neither a birth date: another SSN -> held; the same SSN, or no SSN
            # on one side -> linked; a first name or birth date that agrees -> linked
            "gamma_first_name": [-1, -1, -1, 7, -1],
            "gamma_dob": [-1, -1, -1, -1, 1],
            "gamma_ssn": [0, 2, -1, 0, 0],
            "gamma_middle_initial": 1,
        }
    )
    assert auto_match(pairs, 0.95).tolist() == [False, True, True, True, True]


def test_an_unsure_decision_leaves_its_pair_in_the_queue_and_decides_nothing(
    monkeypatch,
):
    """p1 (0.99, a model link) and p2 (0.7, review band) both marked UNSURE: p1
    stays linked by the model, p2 stays in the queue; a later MATCH on p3 wins over
    its earlier UNSURE."""
    pairs = pd.DataFrame(
        {
            "source_dataset_l": ["calworks"] * 3,
            "unique_id_l": ["p1", "p2", "p3"],
            "source_dataset_r": ["cws"] * 3,
            "unique_id_r": ["c1", "c2", "c3"],
            "match_probability": [0.99, 0.7, 0.6],
            "match_weight": [10.0, 2.0, 1.0],
            "gamma_first_name": [4, 4, 4],
            "gamma_dob": [5, 5, 5],
        }
    )
    monkeypatch.setattr(
        "matching.links.predict", lambda frames, model, floor, engine="duckdb": pairs
    )
    records = {
        "calworks": pd.DataFrame({"record_id": ["p1", "p2", "p3"]}),
        "cws": pd.DataFrame({"record_id": ["c1", "c2", "c3"]}),
    }
    records = {k: v.assign(first_name="A", last_name="B") for k, v in records.items()}
    rows = [
        ("p1", "c1", "UNSURE", "r1", "2026-10-01T10:00:00"),
        ("p2", "c2", "UNSURE", "r1", "2026-10-01T10:00:00"),
        ("p3", "c3", "UNSURE", "r1", "2026-10-01T10:00:00"),
        ("p3", "c3", "MATCH", "r2", "2026-10-02T10:00:00"),
    ]
    decisions = pd.DataFrame(
        rows,
        columns=[
            "calworks_person_id",
            "cws_client_id",
            "decision",
            "reviewer_id",
            "decided_at",
        ],
    )
    decisions["decided_at"] = pd.to_datetime(decisions["decided_at"], utc=True)
    latest = decisions.sort_values("decided_at").drop_duplicates(
        ["calworks_person_id", "cws_client_id"], keep="last"
    )
    result = link_month(records, _Model(), latest, threshold=0.95, floor=0.5)
    links = result.links.set_index("calworks_person_id")["link_basis"].to_dict()
    assert links == {"p1": "MODEL", "p3": "REVIEWER"}
    assert result.review_queue["calworks_person_id"].tolist() == ["p2"]


def test_appending_keeps_a_five_column_file_as_it_was(tmp_path):
    from matching.review import append_decisions

    path = tmp_path / "decisions.csv"
    earlier = (
        "calworks_person_id,cws_client_id,decision,reviewer_id,decided_at\n"
        "p1,c1,MATCH,r1,2026-10-01\n"
    )
    path.write_text(earlier)
    row = pd.DataFrame(
        [["p2", "c2", "UNSURE", "r2", "2026-10-02", "a note", "QA"]],
        columns=[
            "calworks_person_id",
            "cws_client_id",
            "decision",
            "reviewer_id",
            "decided_at",
            "note",
            "sample",
        ],
    )
    assert append_decisions(row, path) == 1
    assert path.read_text() == earlier + "p2,c2,UNSURE,r2,2026-10-02\n"
    assert load_decisions(path)["decision"].tolist() == ["MATCH", "UNSURE"]
