"""Person records -> the columns the linkage model compares.

Both systems (and `linkages link` inputs) go through the same function, so a
name is cleaned the same way wherever it comes from.
"""

from __future__ import annotations

import csv
import importlib.resources
import re
import unicodedata
from functools import cache, lru_cache

import pandas as pd

from expectations.contract import ssn_is_valid

SUFFIXES = {"JR", "SR", "II", "III", "IV", "2ND", "3RD"}
# particles that are not a surname on their own ("DE LA CRUZ" -> CRUZ)
PARTICLES = {"DE", "LA", "DEL", "LOS", "LAS", "Y", "VAN", "VON", "DA", "DI", "DU", "ST"}
PERSON_COLUMNS = [
    "record_id", "first_name", "middle_name", "last_name", "date_of_birth", "sex", "ssn",
    "address_line1", "city", "zip",
]  # fmt: skip


NOT_NAME = re.compile(r"[^A-Za-z \-]")
SPACES = re.compile(r"\s+")


def clean_name(value) -> str | None:
    """Upper case, accents dropped, only letters, spaces and hyphens kept."""
    if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NA:
        return None
    return _clean_text(str(value))


@lru_cache(maxsize=1 << 20)
def _clean_text(text: str) -> str | None:
    # names repeat (a county has ~5,000 first names for 500,000 people): each is cleaned once
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    text = SPACES.sub(" ", NOT_NAME.sub("", text).upper().replace("-", " - ")).strip()
    text = text.replace(" - ", "-")
    return text or None


@cache
def nickname_forms() -> dict[str, frozenset[str]]:
    """Name -> the formal names it can stand for (itself included), from the
    maintained `nicknames` data set (github.com/carltonnorthern/nicknames)."""
    formal_of: dict[str, set[str]] = {}
    path = importlib.resources.files("nicknames") / "names.csv"
    with path.open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if row["relationship"] == "has_nickname":
                formal, nick = row["name1"].upper(), row["name2"].upper()
                formal_of.setdefault(nick, set()).add(formal)
                formal_of.setdefault(formal, set()).add(formal)
    return {name: frozenset(forms | {name}) for name, forms in formal_of.items()}


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


def standardize(df: pd.DataFrame, source: str) -> pd.DataFrame:
    """`df` has PERSON_COLUMNS (missing ones are treated as empty)."""
    df = df.reindex(columns=PERSON_COLUMNS)
    out = pd.DataFrame({"unique_id": df["record_id"].astype(str).to_numpy()})
    out["source_dataset"] = source
    # plain lists: pandas' string dtype turns None into NaN inside .map
    first_suffix = [_split_suffix(clean_name(v)) for v in df["first_name"].tolist()]
    last_suffix = [_split_suffix(clean_name(v)) for v in df["last_name"].tolist()]
    out["first_name"] = [f for f, _ in first_suffix]
    out["last_name"] = [last for last, _ in last_suffix]
    same_as = {"II": "JR", "2ND": "JR"}
    out["name_suffix"] = [
        same_as.get(a or b, a or b) for (_, a), (_, b) in zip(last_suffix, first_suffix, strict=True)
    ]
    middle = [clean_name(v) for v in df["middle_name"].tolist()]
    out["middle_initial"] = [m[0] if m else None for m in middle]
    forms = nickname_forms()
    out["first_name_forms"] = [
        sorted(forms.get(f, {f})) if f else None for f in out["first_name"]
    ]
    out["surname_parts"] = [surname_parts(x) or None for x in out["last_name"]]
    out["last_name_1"] = [p[0] if p else None for p in out["surname_parts"]]
    dob = pd.to_datetime(df["date_of_birth"], errors="coerce", format="%Y-%m-%d")
    out["dob"] = dob.dt.strftime("%Y-%m-%d").where(dob.notna(), None).to_numpy()
    # day and month swapped: the same date read the other way round
    swapped = pd.to_datetime(
        dob.dt.year.astype("Int64").astype(str)
        + "-" + dob.dt.day.astype("Int64").astype(str).str.zfill(2)
        + "-" + dob.dt.month.astype("Int64").astype(str).str.zfill(2),
        errors="coerce", format="%Y-%m-%d",
    )  # fmt: skip
    out["dob_swapped"] = swapped.dt.strftime("%Y-%m-%d").where(swapped.notna(), None).to_numpy()
    out["birth_year"] = dob.dt.year.astype("Int64").astype(str).where(dob.notna(), None).to_numpy()
    sex = df["sex"].astype("string").str.strip().str.upper()
    out["sex"] = sex.where(sex.isin(["M", "F"]), None).to_numpy()
    ssn = df["ssn"].astype("string").str.replace(r"[- ]", "", regex=True)
    out["ssn"] = [s if isinstance(s, str) and ssn_is_valid(s) else None for s in ssn]
    z = df["zip"].astype("string").str.extract(r"^(\d{5})", expand=False)
    out["zip"] = z.where(z.notna(), None).to_numpy()
    return out
