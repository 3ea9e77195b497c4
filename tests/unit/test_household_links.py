"""Household links on hand-built families: which pair links and which does not."""

import pandas as pd

from matching.links import household_links

FLOOR = 0.05
# CalWORKs case -> persons; CWS case -> clients
HOUSEHOLDS = pd.DataFrame(
    [("calworks", p, case) for case, people in {
        "CA1": ["mom", "kid"], "CA2": ["x"], "CA3": ["a", "b", "linked3"], "CA4": ["low", "linked4"],
    }.items() for p in people]
    + [("cws", c, case) for case, clients in {
        "K1": ["c_mom", "c_kid", "c_sib"], "K2": ["c_x"], "K3": ["c_t", "c_linked3"], "K4": ["c_low", "c_linked4"],
    }.items() for c in clients],
    columns=["system", "record_id", "household"],
)  # fmt: skip
# (calworks person, cws client, probability, linked by the model already)
PAIRS = [
    ("kid", "c_kid", 0.99, True),  # joins CA1 with K1
    ("mom", "c_mom", 0.30, False),  # her married name scored low: the family says it is her -> links
    ("mom", "c_sib", 0.20, False),  # not mom's best candidate in K1 -> no
    ("kid", "c_sib", 0.60, False),  # kid is linked already -> no
    ("x", "c_x", 0.40, False),  # no linked member joins CA2 with K2 -> no
    ("linked3", "c_linked3", 0.99, True),
    ("a", "c_t", 0.30, False), ("b", "c_t", 0.30, False),  # a tie for c_t -> neither
    ("linked4", "c_linked4", 0.99, True),
    ("low", "c_low", 0.01, False),  # under the household floor -> no
]  # fmt: skip


def test_only_the_best_unlinked_pair_in_a_family_another_link_joins_is_linked():
    cross = pd.DataFrame(PAIRS, columns=["calworks_person_id", "cws_client_id", "match_probability", "linked"])
    chosen = household_links(cross, cross["linked"], HOUSEHOLDS, FLOOR)
    got = cross.loc[chosen, ["calworks_person_id", "cws_client_id"]].values.tolist()
    assert got == [["mom", "c_mom"]]


def test_a_family_with_no_link_yet_gets_no_household_link():
    cross = pd.DataFrame(PAIRS, columns=["calworks_person_id", "cws_client_id", "match_probability", "linked"])
    assert household_links(cross, pd.Series(False, index=cross.index), HOUSEHOLDS, FLOOR).empty


def test_in_a_month_a_household_link_leaves_the_queue_and_a_reviewer_can_still_reject_it(monkeypatch):
    from matching.links import link_month

    scored = pd.DataFrame({
        "source_dataset_l": "calworks", "unique_id_l": ["kid", "mom", "linked3", "a"],
        "source_dataset_r": "cws", "unique_id_r": ["c_kid", "c_mom", "c_linked3", "c_t"],
        "match_probability": [0.99, 0.60, 0.99, 0.55], "match_weight": 1.0,
        "gamma_first_name": 4, "gamma_dob": 5, "gamma_ssn": -1,
    })  # fmt: skip
    floors = []
    monkeypatch.setattr("matching.links.predict", lambda frames, model, floor, engine="duckdb": floors.append(floor) or scored)
    records = {"calworks": pd.DataFrame({"record_id": ["kid", "mom", "linked3", "a"]}),
               "cws": pd.DataFrame({"record_id": ["c_kid", "c_mom", "c_linked3", "c_t"]})}  # fmt: skip
    records = {k: v.assign(first_name="A", last_name="B") for k, v in records.items()}
    no_decisions = pd.DataFrame(columns=["calworks_person_id", "cws_client_id", "decision"])

    result = link_month(records, {}, no_decisions, 0.95, 0.5, HOUSEHOLDS, FLOOR)
    basis = result.links.set_index("calworks_person_id")["link_basis"].to_dict()
    assert basis == {"kid": "MODEL", "mom": "HOUSEHOLD", "linked3": "MODEL", "a": "HOUSEHOLD"}
    assert result.review_queue.empty  # both 0.60 and 0.55 pairs are linked, nothing left to review
    assert floors == [FLOOR]  # scored down to the household floor

    rejected = pd.DataFrame({"calworks_person_id": ["mom"], "cws_client_id": ["c_mom"], "decision": ["NON_MATCH"]})
    result = link_month(records, {}, rejected, 0.95, 0.5, HOUSEHOLDS, FLOOR)
    assert "mom" not in set(result.links["calworks_person_id"])


def test_households_are_cases_on_both_sides_and_referrals_on_the_cws_side():
    from matching.links import households

    got = households(
        pd.DataFrame({"person_id": ["p1", "p1"], "case_number": ["CA1", "CA2"]}),
        pd.DataFrame({"client_id": ["c1"], "case_id": ["K1"]}),
        pd.DataFrame({"referral_id": ["R1", "R1", "R2"], "victim_client_id": ["c2", "c4", "c2"],
                      "perpetrator_client_id": ["c3", "c3", None]}),
    )  # fmt: skip
    assert sorted(map(tuple, got.values.tolist())) == [
        ("calworks", "p1", "case:CA1"), ("calworks", "p1", "case:CA2"),
        ("cws", "c1", "case:K1"),
        ("cws", "c2", "referral:R1"), ("cws", "c2", "referral:R2"),
        ("cws", "c3", "referral:R1"), ("cws", "c4", "referral:R1"),
    ]  # fmt: skip


def test_a_child_known_only_from_a_referral_links_through_the_parent_on_it():
    from matching.links import households

    family = households(
        pd.DataFrame({"person_id": ["mom", "kid"], "case_number": ["CA9", "CA9"]}),
        pd.DataFrame({"client_id": [], "case_id": []}, dtype=str),  # no CWS case at all
        pd.DataFrame({"referral_id": ["R9"], "victim_client_id": ["c_kid"], "perpetrator_client_id": ["c_mom"]}),
    )
    cross = pd.DataFrame({"calworks_person_id": ["mom", "kid"], "cws_client_id": ["c_mom", "c_kid"],
                          "match_probability": [0.99, 0.30]})  # fmt: skip
    chosen = household_links(cross, pd.Series([True, False]), family, FLOOR)
    assert cross.loc[chosen, "calworks_person_id"].tolist() == ["kid"]


def test_a_family_member_blocking_never_paired_is_scored_and_linked_by_household():
    """Mother: married surname, no SSN, birth date keyed a day off, 'Mary' for
    'Maria' -- no blocking rule pairs her. Her son links on his own; the family
    pass scores her against his CWS case's unlinked members and links her."""
    from matching.links import households, link_month
    from matching.model import MODEL_PATH, load_model

    cols = ["record_id", "first_name", "middle_name", "last_name", "date_of_birth", "sex", "ssn",
            "address_line1", "city", "zip"]  # fmt: skip
    calworks = pd.DataFrame([
        ("P-MOM", "MARIA", "", "GONZALEZ", "1990-03-14", "F", "", "", "", "90011"),
        ("P-SON", "DANIEL", "J", "RAMIREZ", "2016-07-02", "M", "", "", "", "90011"),
        ("P-OTHER", "LUIS", "", "TORRES", "1975-01-20", "M", "", "", "", "93534"),
    ], columns=cols)  # fmt: skip
    cws = pd.DataFrame([
        ("C-MOM", "MARY", "", "RAMIREZ", "1990-03-15", "F", "", "", "", "90011"),
        ("C-SON", "DANIEL", "J", "RAMIREZ", "2016-07-02", "M", "", "", "", "90011"),
        ("C-STRANGER", "ROSA", "", "DIAZ", "1962-11-30", "F", "", "", "", "90003"),
    ], columns=cols)  # fmt: skip
    family = households(
        pd.DataFrame({"person_id": ["P-MOM", "P-SON", "P-OTHER"], "case_number": ["CA1", "CA1", "CA2"]}),
        pd.DataFrame({"client_id": ["C-MOM", "C-SON", "C-STRANGER"], "case_id": ["K1", "K1", "K2"]}),
        pd.DataFrame(columns=["referral_id", "victim_client_id", "perpetrator_client_id"]),
    )
    no_decisions = pd.DataFrame(columns=["calworks_person_id", "cws_client_id", "decision"])
    model = load_model(MODEL_PATH)
    records = {"calworks": calworks, "cws": cws}

    without = link_month(records, model, no_decisions, 0.95, 0.5)
    assert without.links["calworks_person_id"].tolist() == ["P-SON"]  # blocking never paired the mother
    result = link_month(records, model, no_decisions, 0.95, 0.5, family, 0.01)
    assert result.links[["calworks_person_id", "cws_client_id", "link_basis"]].values.tolist() == [
        ["P-MOM", "C-MOM", "HOUSEHOLD"], ["P-SON", "C-SON", "MODEL"],
    ]  # fmt: skip
