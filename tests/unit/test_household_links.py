"""Household links on hand-built families: which pair links and which does not."""

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from matching.links import (
    family_prior,
    household_links,
    in_family_probability,
    person_evidence,
)
from matching.settings import DOB_EXACT

FLOOR = 0.05
# a hand model: per field log2(m/u) = exact +4 / else -3 for first names, +8 / -3 for
# birth dates; the surname is shared by the family, so it weighs nothing in it. The
# first name also has the real model's level above "else" (one's first name the
# other's middle name, weighing 0 here), so its exact level is 2 as in a real one's
# order: the relatives' guard reads level 1 as that middle-name level
FIRST_EXACT = 2
MODEL = {
    "probability_two_random_records_match": 1e-4,
    "comparisons": [
        {
            "output_column_name": name,
            "comparison_levels": [
                {"is_null_level": True},
                {"m_probability": m_exact, "u_probability": u_exact},
                *(
                    [{"m_probability": 0.01, "u_probability": 0.01}]
                    if name == "first_name"
                    else []
                ),
                {"m_probability": 0.1, "u_probability": 0.8},
            ],
        }
        for name, m_exact, u_exact in (
            ("first_name", 0.8, 0.05),
            ("dob", 0.9, 0.9 / 256),
            ("last_name", 0.9, 0.001),
        )
    ],
}
# CalWORKs case -> persons; CWS case -> clients
HOUSEHOLDS = pd.DataFrame(
    [
        ("calworks", p, case)
        for case, people in {
            "CA1": ["mom", "kid"],
            "CA2": ["x"],
            "CA3": ["a", "b", "linked3"],
            "CA4": ["low", "linked4"],
        }.items()
        for p in people
    ]
    + [
        ("cws", c, case)
        for case, clients in {
            "K1": ["c_mom", "c_kid", "c_sib"],
            "K2": ["c_x"],
            "K3": ["c_t", "c_linked3"],
            "K4": ["c_low", "c_linked4"],
        }.items()
        for c in clients
    ],
    columns=["system", "record_id", "household"],
)
# (calworks person, cws client, first name (FIRST_EXACT or 0 else), birth date (1 exact,
# 0 else), surname, linked already)
PAIRS = [
    ("kid", "c_kid", FIRST_EXACT, 1, 1, True),  # joins CA1 with K1
    (
        "mom",
        "c_mom",
        FIRST_EXACT,
        1,
        0,
        False,
    ),  # married name; first name and birth date: +4 +8 = 12
    ("mom", "c_sib", 0, 0, 1, False),  # same surname, nothing else: -3 -3 = -6
    ("kid", "c_sib", 0, 0, 1, False),  # kid is linked already -> not a candidate
    (
        "x",
        "c_x",
        FIRST_EXACT,
        1,
        1,
        False,
    ),  # no linked member joins CA2 with K2 -> not a candidate
    ("linked3", "c_linked3", FIRST_EXACT, 1, 1, True),
    ("a", "c_t", FIRST_EXACT, 0, 1, False),
    ("b", "c_t", FIRST_EXACT, 0, 1, False),  # +4 -3 = 1 each: a tie for c_t -> neither
    ("linked4", "c_linked4", FIRST_EXACT, 1, 1, True),
    ("low", "c_low", 0, 0, 1, False),  # -6: the family's only candidate, and a poor one
]


def _cross() -> pd.DataFrame:
    return pd.DataFrame(
        PAIRS,
        columns=[
            "calworks_person_id",
            "cws_client_id",
            "gamma_first_name",
            "gamma_dob",
            "gamma_last_name",
            "linked",
        ],
    )


def test_family_prior_is_the_share_of_candidates_that_match():
    # a certain match and a certain non-match: half; one of four: a quarter
    assert family_prior(np.array([60.0, -60.0])) == pytest.approx(0.5)
    assert family_prior(np.array([60.0, -60.0, -60.0, -60.0])) == pytest.approx(0.25)
    assert family_prior(np.array([])) == 0.0


def test_in_family_probability_uses_the_family_prior():
    # evidence 2 bits (x4) at prior 0.2 (odds 1/4): odds 1, probability 1/2
    assert in_family_probability(np.array([2.0]), 0.2)[0] == pytest.approx(0.5)


def test_person_evidence_leaves_out_what_the_family_shares():
    cross = _cross()
    # mom/c_mom: +4 +8, the surname disagreement not counted; mom/c_sib: -3 -3, the shared surname not either
    assert person_evidence(cross.iloc[[1, 2]], MODEL) == pytest.approx([12.0, -6.0])


def test_only_the_best_unlinked_pair_in_a_family_another_link_joins_reaches_the_threshold():
    cross = _cross()
    p = household_links(cross, cross["linked"], HOUSEHOLDS, MODEL)
    # candidates: mom/c_mom 12, mom/c_sib -6, a/c_t 1, b/c_t 1, low/c_low -6. The prior's
    # fixed point, the -6 pairs' posteriors being ~0: pi = (1 + 2 * 2pi/(1+pi)) / 5, so
    # pi^2 = 0.2, pi = 0.447; mom/c_mom: odds 2^12 * 0.447/0.553 = 3311, p = 0.9997;
    # low/c_low: odds 2^-6 * 0.81 = 0.0126, p = 0.0125; a/c_t and b/c_t tie: NaN
    assert p.notna().sum() == 2
    assert p.iloc[1] == pytest.approx(0.9997, abs=1e-4)
    assert p.iloc[9] == pytest.approx(0.0125, abs=1e-3)
    assert p.iloc[[0, 2, 3, 4, 5, 6, 7, 8]].isna().all()


def test_a_family_with_no_link_yet_gets_no_household_link():
    cross = _cross()
    assert (
        household_links(cross, pd.Series(False, index=cross.index), HOUSEHOLDS, MODEL)
        .isna()
        .all()
    )


def test_in_a_month_a_household_link_leaves_the_queue_and_a_reviewer_can_still_reject_it(
    monkeypatch,
):
    from matching.links import link_month

    scored = pd.DataFrame(
        {
            "source_dataset_l": "calworks",
            "unique_id_l": ["kid", "mom", "linked3", "a"],
            "source_dataset_r": "cws",
            "unique_id_r": ["c_kid", "c_mom", "c_linked3", "c_t"],
            "match_probability": [0.99, 0.60, 0.99, 0.55],
            "match_weight": 1.0,
            "gamma_first_name": FIRST_EXACT,
            "gamma_dob": [1, 1, 1, 0],
            "gamma_last_name": 1,
        }
    )
    floors = []
    monkeypatch.setattr(
        "matching.links.predict",
        lambda frames, model, floor, engine="duckdb": floors.append(floor) or scored,
    )
    records = {
        "calworks": pd.DataFrame({"record_id": ["kid", "mom", "linked3", "a"]}),
        "cws": pd.DataFrame({"record_id": ["c_kid", "c_mom", "c_linked3", "c_t"]}),
    }
    records = {k: v.assign(first_name="A", last_name="B") for k, v in records.items()}
    no_decisions = pd.DataFrame(
        columns=["calworks_person_id", "cws_client_id", "decision"]
    )

    result = link_month(records, MODEL, no_decisions, 0.95, 0.5, HOUSEHOLDS, FLOOR)
    basis = result.links.set_index("calworks_person_id")["link_basis"].to_dict()
    # mom/c_mom (12 bits) and a/c_t (1 bit) are their families' only candidates: the
    # prior's fixed point pi = (1 + 2pi/(1+pi)) / 2 is 1, and both pass in the family;
    # but a/c_t's birth dates disagree outright (relative-like): review, not a link
    assert basis == {"kid": "MODEL", "mom": "HOUSEHOLD", "linked3": "MODEL"}
    assert result.review_queue[
        ["calworks_person_id", "cws_client_id"]
    ].values.tolist() == [["a", "c_t"]]
    assert floors == [0.5]  # every family candidate was scored already

    rejected = pd.DataFrame(
        {
            "calworks_person_id": ["mom"],
            "cws_client_id": ["c_mom"],
            "decision": ["NON_MATCH"],
        }
    )
    result = link_month(records, MODEL, rejected, 0.95, 0.5, HOUSEHOLDS, FLOOR)
    assert "mom" not in set(result.links["calworks_person_id"])


def test_households_are_cases_on_both_sides_and_referrals_on_the_cws_side():
    from matching.links import households

    got = households(
        pd.DataFrame({"person_id": ["p1", "p1"], "case_number": ["CA1", "CA2"]}),
        pd.DataFrame({"client_id": ["c1"], "case_id": ["K1"]}),
        pd.DataFrame(
            {
                "referral_id": ["R1", "R1", "R2"],
                "victim_client_id": ["c2", "c4", "c2"],
                "perpetrator_client_id": ["c3", "c3", None],
            }
        ),
    )
    assert sorted(map(tuple, got.values.tolist())) == [
        ("calworks", "p1", "case:CA1"),
        ("calworks", "p1", "case:CA2"),
        ("cws", "c1", "case:K1"),
        ("cws", "c2", "referral:R1"),
        ("cws", "c2", "referral:R2"),
        ("cws", "c3", "referral:R1"),
        ("cws", "c4", "referral:R1"),
    ]


def test_a_child_known_only_from_a_referral_links_through_the_parent_on_it():
    from matching.links import households

    family = households(
        pd.DataFrame({"person_id": ["mom", "kid"], "case_number": ["CA9", "CA9"]}),
        pd.DataFrame({"client_id": [], "case_id": []}, dtype=str),  # no CWS case at all
        pd.DataFrame(
            {
                "referral_id": ["R9"],
                "victim_client_id": ["c_kid"],
                "perpetrator_client_id": ["c_mom"],
            }
        ),
    )
    cross = pd.DataFrame(
        {
            "calworks_person_id": ["mom", "kid"],
            "cws_client_id": ["c_mom", "c_kid"],
            "gamma_first_name": FIRST_EXACT,
            "gamma_dob": 1,
        }
    )
    p = household_links(cross, pd.Series([True, False]), family, MODEL)
    assert p.notna().tolist() == [False, True] and p.iloc[1] > 0.95


def test_a_family_member_blocking_never_paired_is_scored_and_linked_by_household():
    """Mother: married surname, no SSN, no address on the CWS side, birth date
    keyed a day off, 'Mary' for 'Maria' -- no blocking rule pairs her. Her son links on his own; the family
    pass scores her against his CWS case's unlinked members and links her."""
    from matching.links import households, link_month
    from matching.model import MODEL_PATH, load_model, predict
    from matching.standardize import PERSON_COLUMNS, standardize

    cols = PERSON_COLUMNS
    calworks = pd.DataFrame(
        [
            ("P-MOM", "MARIA", "", "GONZALEZ", "1990-03-14", "F", "", "", "", "90011"),
            ("P-SON", "DANIEL", "J", "RAMIREZ", "2016-07-02", "M", "", "", "", "90011"),
            ("P-OTHER", "LUIS", "", "TORRES", "1975-01-20", "M", "", "", "", "93534"),
        ],
        columns=cols,
    )
    cws = pd.DataFrame(
        [
            ("C-MOM", "MARY", "", "RAMIREZ", "1990-03-15", "F", "", "", "", ""),
            ("C-SON", "DANIEL", "J", "RAMIREZ", "2016-07-02", "M", "", "", "", "90011"),
            ("C-STRANGER", "ROSA", "", "DIAZ", "1962-11-30", "F", "", "", "", "90003"),
        ],
        columns=cols,
    )
    family = households(
        pd.DataFrame(
            {
                "person_id": ["P-MOM", "P-SON", "P-OTHER"],
                "case_number": ["CA1", "CA1", "CA2"],
            }
        ),
        pd.DataFrame(
            {
                "client_id": ["C-MOM", "C-SON", "C-STRANGER"],
                "case_id": ["K1", "K1", "K2"],
            }
        ),
        pd.DataFrame(
            columns=["referral_id", "victim_client_id", "perpetrator_client_id"]
        ),
    )
    no_decisions = pd.DataFrame(
        columns=["calworks_person_id", "cws_client_id", "decision"]
    )
    model = load_model(MODEL_PATH)
    records = {"calworks": calworks, "cws": cws}

    without = link_month(records, model, no_decisions, 0.95, 0.5)
    assert without.links["calworks_person_id"].tolist() == ["P-SON"]
    scored = predict(
        {n: standardize(df, n) for n, df in records.items()}, model, floor=0.0
    )
    assert "C-MOM" not in scored["unique_id_r"].tolist()  # blocking never paired her
    result = link_month(records, model, no_decisions, 0.95, 0.5, family, 0.0001)
    assert result.links[
        ["calworks_person_id", "cws_client_id", "link_basis"]
    ].values.tolist() == [
        ["P-MOM", "C-MOM", "HOUSEHOLD"],
        ["P-SON", "C-SON", "MODEL"],
    ]


# a family whose child's CWS record carries the mother's birth date (keyed from her
# papers), and the same family with a junior in CalWORKs and his senior in CWS
BORROWED = pd.DataFrame(
    [
        ("calworks", "mom5", "case:CA5"),
        ("calworks", "kid5", "case:CA5"),
        ("cws", "c_mom5", "case:K5"),
        ("cws", "c_kid5", "case:K5"),
    ],
    columns=["system", "record_id", "household"],
)


def _frames(kid_dob: str, c_kid_dob: str) -> dict[str, pa.Table]:
    # standardized records as link_month keeps them (Arrow)
    return {
        "calworks": pa.table(
            {"unique_id": ["mom5", "kid5"], "dob": ["1980-01-01", kid_dob]}
        ),
        "cws": pa.table(
            {"unique_id": ["c_mom5", "c_kid5"], "dob": ["1980-01-01", c_kid_dob]}
        ),
    }


def test_a_birth_date_is_borrowed_when_a_member_of_the_other_family_has_it():
    from matching.links import borrowed_birth_date

    pairs = pd.DataFrame(
        {
            "calworks_person_id": ["kid5", "kid5", "mom5"],
            "cws_client_id": ["c_kid5", "c_mom5", "c_kid5"],
        }
    )
    # kid5/c_kid5: c_kid5 has 1980-01-01, which mom5 (CalWORKs, not kid5) has: borrowed.
    # kid5/c_mom5: c_mom5's date is mom5's, and mom5 is not kid5: borrowed too (the
    # first names tell these two apart; the flag only explains a birth date).
    # mom5/c_kid5: c_kid5's date is mom5's own -- the pair's own record, not
    # another member -- and mom5's date is c_mom5's, another CWS member: borrowed.
    assert borrowed_birth_date(
        pairs, BORROWED, _frames("2015-06-01", "1980-01-01")
    ).tolist() == [True, True, True]
    # every member with a date of their own: nothing to explain
    assert borrowed_birth_date(
        pairs.iloc[[0]], BORROWED, _frames("2015-06-01", "1979-03-03")
    ).tolist() == [False]
    # families on neither side: nothing
    other = BORROWED.assign(household="case:" + BORROWED["record_id"])
    assert borrowed_birth_date(
        pairs, other, _frames("2015-06-01", "1980-01-01")
    ).tolist() == [False, False, False]


@pytest.mark.parametrize(
    "c_kid_dob, linked",
    [
        ("1980-01-01", True),  # the mother's birth date on the child's CWS record
        (
            "1979-03-03",
            False,
        ),  # a date no one else in the family has: a junior / senior
    ],
)
def test_a_birth_date_the_family_explains_does_not_hold_a_household_link(
    monkeypatch, c_kid_dob, linked
):
    from matching.links import link_month

    scored = pd.DataFrame(
        {
            "source_dataset_l": "calworks",
            "unique_id_l": ["mom5", "kid5"],
            "source_dataset_r": "cws",
            "unique_id_r": ["c_mom5", "c_kid5"],
            "match_probability": [0.99, 0.60],
            "match_weight": 1.0,
            "gamma_first_name": FIRST_EXACT,
            "gamma_dob": [1, 0],
            "gamma_last_name": 1,
        }
    )
    monkeypatch.setattr(
        "matching.links.predict",
        lambda frames, model, floor, engine="duckdb": scored,
    )
    frames = _frames("2015-06-01", c_kid_dob)
    records = {
        name: pd.DataFrame(
            {
                "record_id": df["unique_id"],
                "first_name": ["ANA", "LUIS"],
                "last_name": "REYES",
                "date_of_birth": df["dob"],
            }
        )
        for name, df in frames.items()
    }
    no_decisions = pd.DataFrame(
        columns=["calworks_person_id", "cws_client_id", "decision"]
    )
    result = link_month(records, MODEL, no_decisions, 0.95, 0.5, BORROWED, FLOOR)
    basis = result.links.set_index("calworks_person_id")["link_basis"].to_dict()
    # kid5/c_kid5 is the family's only candidate: first name +4 and, when the date
    # is explained, no birth-date weight (else -3 bits): the prior's fixed point is 1
    # either way, so only the relatives' guard decides
    assert basis == (
        {"mom5": "MODEL", "kid5": "HOUSEHOLD"} if linked else {"mom5": "MODEL"}
    )
    queued = result.review_queue["calworks_person_id"].tolist()
    assert queued == ([] if linked else ["kid5"])


def _link_scored(
    monkeypatch, scored: pd.DataFrame, people: dict, families, model: dict = MODEL
):
    """link_month on pairs scored by hand: people = {system: [(id, first, dob)]}."""
    from matching.links import link_month

    scored = scored.assign(
        source_dataset_l="calworks",
        source_dataset_r="cws",
        match_weight=1.0,
        gamma_last_name=1,
    )
    monkeypatch.setattr(
        "matching.links.predict",
        lambda frames, model, floor, engine="duckdb": scored,
    )
    records = {
        system: pd.DataFrame(
            rows, columns=["record_id", "first_name", "date_of_birth"]
        ).assign(last_name="REYES")
        for system, rows in people.items()
    }
    no_decisions = pd.DataFrame(
        columns=["calworks_person_id", "cws_client_id", "decision"]
    )
    households = pd.DataFrame(families, columns=["system", "record_id", "household"])
    return link_month(records, model, no_decisions, 0.95, 0.5, households, FLOOR)


def test_a_child_keyed_with_the_mothers_birth_date_links_when_no_one_else_claims_it(
    monkeypatch,
):
    # CalWORKs: the mother and her son; CWS: only the son, keyed with her birth date.
    # No other link joins the families, so the household pass never sees the pair; the
    # pair scores 0.99 on the fields and the guard alone holds it: his record's date is
    # his mother's, who is in his CalWORKs family, and neither record is linked to
    # anyone else -- the date is explained, the pair links on the model.
    scored = pd.DataFrame(
        {
            "unique_id_l": ["kid5"],
            "unique_id_r": ["c_kid5"],
            "match_probability": [0.99],
            "gamma_first_name": [FIRST_EXACT],
            "gamma_dob": [0],
        }
    )
    people = {
        "calworks": [("mom5", "ANA", "1980-01-01"), ("kid5", "LUIS", "2015-06-01")],
        "cws": [("c_kid5", "LUIS", "1980-01-01")],
    }
    families = [
        ("calworks", "mom5", "case:CA5"),
        ("calworks", "kid5", "case:CA5"),
        ("cws", "c_kid5", "case:K5"),
    ]
    result = _link_scored(monkeypatch, scored, people, families)
    assert result.links[
        ["calworks_person_id", "cws_client_id", "link_basis"]
    ].values.tolist() == [["kid5", "c_kid5", "MODEL"]]
    # the same with the sexes disagreeing (a name alike, not the same): the guard
    # holds it for that too, which the family's date does not explain
    result = _link_scored(monkeypatch, scored.assign(gamma_sex=0), people, families)
    assert result.links.empty
    # a date no one in the family has: a junior / senior shape, held for review
    people["cws"] = [("c_kid5", "LUIS", "1979-03-03")]
    result = _link_scored(monkeypatch, scored, people, families)
    assert result.links.empty
    assert result.review_queue["cws_client_id"].tolist() == ["c_kid5"]


def test_a_senior_is_not_linked_to_the_junior_whose_own_record_claims_him(monkeypatch):
    # CalWORKs: LUIS senior (1960) and LUIS junior (1985) in one case; CWS: the
    # junior. His date is his own record's -- a member of the senior's family -- so
    # the senior/junior pair's disagreement looks explained, but the junior's own
    # record links to him: the senior's pair stays held.
    scored = pd.DataFrame(
        {
            "unique_id_l": ["sr", "jr"],
            "unique_id_r": ["c_jr", "c_jr"],
            "match_probability": [0.99, 0.999],
            "gamma_first_name": [FIRST_EXACT] * 2,
            "gamma_dob": [0, 1],
        }
    )
    people = {
        "calworks": [("sr", "LUIS", "1960-01-01"), ("jr", "LUIS", "1985-05-05")],
        "cws": [("c_jr", "LUIS", "1985-05-05")],
    }
    families = [
        ("calworks", "sr", "case:CA6"),
        ("calworks", "jr", "case:CA6"),
        ("cws", "c_jr", "case:K6"),
    ]
    result = _link_scored(monkeypatch, scored, people, families)
    assert result.links[["calworks_person_id", "cws_client_id"]].values.tolist() == [
        ["jr", "c_jr"]
    ]


def test_two_explained_pairs_on_one_record_both_stay_held(monkeypatch):
    # twins in CalWORKs with their mother; one CWS record with the mother's date
    # scores 0.99 with each twin (a first-name typo away from both): no way to tell
    # which twin it is, so neither links
    scored = pd.DataFrame(
        {
            "unique_id_l": ["twin_a", "twin_b"],
            "unique_id_r": ["c_twin", "c_twin"],
            "match_probability": [0.99, 0.99],
            "gamma_first_name": [FIRST_EXACT] * 2,
            "gamma_dob": [0, 0],
        }
    )
    people = {
        "calworks": [
            ("mom7", "ANA", "1980-01-01"),
            ("twin_a", "LUIS", "2015-06-01"),
            ("twin_b", "LUZ", "2015-06-01"),
        ],
        "cws": [("c_twin", "LUIZ", "1980-01-01")],
    }
    families = [("calworks", p, "case:CA7") for p in ("mom7", "twin_a", "twin_b")]
    families.append(("cws", "c_twin", "case:K7"))
    result = _link_scored(monkeypatch, scored, people, families)
    assert result.links.empty
    assert sorted(result.review_queue["calworks_person_id"]) == ["twin_a", "twin_b"]


# CalWORKs case CA8: the mother and her daughter ROSA; CWS case K8: the mother, and
# the daughter as KIMBERLY (her middle name, which CalWORKs does not have). The
# mothers' pair links on the fields and joins the families; the daughters' pair has
# first names wholly different and one birth date: a person who goes by another
# given name, or a twin
GOES_BY_MIDDLE = {
    "calworks": [("mom8", "ANA", "1980-01-01"), ("kid8", "ROSA", "2015-06-01")],
    "cws": [("c_mom8", "ANA", "1980-01-01"), ("c_kid8", "KIMBERLY", "2015-06-01")],
}


# the hand model with the birth date's exact level where the real model has it
# (DOB_EXACT; the levels between weigh nothing), which the guard reads
DOB_LEVELS_MODEL = {
    **MODEL,
    "comparisons": [
        c
        if c["output_column_name"] != "dob"
        else {
            **c,
            "comparison_levels": [
                *c["comparison_levels"][:2],
                *[{"m_probability": 0.01, "u_probability": 0.01}] * (DOB_EXACT - 1),
                c["comparison_levels"][-1],
            ],
        }
        for c in MODEL["comparisons"]
    ],
}


@pytest.mark.parametrize(
    "change, linked",
    [
        # no one else in either family born that day: linked by household. In the
        # family the daughters' pair is the only candidate, its evidence first name
        # -3 and birth date +8 bits, so the family prior's fixed point is 1
        ("none", True),
        # her twin LUZ on the CalWORKs case, linked to her own CWS record: the
        # CWS record could be either twin
        ("twin on the case", False),
        # a sister KIMBERLY on the CalWORKs case: the CWS name is hers
        ("her name is a sister's", False),
        # two SSNs: two people
        ("two SSNs", False),
        # the other sex: a twin brother
        ("other sex", False),
    ],
)
def test_another_first_name_links_in_the_family_only_where_no_twin_is_in_sight(
    monkeypatch, change, linked
):
    people = {system: list(rows) for system, rows in GOES_BY_MIDDLE.items()}
    scored = pd.DataFrame(
        {
            "unique_id_l": ["mom8", "kid8"],
            "unique_id_r": ["c_mom8", "c_kid8"],
            "match_probability": [0.99, 0.90],
            "gamma_first_name": [FIRST_EXACT, 0],
            "gamma_dob": [DOB_EXACT, DOB_EXACT],
        }
    )

    def scored_too(person, client, probability, dob):  # the first names the same
        pair = (person, client, probability, FIRST_EXACT, dob)
        new = pd.DataFrame([pair], columns=scored.columns)
        return pd.concat([scored, new], ignore_index=True)

    if change == "twin on the case":
        people["calworks"].append(("twin8", "LUZ", "2015-06-01"))
        people["cws"].append(("c_twin8", "LUZ", "2015-06-01"))
        scored = scored_too("twin8", "c_twin8", 0.99, DOB_EXACT)
    if change == "her name is a sister's":
        people["calworks"].append(("sis8", "KIMBERLY", "2012-02-02"))
        scored = scored_too("sis8", "c_kid8", 0.60, 0)
    if change == "two SSNs":
        scored["gamma_ssn"] = [1, 0]
    if change == "other sex":
        scored["gamma_sex"] = [1, 0]
    families = [("calworks", p, "case:CA8") for p, _, _ in people["calworks"]]
    families += [("cws", c, "case:K8") for c, _, _ in people["cws"]]
    result = _link_scored(monkeypatch, scored, people, families, DOB_LEVELS_MODEL)
    links = result.links.set_index("calworks_person_id")["link_basis"].to_dict()
    links.pop("twin8", None)  # linked on its own fields
    assert links == (
        {"mom8": "MODEL", "kid8": "HOUSEHOLD"} if linked else {"mom8": "MODEL"}
    )
