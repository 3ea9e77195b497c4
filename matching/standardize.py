"""Person records -> the columns the linkage model compares.

Both systems (and `linkages link` inputs) go through the same function, so a
name is cleaned the same way wherever it comes from.
"""

from __future__ import annotations

import csv
import gc
import importlib.resources
import re
import unicodedata
from contextlib import contextmanager
from datetime import date
from functools import cache, lru_cache
from pathlib import Path
from typing import NamedTuple

import jellyfish
import numpy as np
import pandas as pd
import pyarrow as pa

from expectations.contract import ssn_is_valid

SUFFIXES = {"JR", "SR", "II", "III", "IV", "2ND", "3RD"}
# particles that are not a surname on their own ("DE LA CRUZ" -> CRUZ)
PARTICLES = {"DE", "LA", "DEL", "LOS", "LAS", "Y", "VAN", "VON", "DA", "DI", "DU", "ST"}
PERSON_COLUMNS = [
    "record_id",
    "first_name",
    "middle_name",
    "last_name",
    "date_of_birth",
    "sex",
    "ssn",
    "address_line1",
    "city",
    "zip",
]

# the standardized columns that hold lists (of name forms, of surname parts)
LIST_COLUMNS = frozenset(
    {
        "first_name_forms",
        "first_name_variants",
        "last_name_forms",
        "surname_parts",
        "address_words",
    }
)

NOT_NAME = re.compile(r"[^A-Za-z \-]")
NOT_ADDRESS = re.compile(r"[^A-Za-z0-9 ]")
SPACES = re.compile(r"\s+")
# a 5-digit ZIP (ZIP+4 cut to 5); other countries' 4-digit postcodes kept as they are
POSTCODE = re.compile(r"^(\d{5}|\d{4}(?!\d))")
# a birth year outside these is a keying error (6001 for 2001), not a date to compare:
# it is missing, so one wrong digit does not count as two different people
FIRST_BIRTH_YEAR = 1880
# Birth dates a system keys when the real one is unknown (a required field): the
# first day of 1900 or 1901, the spreadsheet's day zero. No one alive was born on
# them; read as dates, two strangers keyed with one agree on a birth date (13.8
# bits of the model's evidence) and namesakes link.
STAND_IN_BIRTH_DATES = frozenset({"1900-01-01", "1901-01-01", "1899-12-31"})
# Any other date held by at least this many records of a file, and this many times
# as many as an average day of its birth year there, is a stand-in too (a system's
# default such as 2000-01-01). Births spread over the year: a county's CalWORKs
# month has ~14 people per birth date; the first of January of refugees given
# that date on arrival runs to a few times an average day, not 50.
# An SSN held by that many records of a file is a stand-in whatever it is: a person
# has one record in a system's file, and a relative's SSN keyed on a record repeats
# it a few times, a tax file a person's few employers (pseudopeople's W-2s: 5 at most).
STAND_IN_MIN_RECORDS = 20
STAND_IN_TIMES_A_DAY = 50
# SSNs a system keys when the real one is unknown and the field is required: one
# digit nine times (the contract's gate nulls 111111111 and 999999999; 888888888
# passes it), and two numbers printed on sample cards that thousands of people used
# as their own until the SSA voided them. Read as SSNs, two strangers keyed with one
# agree on an SSN, the model's strongest evidence: a county month with 888888888 on
# 1% of each system's records lost precision 0.9970 -> 0.9876, and its review queue
# grew from 3,848 pairs to 28,500 (benchmarks/linkage_extract_variants.py).
STAND_IN_SSNS = frozenset(
    {digit * 9 for digit in "0123456789"} | {"078051120", "219099999"}
)
# A file whose SSNs went through a spreadsheet as numbers lost their leading zeros
# (012-34-5678 became 12345678): about one SSN in nine issued since 2011 begins
# with 0, as do many of people from the Northeast. Its SSNs of 7 or 8 digits are
# padded back when the file shows the loss -- at least this share of its SSNs that
# short, and not one of 9 digits beginning with 0. Otherwise a short SSN is a
# keying slip, and missing.
SHORT_SSNS_SHARE = 0.01
# the fields whose stand-ins are read as missing; standardize marks each record's
# in a column `<field>_stand_in`
STAND_IN_FIELDS = ("birth_date", "ssn")
# a date as a spreadsheet saved in the US writes it (a county's file opened and saved
# again: 1/31/1980 for 1980-01-31), or with dashes (1-31-1980); a two-digit year could
# be either century: missing
US_DATE = re.compile(r"(\d{1,2})([/-])(\d{1,2})\2(\d{4})(?:[ T]|$)")
# the year first with slashes, or with its month and day not padded (1980/1/31,
# 1980-1-31): as a database tool or another locale's spreadsheet writes it
YEAR_FIRST_DATE = re.compile(r"(\d{4})([/-])(\d{1,2})\2(\d{1,2})(?:[ T]|$)")
# what a clerk keys when a person has no name yet (a newborn, an unborn child) or it
# is unknown: not a name, so missing -- two "BABY GIRL"s are not evidence of anything
PLACEHOLDER_NAMES = {
    "BABY",
    "BABY BOY",
    "BABY GIRL",
    "BABYBOY",
    "BABYGIRL",
    "BB",
    "BG",
    "INFANT",
    "NEWBORN",
    "UNBORN",
    "UNBORN CHILD",
    "UNK",
    "UNKNOWN",
    "FNU",
    "LNU",
    "NFN",
    "NLN",
    "NONE",
    "NA",
    "NMN",
    "BOY",
    "GIRL",
    "TWIN A",
    "TWIN B",
    "DOE",
    "JOHN DOE",
    "JANE DOE",
}

# a relationship or a title where the first name should be: what a respondent or a
# clerk writes for someone whose name they do not give (surveys and case notes:
# "MOM", "SON OF", "HIJA"). First names only: Son, Minor, Child are surnames too.
# Initials stay -- they have a level of their own.
NOT_FIRST_NAMES = {
    *("MOM", "MOTHER", "DAD", "FATHER", "SON", "SON OF", "DAUGHTER", "DAUGHTER OF"),
    *("DAU", "CHILD", "MALE CHILD", "FEMALE CHILD", "KID", "MINOR", "HIJO", "HIJA"),
    *("WIFE", "HUSBAND", "BROTHER", "SISTER", "GRANDSON"),
    *("GRANDDAUGHTER", "GRANDCHILD", "NEPHEW", "NIECE", "MR", "MRS", "MS", "MISS"),
    *("SENOR", "SENORA", "ADULT", "PERSON", "RESIDENT", "RESPONDENT", "MALE"),
    *("FEMALE", "INFANT BOY", "INFANT GIRL", "WOMAN"),
    # not MAN or LADY: both are given names (Man is common in Vietnamese and Chinese)
}
# words that only describe someone (a census or intake form's "ADULT MALE", "OLDEST
# SON", "FRIEND"): a first name made of them alone is no name; nor is a phrase with
# OF in it ("LADY OF THE HOUSE", "MAN OF THE HOUS", "GENTLEMAN OF"), though LADY and
# MAN alone are names
DESCRIBING_WORDS = {
    *(word for phrase in NOT_FIRST_NAMES for word in phrase.split()),
    *("FRIEND", "INMATE", "ROOMMATE", "BOARDER", "LODGER", "TENANT", "SPOUSE"),
    *("PARTNER", "OLDEST", "YOUNGEST", "ELDEST", "HEAD", "HOUSEHOLD", "HOUSEHOLDER"),
    *("GENTLEMAN", "GENTLEMEN", "UNNAMED", "OF", "THE"),
}


def text_or_none(value) -> str | None:
    """A cell as text, or None when it is missing: None, NaN, pandas' NA, blank.
    Everything downstream tests `is None`; the float NaN must never get that far."""
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return None
    text = str(value).strip()
    return text or None


def clean_name(value) -> str | None:
    """Upper case, accents dropped, only letters, spaces and hyphens kept;
    placeholder names are missing."""
    text = text_or_none(value)
    return None if text is None else _clean_text(text)


def _first_name(value) -> str | None:
    name = clean_name(value)
    if name is None:
        return None
    # NOT_FIRST_NAMES' words are all describing words: each of them is caught here too
    words = name.split()
    describes = "OF" in words or all(w in DESCRIBING_WORDS for w in words)
    return None if describes else name


@lru_cache(maxsize=1 << 20)
def _clean_text(text: str) -> str | None:
    # names repeat (a county has ~5,000 first names for 500,000 people): each is cleaned once
    text = _ascii(text)
    text = SPACES.sub(" ", NOT_NAME.sub("", text).upper().replace("-", " - ")).strip()
    text = text.replace(" - ", "-")
    return None if not text or text in PLACEHOLDER_NAMES else text


@lru_cache(maxsize=1 << 20)
def phonetic(name: str | None) -> str | None:
    """Metaphone of a cleaned name, spaces and hyphens dropped: one key for
    STEPHEN / STEVEN, KATHERINE / CATHERINE, GONZALEZ / GONZALES."""
    if not name:
        return None
    return jellyfish.metaphone(name.replace("-", "").replace(" ", "")) or None


# Street words in the USPS's standard abbreviations (Publication 28, C1 and C2), and
# the secondary unit words as one: clerks in two systems key STREET and ST, APT and
# UNIT for the same home
ADDRESS_WORDS = {
    **{"STREET": "ST", "AVENUE": "AVE", "AV": "AVE", "ROAD": "RD", "DRIVE": "DR"},
    **{"BOULEVARD": "BLVD", "LANE": "LN", "COURT": "CT", "PLACE": "PL"},
    **{"CIRCLE": "CIR", "TERRACE": "TER", "HIGHWAY": "HWY", "PARKWAY": "PKWY"},
    **{"SQUARE": "SQ", "TRAIL": "TRL", "CRESCENT": "CRES", "EXPRESSWAY": "EXPY"},
    **{"NORTH": "N", "SOUTH": "S", "EAST": "E", "WEST": "W"},
    **{"APARTMENT": "APT", "UNIT": "APT", "SUITE": "STE"},
}
DIRECTIONS = {"N", "S", "E", "W", "NE", "NW", "SE", "SW"}
# What a clerk keys in an address line when there is no address to key (a homeless
# family, a client who would not say): not a place, so missing. Read as an address,
# two homeless strangers keyed HOMELESS shared a home, and the address blocking rule
# joined every such record of one system to every one of the other: HOMELESS on 3%
# of a county month's CalWORKs cases and CWS clients took its linkage from 12 s and
# 1.7 GiB to 72 s and 3.6 GiB (benchmarks/linkage_extract_variants.py). The whole
# line, in upper case without punctuation.
NO_ADDRESS = frozenset(
    {
        "HOMELESS",
        "HOMELESS NO ADDRESS",
        "TRANSIENT",
        "UNHOUSED",
        "GENERAL DELIVERY",
        "GEN DELIVERY",
        "NO ADDRESS",
        "NO FIXED ADDRESS",
        "NO FIXED ABODE",
        "NFA",
        "ADDRESS UNKNOWN",
        "UNKNOWN ADDRESS",
        "UNKNOWN",
        "UNK",
        "NONE",
        "N A",
        "NA",
        "NOT GIVEN",
        "DECLINED",
        "REFUSED",
        "SIN DOMICILIO",
        "DESCONOCIDO",
    }
)


def clean_address(value) -> str | None:
    """Upper case, accents and punctuation dropped, spaces squeezed, street and
    unit words abbreviated (ADDRESS_WORDS); no address (NO_ADDRESS) is missing."""
    text = text_or_none(value)
    return None if text is None else _clean_address(text)


@lru_cache(maxsize=1 << 20)
def _clean_address(text: str) -> str | None:
    words = _place_words(text)
    if " ".join(words) in NO_ADDRESS:
        return None
    # a list, not a generator: join builds one from a generator first (0.3 s of a
    # county month's 124,000 addresses)
    return " ".join([ADDRESS_WORDS.get(w, w) for w in words]) or None


def _place_words(text: str) -> list[str]:
    """Upper-case words, accents and punctuation dropped."""
    return NOT_ADDRESS.sub(" ", _ascii(text)).upper().split()


def clean_city(value) -> str | None:
    """A city: as an address, without abbreviating (SOUTH PASADENA, not S PASADENA)."""
    text = text_or_none(value)
    return None if text is None else _clean_city(text)


@lru_cache(maxsize=1 << 16)
def _clean_city(text: str) -> str | None:
    return " ".join(_place_words(text)) or None


def address_words(address: str | None) -> list[str] | None:
    """The address's distinct words, sorted: the same home keyed with its words in
    another order (the unit before the street) or with one of them left out."""
    return sorted(set(address.split())) if address else None


def street(address: str | None) -> str | None:
    """House number and street name ("1200 N MAIN ST APT 4" -> "1200 MAIN"): the
    building, whatever the unit, street type or a misspelled word after it.
    None when the address does not start with a number (a PO box, a place name)."""
    words = address.split() if address else []
    if not words or not any(ch.isdigit() for ch in words[0]):
        return None
    name = next((w for w in words[1:] if w not in DIRECTIONS and len(w) > 1), None)
    return f"{words[0]} {name}" if name else None


def _ascii(text: str) -> str:
    """Accents dropped: JOSÉ -> JOSE, NUÑEZ -> NUNEZ."""
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


# Spanish diminutives (PACO, CHUY, LUPE ...) and Spanish names' English forms
# (FRANCISCO = FRANCIS): the `nicknames` data set is English only, and a county's
# clients are often known by either. Hand-compiled, in that data set's format.
SPANISH_NAMES = Path(__file__).parent / "data" / "spanish_names.csv"


def _name_rows():
    path = importlib.resources.files("nicknames") / "names.csv"
    for source in (path, SPANISH_NAMES):
        with source.open(encoding="utf-8") as fh:
            yield from csv.DictReader(fh)


@cache
def nickname_forms() -> dict[str, frozenset[str]]:
    """Name -> the formal names it can stand for (itself included), from the
    maintained `nicknames` data set (github.com/carltonnorthern/nicknames) and
    SPANISH_NAMES; a formal name's other-language form counts as the same name,
    so PACO (FRANCISCO) and FRANK (FRANCIS) share one."""
    formal_of: dict[str, set[str]] = {}
    same: dict[str, set[str]] = {}
    for row in _name_rows():
        a, b = row["name1"].upper(), row["name2"].upper()
        if row["relationship"] == "has_nickname":
            formal_of.setdefault(b, set()).add(a)
            formal_of.setdefault(a, set()).add(a)
        elif row["relationship"] == "same_name":
            same.setdefault(a, set()).add(b)
            same.setdefault(b, set()).add(a)
    for name in same:
        formal_of.setdefault(name, set()).add(name)
    out = {}
    for name, forms in formal_of.items():
        forms = forms | {name}
        out[name] = frozenset(forms.union(*(same.get(f, set()) for f in forms)))
    return out


@cache
def _nicknames_of() -> dict[str, frozenset[str]]:
    """Formal name -> its nicknames (the `nicknames` data set and SPANISH_NAMES)."""
    out: dict[str, set[str]] = {}
    for row in _name_rows():
        if row["relationship"] == "has_nickname":
            out.setdefault(row["name1"].upper(), set()).add(row["name2"].upper())
    return {name: frozenset(short) for name, short in out.items()}


# a variant shorter than this is too close to too many other names to be
# compared one edit apart (ED / EL, AL / AB)
MIN_VARIANT_LENGTH = 4


@lru_cache(maxsize=1 << 16)
def _variants(name: str) -> tuple[str, ...] | None:
    forms = nickname_forms().get(name, frozenset({name}))
    short = _nicknames_of()
    every = set(forms).union(*(short.get(f, frozenset()) for f in forms))
    return tuple(sorted(v for v in every if len(v) >= MIN_VARIANT_LENGTH)) or None


def name_variants(name: str) -> list[str] | None:
    """The name, the formal names it can stand for and their nicknames, four
    letters or more: ANDREA -> ANDREA, ANDIE, DREA ...; ANDY -> ANDREA, ANDREW ...
    A nickname keyed with a typo is one edit from one of the other name's."""
    variants = _variants(name)
    return list(variants) if variants else None


@lru_cache(maxsize=1 << 16)
def _initials(variants: tuple[str, ...]) -> str | None:
    """The distinct first letters of a name's variants ("BEIL" for ELIZABETH:
    BETTY, ELIZA, ISABEL, LIZZIE ...)."""
    return "".join(sorted({v[0] for v in variants})) or None


@lru_cache(maxsize=1 << 20)
def _split_suffix(name: str | None) -> tuple[str | None, str | None]:
    if not isinstance(name, str) or not name:
        return None, None
    parts = name.replace("-", " ").split()
    if len(parts) > 1 and parts[-1] in SUFFIXES:
        return name.rsplit(" ", 1)[0].strip() or None, parts[-1]
    return name, None


def surname_parts(last: str | None) -> list[str]:
    """Both halves of a double or hyphenated surname, particles dropped."""
    return list(_surname_parts(last)) if last else []


@lru_cache(maxsize=1 << 20)
def _surname_parts(last: str) -> tuple[str, ...]:
    parts = tuple(p for p in re.split(r"[ \-]", last) if p and p not in PARTICLES)
    return parts or (last,)


def _date_fields(value) -> tuple:
    """A birth date -> (its ISO date, the same with day and month swapped, year, year
    and month); a value that is not a real date is missing."""
    d = _parse_date(text_or_none(value))
    if d is None:
        return None, None, None, None
    iso = d.isoformat()
    return iso, _swap(d), str(d.year), iso[:7]


@lru_cache(maxsize=1 << 16)
def _parse_date(text: str | None) -> date | None:
    """YYYY-MM-DD (the contract's, a time after it ignored), MM/DD/YYYY or
    MM-DD-YYYY, YYYY/MM/DD (US_DATE, YEAR_FIRST_DATE)."""
    if text is None:
        return None
    try:
        d = date.fromisoformat(text[:10])
    except ValueError:
        d = _written_date(text)
    if d is None:
        return None
    return d if FIRST_BIRTH_YEAR <= d.year <= date.today().year else None


def _written_date(text: str) -> date | None:
    """A date written month first (US_DATE) or year first (YEAR_FIRST_DATE)."""
    if found := US_DATE.match(text):
        month, _, day, year = found.groups()
    elif found := YEAR_FIRST_DATE.match(text):
        year, _, month, day = found.groups()
    else:
        return None
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        return None


def _stand_ins(column: Coded, chosen) -> np.ndarray:
    """For each distinct value of `column`: whether `chosen` picks it. `chosen`
    gets how many records of the file hold each value (a Series indexed by the
    values: two spellings read as one value add up; missing left out) and returns
    a boolean Series like it. Counted from the codes: a state month's 4 million
    records are not walked as Python objects."""
    per_code = np.bincount(column.codes, minlength=len(column.values))
    keys, values = pd.factorize(column.values)  # missing: -1
    known = keys >= 0
    records = np.bincount(keys[known], weights=per_code[known], minlength=len(values))
    picked = chosen(pd.Series(records.astype(np.int64), index=values)).to_numpy(bool)
    return known & picked[np.where(known, keys, 0)] if len(values) else known


def _stand_in_dates(counts: pd.Series) -> pd.Series:
    """Of a file's ISO birth dates (`counts`: records per date), those that stand
    in for an unknown date: STAND_IN_BIRTH_DATES, or a date far more common than
    its year's other days (STAND_IN_MIN_RECORDS, STAND_IN_TIMES_A_DAY)."""
    per_year = counts.groupby(counts.index.str[:4]).transform("sum")
    common = (counts >= STAND_IN_MIN_RECORDS) & (
        counts >= STAND_IN_TIMES_A_DAY * per_year / 365.25
    )
    return common | counts.index.isin(STAND_IN_BIRTH_DATES)


def _stand_in_ssns(counts: pd.Series) -> pd.Series:
    """Of a file's SSNs (`counts`: records per SSN), those that stand in for an
    unknown one: STAND_IN_SSNS, or held by STAND_IN_MIN_RECORDS records."""
    return (counts >= STAND_IN_MIN_RECORDS) | counts.index.isin(STAND_IN_SSNS)


def _birth_dates(values: pd.Series) -> list[Coded]:
    """dob, dob_swapped, birth_year, birth_month (stand-ins missing) and
    birth_date_stand_in."""
    dob = _per_distinct(values, _date_fields)
    return _without_stand_ins(dob, _stand_ins(dob[0], _stand_in_dates))


def _without_stand_ins(columns: list[Coded], gone: np.ndarray) -> list[Coded]:
    """A field's columns (the field, then those derived from it) with every stand-in
    value (`gone`, per distinct value of the first) missing -- a stand-in date's year
    and month are no more the person's than its day --, then whether each record's
    was one (`..._stand_in`: `linkages link` and the monthly linkage count them)."""
    out = []
    for column in columns:
        values = column.values.copy()
        values[gone] = None
        out.append(column._replace(values=values))
    return [*out, columns[0]._replace(values=gone.astype(object))]


def _swap(d: date | None) -> str | None:
    """The date read the other way round (day <-> month), if that is a date."""
    if d is None or d.day > 12:
        return None
    return date(d.year, d.day, d.month).isoformat()


def _ssn_fields(value) -> tuple:
    """An SSN cell -> (the SSN if valid as it is, the SSN with its leading zeros put
    back if it is 7 or 8 digits and valid so), dashes and spaces dropped."""
    text = text_or_none(value)
    if text is None:
        return None, None
    digits = text.replace("-", "").replace(" ", "")
    padded = digits.zfill(9) if len(digits) in (7, 8) else None
    return (
        digits if ssn_is_valid(digits) else None,
        padded if ssn_is_valid(padded) else None,
    )


def _ssns(values: pd.Series) -> list[Coded]:
    """A file's valid SSNs -- with the leading zeros a spreadsheet dropped put
    back where the file shows it lost them (SHORT_SSNS_SHARE) --, stand-ins
    missing, then ssn_stand_in."""
    ssn, padded = _per_distinct(values, _ssn_fields)
    records = np.bincount(ssn.codes, minlength=len(ssn.values))
    is_short = pd.notna(padded.values)
    short = records[is_short].sum()
    zero_led = records[
        np.array([v is not None and v[0] == "0" for v in ssn.values], dtype=bool)
    ].sum()
    given = records[pd.notna(ssn.values) | is_short].sum()
    if short > 0 and zero_led == 0 and short >= SHORT_SSNS_SHARE * given:
        ssn = ssn._replace(values=np.where(is_short, padded.values, ssn.values))
    return _without_stand_ins([ssn], _stand_ins(ssn, _stand_in_ssns))


def _zip(value) -> str | None:
    match = POSTCODE.match(text_or_none(value) or "")
    return match.group(1) if match else None


# sex as extracts write it: the contract's letters, or the word (a survey's or
# another system's Male / Female, read as missing, dropped the sex from every pair);
# X, U and anything else give nothing to compare
SEX_WORDS = {"M": "M", "MALE": "M", "F": "F", "FEMALE": "F"}


def _sex(value) -> str | None:
    return SEX_WORDS.get((text_or_none(value) or "").upper())


def _first_name_fields(value) -> tuple:
    """A first name -> (name, suffix keyed after it, formal forms, variants, the
    variants' first letters, phonetic code)."""
    first, suffix = _split_suffix(_first_name(value))
    if first is None:
        return None, suffix, None, None, None, None
    variants = _variants(first)
    return (
        first,
        suffix,
        sorted(nickname_forms().get(first, {first})),
        list(variants) if variants else None,
        _initials(variants) if variants else None,
        phonetic(first),
    )


def _last_name_fields(value) -> tuple:
    """A last name -> (name, suffix, surname parts, first part, its phonetic code,
    its formal forms if it is a known given name: a name keyed in the surname
    field, as DEBBIE where the other system has DEBRA as the first name)."""
    last, suffix = _split_suffix(clean_name(value))
    parts = surname_parts(last) or None
    first_part = parts[0] if parts else None
    forms = nickname_forms().get(last) if last else None
    return (
        last,
        suffix,
        parts,
        first_part,
        phonetic(first_part),
        sorted(forms) if forms else None,
    )


def _middle_initial(value) -> str | None:
    middle = clean_name(value)
    return middle[0] if middle else None


def _address_fields(value) -> tuple:
    """An address line -> (cleaned line, its words, house number and street)."""
    address = clean_address(value)
    return address, address_words(address), street(address)


class Coded(NamedTuple):
    """A column as its distinct values and, per row, the index of its value: the
    rules run once per distinct value and the rows are only an index into them."""

    codes: np.ndarray
    values: np.ndarray  # object: one per distinct value, then the missing cell's

    def rows(self) -> np.ndarray:
        return self.values[self.codes]


def _per_distinct(values: pd.Series, fields) -> list[Coded]:
    """`fields(value)` (a tuple) for each row, computed once per distinct value:
    a county's 500,000 people have ~5,000 first names and ~100,000 addresses.
    One Coded column per element of the tuple; every missing cell (None, NaN,
    pandas' NA) gets `fields(None)`."""
    codes, distinct = pd.factorize(values.astype(object), use_na_sentinel=True)
    rows = [fields(v) for v in distinct]
    rows.append(fields(None))  # code -1, a missing cell, indexes the last row
    codes = np.where(codes < 0, len(rows) - 1, codes)
    out = []
    for i in range(len(rows[0])):
        column = np.empty(len(rows), dtype=object)
        column[:] = [row[i] for row in rows]
        out.append(Coded(codes, column))
    return out


def _one_per_distinct(values: pd.Series, field) -> Coded:
    """_per_distinct for a field with one derived column."""
    (column,) = _per_distinct(values, lambda v: (field(v),))
    return column


def _given_names(first: Coded, last: Coded) -> Coded:
    """Whether each record's first name is, in this file, more often a first name
    than a surname. A name found in the other system's surname field says "one
    person" only when it is a given name: a crossed surname is the whole family's
    (a twin whose names were keyed the wrong way round shares it)."""
    as_first = pd.Series(first.rows(), dtype=object).value_counts()
    as_last = pd.Series(last.rows(), dtype=object).value_counts()
    given = (as_first > as_last.reindex(as_first.index, fill_value=0)).to_dict()
    return first._replace(
        values=np.array([given.get(name, False) for name in first.values], dtype=object)
    )


# "II" and "2ND" say what "JR" says
SAME_SUFFIX = {"II": "JR", "2ND": "JR"}


_PER_VALUE_CACHES = (
    _clean_text,
    phonetic,
    _clean_address,
    _clean_city,
    _variants,
    _initials,
    _split_suffix,
    _surname_parts,
    _parse_date,
)


@contextmanager
def _standardizing():
    """Python's cycle collector off while a file is standardized, and the per-value
    caches emptied after it. Standardizing makes millions of small objects (strings,
    word lists, tuples) and no reference cycles; each collection walks every object
    the process holds, the records included, and they were ~45% of a county month's
    standardizing time (6.3 s -> 3.2 s). The caches serve one file (a value met again
    in another column); kept, a state month's held 0.54 GiB through Splink's predict."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        for cached in _PER_VALUE_CACHES:
            cached.cache_clear()
        if was_on:
            gc.enable()


def standardize(df: pd.DataFrame, source: str) -> pd.DataFrame:
    """`df` has PERSON_COLUMNS (missing ones are treated as empty). Every column
    is an object array, so a missing value is None in every column, whatever
    dtype pandas read the file with (pandas 3's string dtype turns None into NaN
    inside .map / .where)."""
    with _standardizing():
        columns = _standardized(df, source)
        return pd.DataFrame(
            {n: c.rows() if isinstance(c, Coded) else c for n, c in columns.items()},
            dtype=object,
        )


def standardize_table(df: pd.DataFrame, source: str) -> pa.Table:
    """standardize() as Arrow, for Splink: each distinct value becomes Arrow once
    and the rows are taken from it (a county month's records went through a pandas
    frame of Python strings on the way, 2 s of its linkage stage)."""
    with _standardizing():
        columns = _standardized(df, source)
    return pa.table({name: _arrow(name, column) for name, column in columns.items()})


# every other standardized column is text
ARROW_TYPES = {
    **{name: pa.list_(pa.string()) for name in LIST_COLUMNS},
    "first_name_is_given": pa.bool_(),
    **{f"{field}_stand_in": pa.bool_() for field in STAND_IN_FIELDS},
}


def _arrow(name: str, column: Coded | list) -> pa.Array:
    kind = ARROW_TYPES.get(name, pa.string())
    if isinstance(column, Coded):
        return pa.array(column.values, type=kind).take(pa.array(column.codes))
    return pa.array(column, type=kind)


def _standardized(df: pd.DataFrame, source: str) -> dict[str, Coded | list]:
    """Each standardized column, Coded where it is derived from one input column."""
    df = df.reindex(columns=PERSON_COLUMNS)
    out: dict[str, Coded | list] = {
        "unique_id": [text_or_none(v) or "" for v in df["record_id"].tolist()]
    }
    out["source_dataset"] = [source] * len(df)
    first, first_suffix, forms, variants, initials, first_phonetic = _per_distinct(
        df["first_name"], _first_name_fields
    )
    last, last_suffix, parts, last_1, last_phonetic, last_forms = _per_distinct(
        df["last_name"], _last_name_fields
    )
    out["first_name"] = first
    out["last_name"] = last
    out["first_name_is_given"] = _given_names(first, last)
    out["name_suffix"] = [
        SAME_SUFFIX.get(a or b, a or b)
        for a, b in zip(last_suffix.rows(), first_suffix.rows(), strict=True)
    ]
    out["middle_initial"] = _one_per_distinct(df["middle_name"], _middle_initial)
    # whole, cleaned as a first name: someone who goes by her middle name (MARIA
    # ELENA on one record, ELENA on the other) shows as one's first name being the
    # other's middle name
    out["middle_name"] = _one_per_distinct(df["middle_name"], _first_name)
    out["first_name_forms"] = forms
    out["first_name_variants"] = variants
    out["first_name_variant_initials"] = initials
    out["last_name_forms"] = last_forms
    out["surname_parts"] = parts
    out["last_name_1"] = last_1
    out["first_name_phonetic"] = first_phonetic
    out["last_name_phonetic"] = last_phonetic
    (
        out["dob"],
        out["dob_swapped"],
        out["birth_year"],
        out["birth_month"],
        out["birth_date_stand_in"],
    ) = _birth_dates(df["date_of_birth"])
    out["sex"] = _one_per_distinct(df["sex"], _sex)
    out["ssn"], out["ssn_stand_in"] = _ssns(df["ssn"])
    out["address"], out["address_words"], out["street"] = _per_distinct(
        df["address_line1"], _address_fields
    )
    out["city"] = _one_per_distinct(df["city"], clean_city)
    out["zip"] = _one_per_distinct(df["zip"], _zip)
    return out
