"""Addresses as two systems key them: street words spelled out or abbreviated,
the unit before or after the street, a word left out. Answers worked out by hand
from USPS Publication 28's abbreviations."""

import pandas as pd
import pytest

from matching.standardize import PERSON_COLUMNS, address_words, standardize, street
from tests.unit.saved_model_link import every_blocked_pair


def _standardized(address: str, city: str = "") -> pd.Series:
    row = dict.fromkeys(PERSON_COLUMNS, "")
    row.update(record_id="1", address_line1=address, city=city)
    return standardize(pd.DataFrame([row]), "x").iloc[0]


@pytest.mark.parametrize(
    "a, b",
    [
        ("1200 North Main Street, Apartment 4", "1200 N MAIN ST APT 4"),
        ("1200 N. Main St. Unit 4", "1200 N MAIN ST APT 4"),
        ("88 Sunset Boulevard", "88 SUNSET BLVD"),
    ],
)
def test_street_and_unit_words_are_abbreviated_alike(a, b):
    assert _standardized(a)["address"] == b


def test_a_city_keeps_its_words():
    # SOUTH PASADENA is a city's name, not a direction to abbreviate
    assert _standardized("1 Oak St", city="South Pasadena")["city"] == "SOUTH PASADENA"


def test_address_words_are_the_distinct_words_sorted():
    assert address_words("APT 4 1200 MAIN ST") == ["1200", "4", "APT", "MAIN", "ST"]
    assert address_words("1200 MAIN ST APT 4") == address_words("APT 4 1200 MAIN ST")
    assert address_words(None) is None


@pytest.mark.parametrize(
    "address, building",
    [
        ("1200 N MAIN ST APT 4", "1200 MAIN"),  # direction skipped
        ("1200 MAIN", "1200 MAIN"),
        ("12B OAK AVE", "12B OAK"),
        ("PO BOX 55", None),  # no house number
        ("1200", None),  # no street name
        ("1200 N", None),
        (None, None),
    ],
)
def test_street_is_house_number_and_street_name(address, building):
    assert street(address) == building


def test_the_same_address_in_another_order_is_evidence(tmp_path):
    """Names agree, no birth date on one side, the ZIP keyed wrong: the address
    with its unit written first is the same home, and weighs more than another
    home would (both pairs are blocked on the names)."""
    left = [
        ("L1", "TERESA", "", "OKAFOR", "", "F", "", "1200 MAIN ST APT 4", "", "90011"),
        ("L2", "TERESA", "", "OKAFOR", "", "F", "", "77 ELM AVE", "", "90011"),
    ]
    right = [
        ("R1", "Teresa", "", "Okafor", "1984-02-03", "F", "", "Apt 4, 1200 Main Street")
        + ("", "90012"),
    ]
    pairs = every_blocked_pair(tmp_path, left, right).set_index("left_record_id")
    assert pairs.loc["L1", "match_probability"] > pairs.loc["L2", "match_probability"]


def test_the_same_building_brings_records_to_be_compared(tmp_path):
    """First name replaced, birth date keyed far off, ZIP wrong and the unit left
    out: no name, birth date or ZIP agrees, so only house number and street with the
    city bring the two records together to be scored at all."""
    left = [
        ("L1", "KAREN", "", "OKAFOR", "1980-01-01", "", "", "415 E 5th St Apt 2")
        + ("Los Angeles", "90011"),
    ]
    right = [
        ("R1", "Adaeze", "", "Okafor", "1908-03-01", "", "", "415 5TH STREET")
        + ("LOS ANGELES", "90012"),
    ]
    pairs = every_blocked_pair(tmp_path, left, right)
    assert pairs[["left_record_id", "right_record_id"]].values.tolist() == [
        ["L1", "R1"]
    ]


@pytest.mark.parametrize(
    "line",
    ["Homeless", "HOMELESS - NO ADDRESS", "General Delivery", "N/A", "transient"],
)
def test_a_line_that_says_there_is_no_address_is_missing(line):
    row = _standardized(line, city="Fresno")
    assert row["address"] is None
    assert row["address_words"] is None and row["street"] is None
    assert row["city"] == "FRESNO"  # the city and ZIP still say where


def test_a_real_address_with_such_a_word_is_kept():
    assert _standardized("1 Unknown Rd")["address"] == "1 UNKNOWN RD"


def test_homeless_strangers_are_not_compared_for_their_address(tmp_path):
    """Three people on each side keyed HOMELESS, no name, birth date or ZIP alike:
    read as an address, HOMELESS brought all nine pairs together to be scored (the
    address blocking rule), as it brings every such record of a county month to
    every other; missing, it brings none."""
    people = [
        ("ALMA", "BECK", "1971-02-03", "93701"),
        ("DORIS", "FINCH", "1982-05-06", "93702"),
        ("GUS", "HOLT", "1993-08-09", "93703"),
        ("IVAN", "JONES", "1964-10-11", "93704"),
        ("KYLE", "LOPEZ", "1955-12-13", "93705"),
        ("MONA", "NASH", "2001-03-14", "93706"),
    ]
    rows = [
        (f"{side}{i}", first, "", last, dob, "", "", "HOMELESS", "", zip_code)
        for i, (first, last, dob, zip_code) in enumerate(people)
        for side in ["L" if i < 3 else "R"]
    ]
    pairs = every_blocked_pair(tmp_path, rows[:3], rows[3:])
    assert pairs.empty
