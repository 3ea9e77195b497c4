"""True people and families, and the noisy records each system keeps of them.

Everything is vectorised with numpy so the `county` size (about 150,000
families) builds in seconds. One `numpy.random.Generator` is threaded through,
so a seed gives the same population every time.
"""

from __future__ import annotations

import csv
import importlib.resources
import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from synthetic import names

SIZES = {
    # families; about 2.8 CalWORKs persons and 0.7 CWS clients per family
    "small": 720,
    # the demo's two counties: enough identified families that the evaluation's
    # main figures are not small cells
    "demo": 8_000,
    "county": 145_000,
    "state": 435_000,
}
FAMILY_TYPES = ("two_parent", "single_parent", "caretaker", "parent_other_adult")
FAMILY_TYPE_P = (0.33, 0.50, 0.11, 0.06)
# which systems a family is known to: CalWORKs only, both, CWS only
SYSTEMS = ("cw", "both", "cws")
SYSTEMS_P = (0.75, 0.15, 0.10)
OFFICES = tuple(
    f"{n:02d}" for n in (2, 3, 5, 6, 10, 12, 16, 20, 21, 31, 36, 51, 60, 77)
)
# with two counties, every other family lives in the second: its own county code and
# offices (the first county's office codes behind a letter)
FIRST_COUNTY = "19"
SECOND_COUNTY, SECOND_COUNTY_OFFICE_PREFIX = "33", "R"


def split_counties(families: pd.DataFrame) -> None:
    """Move every odd family to the second county (no random draw, so a one-county
    population is the same with or without it)."""
    second = families["family_id"] % 2 == 1
    families.loc[second, "office_code"] = (
        SECOND_COUNTY_OFFICE_PREFIX + families.loc[second, "office_code"]
    )


def county_of(office_code: pd.Series) -> np.ndarray:
    return np.where(
        office_code.str.startswith(SECOND_COUNTY_OFFICE_PREFIX),
        SECOND_COUNTY,
        FIRST_COUNTY,
    )


@dataclass
class Population:
    families: pd.DataFrame  # family_id, group, family_type, systems, office_code, ...
    people: (
        pd.DataFrame
    )  # true_person_id, family_id, family_role, kin, names, dob, sex, ssn


# share of names drawn from the census frequency lists rather than the
# group's common-name pool
CENSUS_SHARE = 0.5


def _pick(
    rng: np.random.Generator,
    pools: dict[str, list[str]],
    groups: np.ndarray,
    census: str,
):
    out = np.empty(len(groups), dtype=object)
    for group, pool in pools.items():
        idx = np.flatnonzero(groups == group)
        out[idx] = rng.choice(pool, size=len(idx))
    tail = rng.random(len(groups)) < CENSUS_SHARE
    census_names, p = names.census(census)
    out[tail] = rng.choice(census_names, size=int(tail.sum()), p=p)
    return out


def unique_ssns(rng: np.random.Generator, n: int) -> np.ndarray:
    """n distinct SSNs that pass the contract's validity rule."""
    out = np.empty(0, dtype=np.int64)
    while len(out) < n:
        area = rng.integers(1, 900, size=int(n * 1.2) + 10)
        area = area[area != 666]
        k = len(area)
        group = rng.integers(1, 100, size=k)
        serial = rng.integers(1, 10_000, size=k)
        num = area * 1_000_000 + group * 10_000 + serial
        num = num[~np.isin(num, (123456789, 111111111))]  # valid-shaped placeholders
        out = np.unique(np.concatenate([out, num]))
    out = rng.permutation(out)[:n]
    ssn = np.char.zfill(out.astype(str), 9)
    return ssn.astype(object)


def build_population(
    rng: np.random.Generator, n_families: int, end: pd.Timestamp
) -> Population:
    fam = pd.DataFrame({"family_id": np.arange(n_families)})
    fam["group"] = rng.choice(
        list(names.GROUP_WEIGHTS), size=n_families, p=list(names.GROUP_WEIGHTS.values())
    )
    fam["family_type"] = rng.choice(FAMILY_TYPES, size=n_families, p=FAMILY_TYPE_P)
    fam["systems"] = rng.choice(SYSTEMS, size=n_families, p=SYSTEMS_P)
    fam["office_code"] = rng.choice(OFFICES, size=n_families)
    fam["n_children"] = np.minimum(1 + rng.poisson(0.9, n_families), 6)
    fam["surname"] = _pick(
        rng, names.pool(names.LAST), fam["group"].to_numpy(), "all.last"
    )
    # mothers keep their own surname in many families (Latino naming, unmarried parents)
    fam["mother_surname"] = np.where(
        rng.random(n_families) < 0.45,
        _pick(rng, names.pool(names.LAST), fam["group"].to_numpy(), "all.last"),
        fam["surname"],
    )
    people = _people(rng, fam, end)
    return Population(families=fam, people=people)


def _adult_rows(fam: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    t = fam["family_type"].to_numpy()
    n = len(fam)
    mother_present = (t != "caretaker") & ~(
        (t == "single_parent") & (rng.random(n) < 0.15)
    )
    father_present = (t == "two_parent") | ((t == "single_parent") & ~mother_present)
    rows = [
        # caretaker families: the absent mother is a CWS-only person (never on CalWORKs)
        fam.loc[mother_present | (t == "caretaker")].assign(
            kin="mother", family_role="PARENT", sex="F"
        ),
        fam.loc[father_present].assign(kin="father", family_role="PARENT", sex="M"),
        fam.loc[t == "caretaker"].assign(
            kin="grandparent", family_role="CARETAKER_RELATIVE", sex="F"
        ),
        fam.loc[t == "parent_other_adult"].assign(
            kin="other_adult", family_role="OTHER_ADULT", sex="M"
        ),
    ]
    adults = pd.concat(rows, ignore_index=True)
    adults.loc[
        (adults["kin"] == "mother") & (adults["family_type"] == "caretaker"), "kin"
    ] = "absent_mother"
    return adults


def _people(
    rng: np.random.Generator, fam: pd.DataFrame, end: pd.Timestamp
) -> pd.DataFrame:
    adults = _adult_rows(fam, rng)
    na = len(adults)
    age_years = np.where(
        adults["kin"].eq("grandparent"),
        rng.integers(44, 72, na),
        np.where(
            adults["kin"].eq("other_adult"),
            rng.integers(19, 60, na),
            rng.integers(19, 46, na),
        ),
    )
    adults["dob"] = end - pd.to_timedelta(
        age_years * 365.25 + rng.integers(0, 365, na), unit="D"
    )

    # children: up to 17, and born when the mother was at least 16
    kids = fam.loc[fam.index.repeat(fam["n_children"])].copy()
    kids["child_no"] = kids.groupby("family_id").cumcount()
    mother_age = (
        adults.loc[adults["kin"].isin(["mother", "absent_mother", "father"])]
        .groupby("family_id")["dob"]
        .min()
    )
    max_age_days = ((end - kids["family_id"].map(mother_age)).dt.days - 16 * 365).clip(
        lower=30, upper=17 * 365
    )
    nk = len(kids)
    kids["dob"] = end - pd.to_timedelta(
        (rng.random(nk) * max_age_days.to_numpy()).astype(int), unit="D"
    )
    kids["sex"] = rng.choice(["F", "M"], size=nk)
    kids["kin"] = "child"
    kids["family_role"] = "CHILD"
    # twins: the second child shares the first's birth date (and surname)
    twin = (kids["child_no"] == 1) & (rng.random(nk) < 0.04)
    first_dob = kids.loc[kids["child_no"] == 0].set_index("family_id")["dob"]
    kids.loc[twin, "dob"] = kids.loc[twin, "family_id"].map(first_dob)
    kids["is_twin"] = twin | (
        (kids["child_no"] == 0) & kids["family_id"].isin(kids.loc[twin, "family_id"])
    )

    people = pd.concat([adults, kids], ignore_index=True)
    n = len(people)
    people["true_person_id"] = np.char.add(
        "T", np.char.zfill(np.arange(n).astype(str), 8)
    )
    groups = people["group"].to_numpy()
    female = people["sex"].eq("F").to_numpy()
    first_f = _pick(rng, names.pool(names.FIRST_F), groups, "female.first")
    first_m = _pick(rng, names.pool(names.FIRST_M), groups, "male.first")
    people["first_name"] = np.where(female, first_f, first_m)
    people["middle_name"] = np.where(
        rng.random(n) < 0.55, rng.choice(names.MIDDLE_POOL, size=n), None
    )
    people["last_name"] = np.where(
        people["kin"].isin(["mother", "absent_mother"]),
        people["mother_surname"],
        people["surname"],
    )
    # Latino children often carry both parents' surnames
    double = (
        people["kin"].eq("child")
        & people["group"].eq("latino")
        & (people["surname"] != people["mother_surname"])
        & (rng.random(n) < 0.35)
    )
    people.loc[double, "last_name"] = (
        people.loc[double, "surname"] + " " + people.loc[double, "mother_surname"]
    )
    _juniors(people, rng)
    people["ssn"] = unique_ssns(rng, n)
    people["is_twin"] = people["is_twin"].fillna(False).astype(bool)
    people["child_no"] = people["child_no"].fillna(-1).astype(int)
    cols = [
        "true_person_id",
        "family_id",
        "kin",
        "family_role",
        "child_no",
        "first_name",
        "middle_name",
        "last_name",
        "dob",
        "sex",
        "ssn",
        "is_twin",
        "is_junior",
    ]
    return people[cols]


def _juniors(people: pd.DataFrame, rng: np.random.Generator) -> None:
    """A son named after his father: same first, middle and last name."""
    fathers = people.loc[people["kin"].eq("father")].set_index("family_id")
    sons = people.loc[
        people["kin"].eq("child")
        & people["sex"].eq("M")
        & people["child_no"].eq(0)
        & people["family_id"].isin(fathers.index)
    ]
    pick = sons.index[rng.random(len(sons)) < 0.15]
    fam_ids = people.loc[pick, "family_id"]
    for col in ("first_name", "middle_name", "last_name"):
        people.loc[pick, col] = fam_ids.map(fathers[col]).to_numpy()
    people["is_junior"] = False
    people.loc[pick, "is_junior"] = True
    senior = people["kin"].eq("father") & people["family_id"].isin(fam_ids)
    people.loc[senior, "is_junior"] = True


# -- record noise ---------------------------------------------------------------


def _nickname_table() -> dict[str, list[str]]:
    table: dict[str, list[str]] = {}
    path = importlib.resources.files("nicknames") / "names.csv"
    with path.open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if row["relationship"] == "has_nickname":
                table.setdefault(row["name1"].title(), []).append(row["name2"].title())
    for formal, short in names.SPANISH_DIMINUTIVES.items():
        table.setdefault(formal, []).extend(short)
    return table


NICKNAMES = _nickname_table()
_LETTERS = np.array(list("abcdefghijklmnopqrstuvwxyz"))


def _typo(rng: np.random.Generator, s: str) -> str:
    if not s or len(s) < 3:
        return s
    i = int(rng.integers(1, len(s)))
    return s[:i] + rng.choice(_LETTERS) + s[i + 1 :]


def _transpose(rng: np.random.Generator, s: str) -> str:
    if not s or len(s) < 4:
        return s
    i = int(rng.integers(1, len(s) - 2))
    return s[:i] + s[i + 1] + s[i] + s[i + 2 :]


def _mistype_ssn(rng: np.random.Generator, ssn: str) -> str:
    i = int(rng.integers(3, 9))  # keep the area, so the result stays valid-shaped
    d = str((int(ssn[i]) + int(rng.integers(1, 10))) % 10)
    return ssn[:i] + d + ssn[i + 1 :]


# -- kinds of noise real extracts have (issue 14) ---------------------------------

NEW_KINDS = (
    "name_swap",
    "first_initial",
    "relative_ssn",
    "relative_dob",
    "birth_year_digit",
    "ocr",
    "phonetic",
    "accent_case",
)
# drawn with NEW_KINDS (at most one of them a record), yet not one of issue 14's
# kinds, so `extract_level` leaves it as usual: the month of that goal is
# its kinds on ~30% of CWS clients, the rest of the noise as usual
ONE_DRAW_KINDS = NEW_KINDS + ("goes_by_middle",)
# applied by the timeline to the CWS client records: newborns, missing birth dates
RECORD_KINDS = ("first_missing_newborn", "baby_placeholder", "dob_missing")
_OWN_STREAM = frozenset(ONE_DRAW_KINDS + RECORD_KINDS)
# how often an SSN is keyed at all: not noise, so a noise level leaves them alone
PRESENCE_RATES = frozenset({"ssn_present", "ssn_present_child"})
MAX_RATE = 0.9


def noise_rates(
    rates: dict[str, float], level: float = 1.0, extract_level: float = 1.0
) -> dict[str, float]:
    """`rates` with every noise rate multiplied by `level`, and the kinds real
    extracts have (NEW_KINDS) by `extract_level` too, capped at MAX_RATE."""
    for name, value in (("noise level", level), ("extract noise level", extract_level)):
        if not value >= 0:
            raise ValueError(f"{name} must be >= 0, got {value!r}")

    def scaled(kind: str, rate: float) -> float:
        if kind in PRESENCE_RATES:
            return rate
        factor = level * (extract_level if kind in NEW_KINDS else 1.0)
        return min(rate * factor, max(rate, MAX_RATE))

    return {k: scaled(k, v) for k, v in rates.items()}


# misreads of a scanned form: letter shapes, never digits (O/0 is no name)
_OCR = (
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
)
# a name spelled by ear (hotline calls, interviews): pattern -> replacement
_PHONETIC = tuple(
    (re.compile(p, re.IGNORECASE), r)
    for p, r in (
        (r"ph(?=en)", "v"),  # Stephen -> Steven
        (r"ph", "f"),
        (r"(?<=[aeiou])f(?=[aeiou])", "ph"),  # Rafael -> Raphael
        (r"c(?=[aou])", "k"),
        (r"k(?=[aou])", "c"),  # Katherine -> Catherine
        (r"z", "s"),  # Gonzalez -> Gonzales
        (r"(?<=[aeiou])s\b", "z"),
        (r"(?<=\w)y", "i"),
        (r"(?<=\w)i(?=[aeou])", "y"),
        (r"v", "b"),
        (r"b", "v"),
        (r"(?<=[tr])h", ""),  # Thomas -> Tomas
        (r"^h(?=[aeiou])", ""),  # Hector -> Ector
        (r"(?<=a)h\b", ""),  # Sarah -> Sara
        (r"(?<=[b-df-hj-np-tv-z]a)$", "h"),  # Sara -> Sarah
        (r"(?<=^jo)(?=n)", "h"),  # Jon -> John
        (r"([bdfglmnprstz])\1", r"\1"),  # Phillip -> Philip
        (r"(?<=[aeiou])([lnrt])(?=[aeiou])", r"\1\1"),  # Ana -> Anna
    )
)


def _ocr(rng: np.random.Generator, s: str) -> str:
    spots = [(i, a, b) for a, b in _OCR for i in range(len(s)) if s.startswith(a, i)]
    if not s or not spots:
        return s
    i, a, b = spots[int(rng.integers(len(spots)))]
    return s[:i] + b + s[i + len(a) :]


def _phonetic(rng: np.random.Generator, s: str) -> str:
    spots = [(m, r) for p, r in _PHONETIC for m in p.finditer(s or "")]
    if not spots:
        return s
    m, r = spots[int(rng.integers(len(spots)))]
    new = m.expand(r)
    if m.group(0)[:1].isupper():
        new = new[:1].upper() + new[1:]
    out = s[: m.start()] + new + s[m.end() :]
    if s[:1].isupper():
        out = out[:1].upper() + out[1:]
    return out if out else s


def _accented(s: str | None) -> str | None:
    if not s:
        return s
    return "".join(names.ACCENTED.get(w, w) for w in re.split(r"([ -])", s))


def _in_one_name(rng, fix, first: np.ndarray, last: np.ndarray, i: int) -> bool:
    """Apply `fix` to the first or the last name (the other if it cannot); True if changed."""
    order = (first, last) if rng.random() < 0.5 else (last, first)
    for arr in order:
        if isinstance(arr[i], str):
            new = fix(rng, arr[i])
            if new != arr[i]:
                arr[i] = new
                return True
    return False


def _families(people: pd.DataFrame, relatives: pd.DataFrame) -> tuple[np.ndarray, ...]:
    """Where each row of `people` finds its family among `relatives`: the rows of
    `relatives` sorted by family (and their ids), and each person's first family
    row and family size there."""
    fam_all = relatives["family_id"].to_numpy()
    order = np.argsort(fam_all, kind="stable")
    fam = fam_all[order]
    want = people["family_id"].to_numpy()
    lo = np.searchsorted(fam, want, "left")
    hi = np.searchsorted(fam, want, "right")
    ids = relatives["true_person_id"].to_numpy(dtype=object)[order]
    return order, ids, lo, hi - lo, people["true_person_id"].to_numpy(dtype=object)


def _relative(
    rng: np.random.Generator, families: tuple[np.ndarray, ...]
) -> tuple[np.ndarray, np.ndarray]:
    """A random other member of each person's family: (row in `relatives`, found).
    Drawn among all members, the person's own draw redrawn (up to 4 tries)."""
    order, ids, lo, size, own = families
    n = len(lo)
    row, found = np.zeros(n, dtype=np.int64), np.zeros(n, dtype=bool)
    if len(order) == 0:
        return row, found
    todo = np.flatnonzero(size >= 2)
    for _ in range(4):
        pick = lo[todo] + (rng.random(len(todo)) * size[todo]).astype(np.int64)
        other = ids[pick] != own[todo]
        row[todo[other]] = order[pick[other]]
        found[todo[other]] = True
        todo = todo[~other]
    return row, found


def _year_digit(
    rng: np.random.Generator, dob: np.ndarray, latest: np.ndarray
) -> np.ndarray:
    """dob with one digit of the year wrong (units or tens), a valid date in
    1900..latest; NaT where three tries found none."""
    d = pd.DatetimeIndex(dob)
    year = d.year.to_numpy()
    out = np.full(len(d), np.datetime64("NaT"), dtype="datetime64[ns]")
    todo = np.ones(len(d), bool)
    for _ in range(3):
        place = np.where(rng.random(len(d)) < 0.7, 1, 10)
        digit = (year // place) % 10
        new_digit = (digit + rng.integers(1, 10, len(d))) % 10
        new_year = year + (new_digit - digit) * place
        cand = pd.to_datetime(
            pd.DataFrame({"year": new_year, "month": d.month, "day": d.day}),
            errors="coerce",
        ).to_numpy()  # 29 February of a year that has none: NaT
        good = todo & ~np.isnat(cand) & (new_year >= 1900) & (cand <= latest)
        out[good] = cand[good]
        todo &= ~good
    return out


def _new_kinds(
    rng: np.random.Generator,
    people,
    rates,
    relatives,
    recorded,
    noise,
    first,
    middle,
    last,
    dob,
    ssn,
    keyed_ssn,
) -> None:
    """The kinds of ONE_DRAW_KINDS, in place, on top of the older ones.

    One draw per record picks at most one of them (kind k with probability
    rates[k]), so the share of records carrying one grows in proportion to the
    noise level; a record that cannot take its kind (no SSN keyed, no
    matching letters) keeps its names and dates."""
    n = len(people)
    p = np.array([rates.get(k, 0.0) for k in ONE_DRAW_KINDS])
    p = p / max(p.sum(), 1.0)
    picked = np.searchsorted(np.cumsum(p), rng.random(n), side="right")
    draw = {k: picked == j for j, k in enumerate(ONE_DRAW_KINDS)}
    has_first, has_last = pd.notna(first), pd.notna(last)

    def label(mask, kind):
        for i in np.flatnonzero(mask):
            noise[i].append(kind)

    swap = draw["name_swap"] & has_first & has_last
    first[swap], last[swap] = last[swap], first[swap].copy()
    label(swap, "name_swap")
    initial = draw["first_initial"] & has_first
    initial[initial] = pd.Series(first[initial], dtype=object).str.len().to_numpy() > 1
    first[initial] = (
        pd.Series(first[initial], dtype=object).str[0].str.upper().to_numpy()
    )
    label(initial, "first_initial")

    if recorded is None:
        latest = np.full(n, np.datetime64("2262-01-01"), dtype="datetime64[ns]")
    else:
        latest = pd.to_datetime(pd.Series(recorded)).to_numpy()
    # a relative's SSN or birth date keyed on the record (only where the relative has one)
    families = _families(people, relatives)
    true_ssn = people["ssn"].to_numpy(dtype=object)
    row, found = _relative(rng, families)
    rel_ssn = relatives["ssn"].to_numpy(dtype=object)[row]
    swap_ssn = (
        draw["relative_ssn"]
        & keyed_ssn
        & found
        & pd.notna(rel_ssn)
        & (rel_ssn != true_ssn)
    )
    ssn[swap_ssn] = rel_ssn[swap_ssn]
    label(swap_ssn, "relative_ssn")

    true_dob = people["dob"].to_numpy(dtype="datetime64[ns]")
    row, found = _relative(rng, families)
    rel_dob = relatives["dob"].to_numpy(dtype="datetime64[ns]")[row]
    swap_dob = draw["relative_dob"] & found & ~np.isnat(rel_dob) & (rel_dob != true_dob)
    swap_dob &= rel_dob <= latest
    dob[swap_dob] = rel_dob[swap_dob]
    label(swap_dob, "relative_dob")

    idx = np.flatnonzero(draw["birth_year_digit"] & ~np.isnat(dob))
    new = _year_digit(rng, dob[idx], latest[idx])
    idx, new = idx[~np.isnat(new)], new[~np.isnat(new)]
    dob[idx] = new
    year = np.zeros(n, bool)
    year[idx] = True
    label(year, "birth_year_digit")

    for kind, fix in (("ocr", _ocr), ("phonetic", _phonetic)):
        for i in np.flatnonzero(draw[kind]):
            if _in_one_name(rng, fix, first, last, i):
                noise[i].append(kind)
    # the name the person goes by, their middle name, as the first name (drawn from
    # nothing: the records of the other kinds stay as they were before this kind)
    true_middle = people["middle_name"].to_numpy(dtype=object)
    by_middle = draw["goes_by_middle"] & pd.notna(true_middle) & has_first
    first[by_middle], middle[by_middle] = true_middle[by_middle], None
    label(by_middle, "goes_by_middle")
    for i in np.flatnonzero(draw["accent_case"]):
        before = (first[i], middle[i], last[i])
        name = (_accented(first[i]), middle[i], _accented(last[i]))
        accent = name != before and rng.random() < 0.7
        if not accent:
            name = before
        if not accent or rng.random() < 0.25:  # and/or the whole name upper case
            name = tuple(x.upper() if isinstance(x, str) else x for x in name)
        if name != before:
            first[i], middle[i], last[i] = name
            noise[i].append("accent_case")


def noisy_records(
    rng: np.random.Generator,
    people: pd.DataFrame,
    rates: dict[str, float],
    relatives: pd.DataFrame | None = None,
    recorded=None,
) -> pd.DataFrame:
    """One record per row of `people`, with noise drawn at `rates`.

    `relatives` (true_person_id, family_id, dob, ssn; default `people`) are the
    family members whose SSN or birth date can be keyed on a record by mistake;
    `recorded` (one date per row, optional) is when the record was made: a noisy
    birth date drawn here never lands after it.

    Returns the record's first/middle/last name, dob, sex, ssn and a
    `noise` column listing what was applied (for the quality breakdown).
    """
    n = len(people)
    rec = people[
        [
            "true_person_id",
            "first_name",
            "middle_name",
            "last_name",
            "dob",
            "sex",
            "ssn",
        ]
    ].copy()
    noise = [[] for _ in range(n)]
    # the kinds of ONE_DRAW_KINDS and the ones applied later (timeline) draw from their
    # own stream, so adding them left the older kinds' records of a seed as they were
    draw = {k: rng.random(n) < v for k, v in rates.items() if k not in _OWN_STREAM}
    first = rec["first_name"].to_numpy(dtype=object).copy()
    middle = rec["middle_name"].to_numpy(dtype=object).copy()
    last = rec["last_name"].to_numpy(dtype=object).copy()
    dob = rec["dob"].to_numpy().copy()
    ssn = rec["ssn"].to_numpy(dtype=object).copy()
    sex = rec["sex"].to_numpy(dtype=object).copy()
    adult_f = (
        people["kin"].isin(["mother", "absent_mother", "grandparent"])
    ).to_numpy()
    is_child = people["kin"].eq("child").to_numpy()

    for i in np.flatnonzero(draw.get("nickname", np.zeros(n, bool))):
        options = NICKNAMES.get(first[i])
        if options:
            first[i] = options[int(rng.integers(len(options)))]
            noise[i].append("nickname")
    for i in np.flatnonzero(draw.get("typo", np.zeros(n, bool))):
        if rng.random() < 0.5:
            first[i] = _typo(rng, first[i])
        else:
            last[i] = _typo(rng, last[i])
        noise[i].append("typo")
    for i in np.flatnonzero(draw.get("transposition", np.zeros(n, bool))):
        first[i] = _transpose(rng, first[i])
        noise[i].append("transposition")
    for i in np.flatnonzero(draw.get("surname_change", np.zeros(n, bool)) & adult_f):
        other = names.pool(names.LAST)["latino" if rng.random() < 0.5 else "white"]
        new = other[int(rng.integers(len(other)))]
        last[i] = f"{last[i]}-{new}" if rng.random() < 0.5 else new
        noise[i].append("surname_change")
    for i in np.flatnonzero(draw.get("double_surname_dropped", np.zeros(n, bool))):
        if " " in last[i]:
            last[i] = last[i].split(" ")[0]
            noise[i].append("surname_change")
    missing_middle = draw.get("missing_middle", np.zeros(n, bool)) & pd.notna(middle)
    middle[missing_middle] = None
    for i in np.flatnonzero(missing_middle):
        noise[i].append("missing_middle")
    for i in np.flatnonzero(draw.get("dob_swap", np.zeros(n, bool))):
        d = pd.Timestamp(dob[i])
        # only backwards, so a swapped date never lands after the record was made
        if d.day < d.month:
            dob[i] = np.datetime64(pd.Timestamp(d.year, d.day, d.month))
            noise[i].append("dob_swap")
    off = draw.get("dob_off_by_one", np.zeros(n, bool))
    dob[off] = dob[off] + np.where(rng.random(off.sum()) < 0.5, 1, -1).astype(
        "timedelta64[D]"
    )
    for i in np.flatnonzero(off):
        noise[i].append("dob_off_by_one")
    ssn_keep = np.where(
        is_child, rates.get("ssn_present_child", 1), rates.get("ssn_present", 1)
    )
    no_ssn = rng.random(n) >= ssn_keep
    ssn[no_ssn] = None
    for i in np.flatnonzero(no_ssn):
        noise[i].append("missing_ssn")
    mistyped = draw.get("ssn_mistyped", np.zeros(n, bool)) & ~no_ssn
    for i in np.flatnonzero(mistyped):
        ssn[i] = _mistype_ssn(rng, ssn[i])
        noise[i].append("ssn_mistyped")
    placeholder = draw.get("ssn_placeholder", np.zeros(n, bool))
    ssn[placeholder] = rng.choice(
        ["999999999", "123456789", "000000000", "666123456"], placeholder.sum()
    )
    for i in np.flatnonzero(placeholder):
        noise[i].append("ssn_invalid")
    unknown_sex = draw.get("sex_unknown", np.zeros(n, bool))
    sex[unknown_sex] = "U"
    keyed_ssn = (
        pd.notna(ssn) & ~no_ssn & ~placeholder & ~mistyped
    )  # as the person gave it
    _new_kinds(
        rng.spawn(1)[0],
        people,
        rates,
        relatives if relatives is not None else people,
        recorded,
        noise,
        first,
        middle,
        last,
        dob,
        ssn,
        keyed_ssn,
    )
    rec["first_name"], rec["middle_name"], rec["last_name"] = first, middle, last
    rec["dob"], rec["ssn"], rec["sex"] = dob, ssn, sex
    rec["noise"] = [";".join(x) for x in noise]
    rec["true_dob"] = people["dob"].to_numpy()
    return rec


def baby_placeholders(
    rng: np.random.Generator, clients: pd.DataFrame, age_at_entry, sex, rate: float
) -> None:
    """Children recorded within 30 days of birth (or before it, age < 0) whose
    record still has a first name: at `rate`, a placeholder instead ("BABY BOY" /
    "BABY GIRL" by `sex`, "UNBORN"), labelled `baby_placeholder`. In place."""
    age = np.asarray(age_at_entry, dtype=float)
    sex = np.asarray(sex, dtype=object)
    young = (age < 30) & clients["first_name"].notna().to_numpy()
    hit = young & (rng.random(len(clients)) < rate)
    value = np.where(
        age < 0,
        "UNBORN",
        np.where(sex == "F", "BABY GIRL", np.where(sex == "M", "BABY BOY", "BABY")),
    )
    clients.loc[hit, "first_name"] = value[hit]
    before = clients.loc[hit, "noise"].fillna("")
    clients.loc[hit, "noise"] = np.where(
        before == "", "baby_placeholder", before + ";baby_placeholder"
    )


CALWORKS_NOISE = {
    "typo": 0.01,
    "missing_middle": 0.3,
    "dob_off_by_one": 0.003,
    "ssn_present": 0.94,
    "ssn_present_child": 0.88,
    "ssn_placeholder": 0.01,
    # NEW_KINDS: CalSAWS keys from documents at intake, so they are rare here
    "name_swap": 0.002,
    "first_initial": 0.001,
    "relative_ssn": 0.002,  # of the SSNs keyed
    "relative_dob": 0.001,
    "birth_year_digit": 0.002,
    "ocr": 0.001,
    "phonetic": 0.003,
    "accent_case": 0.008,
    "goes_by_middle": 0.002,
}
CWS_NOISE = {
    "nickname": 0.10,
    "typo": 0.06,
    "transposition": 0.03,
    "surname_change": 0.18,
    "double_surname_dropped": 0.4,
    "missing_middle": 0.5,
    "dob_swap": 0.03,
    "dob_off_by_one": 0.03,
    "ssn_present": 0.25,
    "ssn_present_child": 0.08,
    "ssn_mistyped": 0.08,
    "sex_unknown": 0.01,
    # NEW_KINDS: hotline calls and hurried entry (spelled by ear, partial names)
    "name_swap": 0.012,
    "first_initial": 0.012,
    "relative_ssn": 0.04,  # of the SSNs keyed
    "relative_dob": 0.008,
    "birth_year_digit": 0.008,
    "ocr": 0.006,
    "phonetic": 0.025,
    "accent_case": 0.025,
    # a hotline caller gives the name the child or parent goes by
    "goes_by_middle": 0.015,
    # RECORD_KINDS (timeline.py), of the children recorded within 30 days of birth
    "first_missing_newborn": 0.3,  # first name left empty
    "baby_placeholder": 0.4,  # of the rest: BABY BOY / BABY GIRL / UNBORN
    "dob_missing": 0.02,  # of all client records
    # of the records with the CalWORKs household's address
    "address_rekeyed": 0.15,
}
