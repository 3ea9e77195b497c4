"""The generator's record noise of GitHub issue 14 (item 4): each kind does what
its label says, the noise level scales it, a seed fixes it, records keep the contract."""

import re
import unicodedata

import numpy as np
import pandas as pd
import pytest

from contract import SOURCE_FILES
from orchestration.cli import main
from synthetic.population import (
    CALWORKS_NOISE,
    CWS_NOISE,
    MAX_RATE,
    NEW_KINDS,
    ONE_DRAW_KINDS,
    PRESENCE_RATES,
    baby_placeholders,
    build_population,
    noise_rates,
    noisy_records,
)
from tests.e2e.test_generator import _read, check_values_follow_the_contract

END = pd.Timestamp("2026-10-31")
ALL_NEW = set(NEW_KINDS) | {"baby_placeholder"}


@pytest.fixture(scope="module")
def people() -> pd.DataFrame:
    """About 10,000 true people in 3,000 families."""
    return build_population(np.random.default_rng(7), 3000, END).people


def _records(people, rates, seed=0, recorded=END) -> pd.DataFrame:
    return noisy_records(
        np.random.default_rng(seed),
        people,
        rates,
        relatives=people,
        recorded=pd.Series(recorded, index=people.index),
    )


def _with(rec: pd.DataFrame, kind: str) -> pd.Series:
    return rec["noise"].str.split(";").map(lambda kinds: kind in kinds)


def _new_share(rec: pd.DataFrame) -> float:
    return (
        rec["noise"].str.split(";").map(lambda kinds: bool(ALL_NEW & set(kinds))).mean()
    )


def test_name_swap_puts_first_and_last_in_each_others_fields(people):
    rec = _records(people, {"name_swap": 1.0})
    hit = _with(rec, "name_swap")
    assert hit.all()  # everyone has both names
    assert (rec["first_name"] == people["last_name"]).all()
    assert (rec["last_name"] == people["first_name"]).all()
    assert rec["noise"].eq("name_swap").all()


def test_first_initial_keeps_only_the_initial(people):
    rec = _records(people, {"first_initial": 1.0})
    hit = _with(rec, "first_initial")
    assert hit.mean() > 0.99  # every first name longer than one letter
    assert (
        rec.loc[hit, "first_name"] == people.loc[hit, "first_name"].str[0].str.upper()
    ).all()
    assert (rec.loc[hit, "first_name"].str.len() == 1).all()
    assert (rec["last_name"] == people["last_name"]).all()


def test_goes_by_middle_puts_the_middle_name_in_the_first_names_place(people):
    rec = _records(people, {"goes_by_middle": 1.0})
    hit = _with(rec, "goes_by_middle")
    # everyone with a middle name (55% of people), no one without
    assert hit.equals(people["middle_name"].notna() & people["first_name"].notna())
    assert (rec.loc[hit, "first_name"] == people.loc[hit, "middle_name"]).all()
    assert rec.loc[hit, "middle_name"].isna().all()
    assert (rec.loc[~hit, "first_name"] == people.loc[~hit, "first_name"]).all()
    assert (rec["last_name"] == people["last_name"]).all()


def test_the_extract_level_leaves_goes_by_middle_as_usual():
    # not one of issue 14's kinds: its goal month has those on ~30% of CWS clients
    assert "goes_by_middle" not in NEW_KINDS and "goes_by_middle" in ONE_DRAW_KINDS
    rates = noise_rates(CWS_NOISE, 2, extract_level=3)
    assert rates["goes_by_middle"] == pytest.approx(2 * CWS_NOISE["goes_by_middle"])


def test_relative_ssn_is_another_family_members_ssn(people):
    rec = _records(people, {"relative_ssn": 1.0})
    hit = _with(rec, "relative_ssn")
    assert hit.mean() > 0.9  # nearly everyone has a relative
    family_of_ssn = dict(zip(people["ssn"], people["family_id"], strict=True))
    got = rec.loc[hit, "ssn"]
    assert (got != people.loc[hit, "ssn"]).all()  # not the person's own
    assert (
        got.map(family_of_ssn) == people.loc[hit, "family_id"]
    ).all()  # a relative's
    assert (rec.loc[~hit, "ssn"] == people.loc[~hit, "ssn"]).all()
    assert (rec["ssn"].str.fullmatch(r"\d{9}")).all()


def test_relative_ssn_only_where_the_relative_has_one():
    people = pd.DataFrame(
        {
            "true_person_id": ["a", "b", "c", "d"],
            "family_id": [1, 1, 2, 2],
            "kin": ["mother", "child", "mother", "child"],
            "first_name": ["Ana", "Luz", "Eva", "Rut"],
            "middle_name": None,
            "last_name": ["Soto", "Soto", "Rios", "Rios"],
            "dob": pd.to_datetime(
                ["1990-01-01", "2015-05-05", "1991-02-02", "2016-06-06"]
            ),
            "sex": "F",
            "ssn": ["123450001", None, "123450003", "123450004"],
        }
    )
    rec = _records(people, {"relative_ssn": 1.0, "ssn_present_child": 1.0})
    # a's only relative (b) has no SSN; b keyed none; c and d swap theirs
    assert rec["noise"].tolist() == ["", "", "relative_ssn", "relative_ssn"]
    assert rec["ssn"].fillna("-").tolist() == [
        "123450001",
        "-",
        "123450004",
        "123450003",
    ]


def test_relative_dob_is_another_family_members_birth_date(people):
    rec = _records(people, {"relative_dob": 1.0})
    hit = _with(rec, "relative_dob")
    assert (
        hit.mean() > 0.85
    )  # twins share theirs, and a relative born later cannot be keyed
    dobs = people.groupby("family_id")["dob"].agg(set)
    family_dobs = people.loc[hit, "family_id"].map(dobs)
    got = rec.loc[hit, "dob"]
    assert all(d in s for d, s in zip(got, family_dobs, strict=True))
    assert (got != people.loc[hit, "dob"]).all()
    # never after the record was made
    early = pd.Timestamp("2015-01-01")
    rec = _records(people, {"relative_dob": 1.0}, recorded=early)
    hit = _with(rec, "relative_dob")
    assert hit.any() and (rec.loc[hit, "dob"] <= early).all()


def test_birth_year_digit_changes_one_digit_of_the_year(people):
    recorded = pd.Timestamp("2020-06-30")
    rec = _records(people, {"birth_year_digit": 1.0}, recorded=recorded)
    hit = _with(rec, "birth_year_digit")
    assert (
        hit[people["dob"] < "2019-01-01"].mean() > 0.95
    )  # the younger may have no earlier year
    got, true = (
        pd.DatetimeIndex(rec.loc[hit, "dob"]),
        pd.DatetimeIndex(people.loc[hit, "dob"]),
    )
    for g, t in zip(got.year, true.year, strict=True):
        assert sum(a != b for a, b in zip(str(g), str(t), strict=True)) == 1, (g, t)
        assert str(g)[:2] == str(t)[:2]  # 1987 -> 1981 or 1997, never 2987
    assert (got.month == true.month).all() and (got.day == true.day).all()
    assert (got <= recorded).all() and (
        got.year >= 1900
    ).all()  # valid, never in the future


OCR_CONFUSIONS = [
    ("rn", "m"),
    ("m", "rn"),
    ("cl", "d"),
    ("d", "cl"),
    ("l", "I"),
    ("I", "l"),
    ("L", "I"),
    ("I", "L"),
    ("vv", "w"),
    ("w", "vv"),
    ("e", "c"),
    ("c", "e"),
    ("h", "b"),
    ("b", "h"),
    ("u", "v"),
    ("v", "u"),
]


def _one_confusion(true: str, got: str) -> bool:
    return any(
        true.startswith(a, i) and true[:i] + b + true[i + len(a) :] == got
        for a, b in OCR_CONFUSIONS
        for i in range(len(true))
    )


def test_ocr_misreads_one_letter_shape_in_one_name(people):
    rec = _records(people, {"ocr": 1.0})
    hit = _with(rec, "ocr")
    assert hit.mean() > 0.95
    for col_changed, col_same in (
        ("first_name", "last_name"),
        ("last_name", "first_name"),
    ):
        changed = hit & (rec[col_changed] != people[col_changed])
        assert (rec.loc[changed, col_same] == people.loc[changed, col_same]).all()
        for t, g in zip(
            people.loc[changed, col_changed], rec.loc[changed, col_changed], strict=True
        ):
            assert _one_confusion(t, g), (t, g)
            assert not re.search(r"\d", g)  # letters only: O/0 is no name


def _one_name(first, last, copies=200, kind="phonetic") -> set[tuple[str, str]]:
    """What `kind` makes of one name: the (first, last) written on `copies` records of it."""
    frame = pd.DataFrame(
        {
            "true_person_id": [f"x{i}" for i in range(copies)],
            "family_id": range(copies),
            "kin": "father",
            "first_name": first,
            "middle_name": None,
            "last_name": last,
            "dob": pd.Timestamp("1985-03-03"),
            "sex": "M",
            "ssn": "123456780",
        }
    )
    rec = _records(frame, {kind: 1.0})
    return set(zip(rec["first_name"], rec["last_name"], strict=True))


def test_phonetic_misspellings():
    assert ("Steven", "Smith") in _one_name("Stephen", "Smith")
    assert ("Catherine", "Lee") in _one_name("Katherine", "Lee")
    assert ("Jose", "Gonzales") in _one_name("Jose", "Gonzalez")
    assert ("Tomas", "Vasquez") in _one_name("Thomas", "Vasquez")
    assert ("Sara", "Basquez") in _one_name("Sara", "Vasquez")  # Spanish b/v
    assert ("Philip", "Diaz") in _one_name("Phillip", "Diaz")


def test_phonetic_changes_one_name_and_says_so(people):
    rec = _records(people, {"phonetic": 1.0})
    hit = _with(rec, "phonetic")
    assert hit.mean() > 0.95
    changed = (rec["first_name"] != people["first_name"]) | (
        rec["last_name"] != people["last_name"]
    )
    assert (changed == hit).all()
    both = (rec["first_name"] != people["first_name"]) & (
        rec["last_name"] != people["last_name"]
    )
    assert not both.any()


def _plain(s: str) -> str:
    return "".join(
        c for c in unicodedata.normalize("NFD", s) if not unicodedata.combining(c)
    )


def test_accent_case_writes_names_as_spanish_language_entry_does():
    seen = set()
    for first, last in [("Jose", "Hernandez"), ("Maria", "Nunez"), ("Jesus", "Pena")]:
        seen |= _one_name(first, last, kind="accent_case")
    assert {("José", "Hernández"), ("María", "Núñez"), ("Jesús", "Peña")} <= seen
    assert {("JOSÉ", "HERNÁNDEZ"), ("JOSE", "HERNANDEZ")} <= seen
    assert _one_name("Ashley", "Smith", copies=5, kind="accent_case") == {
        ("ASHLEY", "SMITH")
    }


def test_accent_case_keeps_the_name_but_accents_and_case(people):
    rec = _records(people, {"accent_case": 1.0})
    hit = _with(rec, "accent_case")
    assert hit.all()
    for col in ("first_name", "last_name"):
        assert (
            rec[col].map(_plain).str.upper() == people[col].map(_plain).str.upper()
        ).all()


def test_baby_placeholder_only_on_young_children():
    clients = pd.DataFrame(
        {
            "first_name": ["Ana", "Luis", "Eva", "Rut", "Leo", None, "Max"],
            "noise": ["", "typo", "", "", "", ";first_missing", ""],
        }
    )
    age = np.array([-20, 0, 12, 29, 30, 5, 4000])
    sex = np.array(["F", "M", "F", "M", "M", "F", "M"], dtype=object)
    baby_placeholders(np.random.default_rng(0), clients, age, sex, 1.0)
    assert clients["first_name"].fillna("-").tolist() == [
        "UNBORN",
        "BABY BOY",
        "BABY GIRL",
        "BABY BOY",
        "Leo",
        "-",
        "Max",
    ]
    assert clients["noise"].tolist() == [
        "baby_placeholder",
        "typo;baby_placeholder",
        "baby_placeholder",
        "baby_placeholder",
        "",
        ";first_missing",
        "",
    ]


def test_noise_rates_scale_noise_not_presence():
    for rates in (CALWORKS_NOISE, CWS_NOISE):
        three = noise_rates(rates, 3)
        for k, v in rates.items():
            if k in PRESENCE_RATES:
                assert three[k] == v
            else:
                assert three[k] == pytest.approx(min(3 * v, MAX_RATE))
        assert all(
            v == 0 for k, v in noise_rates(rates, 0).items() if k not in PRESENCE_RATES
        )
    assert noise_rates(CWS_NOISE) == CWS_NOISE
    with pytest.raises(ValueError):
        noise_rates(CWS_NOISE, -1)


def test_level_three_gives_about_three_times_the_new_noise(people):
    one = _new_share(_records(people, noise_rates(CWS_NOISE, 1)))
    three = _new_share(_records(people, noise_rates(CWS_NOISE, 3)))
    assert 0.07 < one < 0.12
    assert 2.6 < three / one < 3.3
    assert _new_share(_records(people, noise_rates(CWS_NOISE, 0))) == 0
    assert (
        _records(people, noise_rates(CWS_NOISE, 0))["noise"]
        .isin(["", "missing_ssn"])
        .all()
    )


def test_extract_level_raises_only_the_kinds_real_extracts_have(people):
    rates = noise_rates(CWS_NOISE, 1, extract_level=3)
    for k, v in CWS_NOISE.items():
        expected = min(3 * v, MAX_RATE) if k in NEW_KINDS else v
        assert rates[k] == pytest.approx(expected), k
    # both levels multiply the new kinds; a presence rate is never scaled
    both = noise_rates(CWS_NOISE, 2, extract_level=3)
    assert both["ocr"] == pytest.approx(6 * CWS_NOISE["ocr"])
    assert both["typo"] == pytest.approx(2 * CWS_NOISE["typo"])
    assert both["ssn_present"] == CWS_NOISE["ssn_present"]
    # about 30% of CWS clients carry one of the new kinds at extract level 3
    assert 0.24 < _new_share(_records(people, rates)) < 0.36
    with pytest.raises(ValueError, match="extract noise level"):
        noise_rates(CWS_NOISE, 1, extract_level=-1)


def test_older_kinds_are_untouched_by_the_new_ones(people):
    older = {k: v for k, v in CWS_NOISE.items() if k not in ONE_DRAW_KINDS}
    before, after = _records(people, older, seed=4), _records(people, CWS_NOISE, seed=4)
    untouched = ~after["noise"].str.split(";").map(
        lambda kinds: bool((ALL_NEW | set(ONE_DRAW_KINDS)) & set(kinds))
    )
    assert untouched.mean() > 0.85
    pd.testing.assert_frame_equal(before[untouched], after[untouched])


def test_same_seed_same_records(people):
    rates = noise_rates(CWS_NOISE, 3)
    a, b, c = (_records(people, rates, seed=s) for s in (5, 5, 6))
    pd.testing.assert_frame_equal(a, b)
    assert not a.equals(c)


@pytest.fixture(scope="module")
def noisy_county(tmp_path_factory):
    """A small county's month at three times the default noise, through the command line."""
    out = tmp_path_factory.mktemp("noisy")
    code = main(
        [
            "generate",
            "--out",
            str(out),
            "--start",
            "2026-01",
            "--months",
            "1",
            "--size",
            "small",
            "--seed",
            "5",
            "--noise-level",
            "3",
        ]
    )
    assert code == 0
    return out


def test_noisy_records_still_follow_the_contract(noisy_county):
    month = {
        f.name: _read(noisy_county / "landing" / "2026-01", f.name)
        for f in SOURCE_FILES
    }
    for spec in SOURCE_FILES:
        check_values_follow_the_contract({"2026-01": month}, spec)
    for name in ("calworks_persons", "cws_clients"):
        assert month[name]["ssn"].dropna().str.fullmatch(r"\d{9}").all()
    assert month["calworks_persons"][["first_name", "last_name"]].notna().all().all()


def test_every_new_kind_is_labelled_in_the_truth(noisy_county):
    records = _read(noisy_county / "truth", "person_records")
    for system in ("cws", "calsaws"):
        labels = set(
            ";".join(records.query("system == @system")["noise"].dropna()).split(";")
        )
        assert set(ONE_DRAW_KINDS) <= labels, (system, set(ONE_DRAW_KINDS) - labels)
    people = _read(noisy_county / "truth", "people").set_index("true_person_id")
    babies = records.query("system == 'cws'").dropna(subset=["noise"])
    babies = babies[babies["noise"].str.contains("baby_placeholder")]
    assert (people.loc[babies["true_person_id"], "kin"] == "child").all()


def test_a_rekeyed_address_is_the_same_home_keyed_another_way():
    from matching.standardize import address_words, clean_address
    from synthetic.draws import rekeyed_address

    rng = np.random.default_rng(3)
    flat = {rekeyed_address(rng, "1234 Main St Apt 12") for _ in range(60)}
    assert flat == {"1234 Main Street Apt 12", "Apt 12, 1234 Main St", "1234 Main St"}
    house = {rekeyed_address(rng, "55 Oak Ave") for _ in range(20)}
    assert house == {"55 Oak Avenue"}
    # each is the same home to the linkage: the same words, or some left out
    words = set(address_words(clean_address("1234 Main St Apt 12")))
    for a in flat:
        assert set(address_words(clean_address(a))) <= words


def test_cws_rekeys_some_household_addresses(noisy_county):
    records = _read(noisy_county / "truth", "person_records")
    cws = records.query("system == 'cws'")["noise"].fillna("")
    share = cws.str.contains("address_rekeyed").mean()
    # 0.15 x 3 of the records with the household's address, about a third of all
    # CWS records: about 15% (5% at the default level on a county month)
    assert 0.05 < share < 0.30, share
