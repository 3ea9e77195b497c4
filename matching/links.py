"""One month's person linkage: records -> scored pairs -> links and a review queue.

    linked  = (auto_match: probability >= auto-match threshold, not relative-like;
               or a household link: the same, with the family as prior (below);
               or a reviewer said MATCH) and no reviewer said NON_MATCH
    review  = probability >= floor, not linked, not yet decided (or UNSURE)

A household link: a CalWORKs person and a CWS client who are both still
unlinked, whose CalWORKs case and CWS case (or referral) are already joined by
another linked member of each, who are each other's best candidate in that
family (no tie), and whose probability *with the family as prior* reaches the
auto-match threshold (and the relatives' guard passes). A mother who took her
married name and has no SSN on file scores low against the whole county, but
her children, linked, say which family to look in: there the prior is the
share of such pairs that are true (estimated each month, family_prior), not
the chance that two random records match.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from matching.arrow import arrow_table
from matching.model import (
    PAIR_COLUMNS,
    levels_by_gamma,
    predict,
    without_term_frequencies,
)
from matching.people import CALWORKS_PEOPLE
from matching.settings import DOB_EXACT, FIRST_NAME_EXACT, FIRST_NAME_IS_MIDDLE
from matching.standardize import STAND_IN_FIELDS, standardize_table

CALWORKS, CWS = "calworks", "cws"
# comparison levels count up from "else" (0); null is -1 (matching/settings.py)
DISAGREES = 0
MISSING = -1
AGREES = 1  # an exact-match comparison's one level above "else"


def _at(pairs: pd.DataFrame, column: str, level: int) -> pd.Series:
    """Pairs whose comparison `column` is at `level`; a comparison the model does
    not have (no such field) reads as missing on every pair."""
    return (
        pairs[column].eq(level)
        if column in pairs
        else pd.Series(level == MISSING, index=pairs.index)
    )


def _outright(pairs: pd.DataFrame, column: str) -> pd.Series:
    """The comparison's "else" level."""
    return _at(pairs, column, DISAGREES)


def relative_like(pairs: pd.DataFrame) -> pd.Series:
    """Pairs that look like two relatives: the first names or the birth dates
    disagree outright -- not a typo, nickname, initial, swap or sound-alike, which
    have levels of their own. Relatives share surname and address (twins a birth
    date too, a junior and a senior a first name too), agreements the model adds up
    as if independent (a rare surname alone can outweigh a wholly different birth
    date, and a CWS record often lacks the CalWORKs address, so a shared home cannot
    be required). An SSN does not clear them: a relative's SSN is keyed on records
    too. Nor does a first name merely alike (or missing) when the sex disagrees,
    or the middle initial where the birth dates are not the same: a brother and a
    sister (MARIO / MARISOL), a father and a daughter a letter apart (MARTIN /
    MARY), two sisters (MANDY C / MADELYNN S); a true pair keyed with a wrong sex
    or middle initial and another form of the name goes to review (a missing first
    name with the same birth date and middle initial excepted: _other_sex). Nor one's
    first name being the other's middle name, unless the birth dates are the same.
    Nor, when a
    record has no first name and no birth date to compare, do the surname, the
    home and a middle initial outweigh two different SSNs: the one field left that
    tells people apart says two. A comparison the model does not have (no such
    field) disagrees on nothing."""
    return (
        _outright(pairs, "gamma_first_name")
        | _outright(pairs, "gamma_dob")
        | _alike_but_the_person_differs(pairs)
        | _only_the_ssn_to_tell(pairs)
        | _middle_name_as_first_without_the_birth_date(pairs)
    )


def _middle_name_as_first_without_the_birth_date(pairs: pd.DataFrame) -> pd.Series:
    # one's first name the other's middle name is someone who goes by her middle
    # name only beside the same birth date: siblings are named after each other
    # too (MARIA / KIMBERLY MARIA, one birth date missing)
    return _at(pairs, "gamma_first_name", FIRST_NAME_IS_MIDDLE) & ~_at(
        pairs, "gamma_dob", DOB_EXACT
    )


def _only_the_ssn_to_tell(pairs: pd.DataFrame) -> pd.Series:
    return (
        _at(pairs, "gamma_first_name", MISSING)
        & _at(pairs, "gamma_dob", MISSING)
        & _outright(pairs, "gamma_ssn")
    )


def _alike_but_the_person_differs(pairs: pd.DataFrame) -> pd.Series:
    # a middle initial is keyed wrong far more often than a sex (pseudopeople's
    # W-2s: of 25 pairs with one first name and two middle initials, 21 were one
    # person): beside the same birth date it is a slip, not a second person
    middle = _outright(pairs, "gamma_middle_initial") & ~_at(
        pairs, "gamma_dob", DOB_EXACT
    )
    same_first = _at(pairs, "gamma_first_name", FIRST_NAME_EXACT)
    return (_other_sex(pairs) | middle) & ~same_first


def _other_sex(pairs: pd.DataFrame) -> pd.Series:
    # The sexes disagree -- unless one record has no first name and the two have the
    # same birth date and the same middle initial: a twin of the other sex would need
    # that middle initial too (about one twin in fifteen), a sex keyed wrong on a
    # record that lacks its first name needs nothing more (pseudopeople's ACS: one
    # such pair, one person)
    slip = (
        _at(pairs, "gamma_first_name", MISSING)
        & _at(pairs, "gamma_dob", DOB_EXACT)
        & _at(pairs, "gamma_middle_initial", AGREES)
    )
    return _outright(pairs, "gamma_sex") & ~slip


def borrowed_birth_date(
    pairs: pd.DataFrame, households: pd.DataFrame, frames: dict[str, pa.Table]
) -> pd.Series:
    """Pairs (calworks_person_id, cws_client_id) where one record's birth date is
    that of another member of the other record's family in the other system: a
    child's record keyed with the mother's birth date (from her documents, on a
    hotline call) shows the mother's date, and the mother, in the other system's
    family, has it too. The birth dates' disagreement is then explained, not a
    sign of two people. (A junior with a twin, whose senior alone is in the other
    system, has that shape too; the first name, the suffix and the family's
    evidence still have to carry the pair.)"""
    cw, cws = _by_system(households)

    def borrowed(own: str, own_system, other_side, other: str, other_system):
        # own record's birth date among the other's family members' (not the other)
        fam = pairs[[own, other]].rename_axis("pair").reset_index()
        fam = fam.merge(other_side, on=other).merge(
            other_side.rename(columns={other: "member"}), on="household"
        )
        fam = fam.loc[fam["member"] != fam[other]]
        own_dob = _birth_dates_of(frames[own_system], fam[own])
        member_dob = _birth_dates_of(frames[other_system], fam["member"])
        same = fam[own].map(own_dob) == fam["member"].map(member_dob)
        return pairs.index.isin(fam.loc[same.fillna(False), "pair"].unique())

    cw_id, cws_id = "calworks_person_id", "cws_client_id"
    flags = borrowed(cws_id, CWS, cw, cw_id, CALWORKS) | borrowed(
        cw_id, CALWORKS, cws, cws_id, CWS
    )
    return pd.Series(flags, index=pairs.index)


def _birth_dates_of(frame: pa.Table, ids: pd.Series) -> pd.Series:
    """The known birth dates of the records among these ids, by id: a month's
    records whole took 0.4 s each time (Arrow to Python objects)."""
    wanted = pc.is_in(frame.column("unique_id"), value_set=_text(ids.drop_duplicates()))
    return _by_id(frame.filter(wanted), "dob").dropna()


def explained_birth_dates(
    cross: pd.DataFrame,
    held: pd.Series,
    households: pd.DataFrame,
    frames: dict[str, pa.Table],
) -> pd.Series:
    """The pairs of `held` that the relatives' guard holds for their birth dates
    alone (first names not outright different, no other sex or middle initial
    beside names merely alike) and whose family explains the date
    (borrowed_birth_date)."""
    explained = held & _outright(cross, "gamma_dob")
    explained &= ~_outright(cross, "gamma_first_name")
    explained &= ~_alike_but_the_person_differs(cross)
    explained.loc[explained] = borrowed_birth_date(
        cross.loc[explained], households, frames
    )
    return explained


def born_alone_in_family(
    cross: pd.DataFrame,
    linked: pd.Series,
    candidates: pd.Series,
    households: pd.DataFrame,
    frames: dict[str, pa.Table],
) -> pd.Series:
    """The household candidates (`candidates`: each other's best in families
    another link joins) that the relatives' guard holds only for first names that
    differ outright, beside the same birth date and sex and no two SSNs, where no
    one else in either family was born that day (borrowed_birth_date) and neither
    record's first name is alike any name in the other family. A twin is then not
    in sight: twins are on one CalWORKs case together, so the CalWORKs family
    would hold the other twin's birth date too. What is left is a person who goes
    by another given name in one system (her middle name, the other record
    lacking it) -- or a relative's birth date keyed on a record whose own person
    is in neither family, which nothing in the fields tells apart. Measured on a
    county month (docs/linkage.md): 142 more links, 3 of them such relatives."""
    shape = (
        candidates
        & _outright(cross, "gamma_first_name")
        & _at(cross, "gamma_dob", DOB_EXACT)
        & ~_other_sex(cross)
        & ~_outright(cross, "gamma_ssn")
    )
    if not shape.any():
        return shape
    shape.loc[shape] = ~borrowed_birth_date(cross.loc[shape], households, frames)
    near = among(
        cross["calworks_person_id"], cross.loc[shape, "calworks_person_id"]
    ) | among(cross["cws_client_id"], cross.loc[shape, "cws_client_id"])
    done = cross.loc[linked, ["calworks_person_id", "cws_client_id"]]
    in_family = _with_families(cross.loc[near & ~shape], households).merge(
        _joined_families(done, households), on=["household_cw", "household_cws"]
    )
    alike = in_family.loc[in_family["gamma_first_name"].gt(DISAGREES)]
    shape &= ~among(cross["calworks_person_id"], alike["calworks_person_id"])
    shape &= ~among(cross["cws_client_id"], alike["cws_client_id"])
    return shape


def file_families(sides: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Households (system, record_id, household) of files that carry no case
    numbers (`linkages link`), keyed by the role each plays: a record's family is
    the records of its own file with its surname and address, as family_share
    counts them."""
    parts = []
    for system, df in sides.items():
        known = df.loc[df["last_name"].notna() & df["address"].notna()]
        family = system + "|" + known["last_name"] + "|" + known["address"]
        parts.append(
            pd.DataFrame(
                {"system": system, "record_id": known["unique_id"], "household": family}
            )
        )
    return pd.concat(parts, ignore_index=True)


def two_files_decided(
    pairs: pd.DataFrame, frames: dict[str, pd.DataFrame], threshold: float
) -> pd.Series:
    """`linkages link`'s decisions with the relatives' guard on: auto_match, and,
    as the monthly linkage does, a pair the guard holds only for a birth date its
    family explains when neither record is linked to anyone else
    (explained_and_alone; families from file_families). pairs: cross pairs, l
    from the first file, r from the second; standardized frames. The first file
    takes the CalWORKs role and the second the CWS role, so that the monthly
    linkage's functions serve both."""
    sides = dict(zip((CALWORKS, CWS), frames.values(), strict=True))
    cross = pairs.rename(
        columns={"unique_id_l": "calworks_person_id", "unique_id_r": "cws_client_id"}
    )
    linked = auto_match(cross, threshold)
    tables = {
        system: arrow_table(df[["unique_id", "dob"]]) for system, df in sides.items()
    }
    explained = explained_birth_dates(cross, ~linked, file_families(sides), tables)
    return linked | explained_and_alone(cross, explained, linked, threshold)


def explained_and_alone(
    cross: pd.DataFrame, explained: pd.Series, linked: pd.Series, threshold: float
) -> pd.Series:
    """Pairs at or above the threshold that the guard holds only for a birth date
    their family explains (borrowed_birth_date), whose two records are linked to
    no one else and are in no other such pair: the guard's doubt is answered. A
    junior's record carries a date one of the senior's family has too -- his own,
    on his own record there -- and that record links to him, which keeps the
    junior-senior pair held."""
    freed = explained & ~linked & (cross["match_probability"] >= threshold)
    for column in ("calworks_person_id", "cws_client_id"):
        freed &= ~among(cross[column], cross.loc[linked, column])
    for column in ("calworks_person_id", "cws_client_id"):
        twice = cross.loc[freed, column].duplicated(keep=False)
        freed.loc[twice.index[twice]] = False
    return freed


def two_people(pairs: pd.DataFrame) -> pd.Series:
    """First names and birth dates both disagree outright: two members of one
    household (a mother and her son), whose shared surname and address the model
    counts as evidence. Not worth a reviewer's time: they never enter the queue."""
    return _outright(pairs, "gamma_first_name") & _outright(pairs, "gamma_dob")


# The guard exists for relatives; a file in which (almost) no one has one -- a
# register, a deduplication's originals -- gains nothing from it and loses every
# true pair whose first name was replaced. One record in fifty with a relative
# beside it in its own file counts as holding families: a county case file has
# far more (every case is a family), a register of unrelated people none.
FAMILY_SHARE = 0.02
# below this many records on a side, a file too small to show its families keeps
# the guard on
MIN_RECORDS_TO_JUDGE = 200


def family_share(records: pd.DataFrame) -> float:
    """The share of a file's standardized records that have a relative-like
    record in the same file: same surname and address, another first name, and
    not the same birth date (a parent, child, sibling or spouse; a missing birth
    date cannot tell). A duplicate of the same person differs in one of them at
    most, twins in the first name only."""
    cols = ["unique_id", "first_name", "last_name", "dob", "address"]
    if len(records) == 0 or not set(cols) <= set(records):
        return 0.0
    con = duckdb.connect()
    con.register("records", records[cols].astype(object))
    (n,) = con.execute(
        """
        select count(distinct a.unique_id)
        from records as a
        inner join records as b
            on a.last_name = b.last_name and a.address = b.address
        where a.unique_id <> b.unique_id
            and a.first_name <> b.first_name
            and not coalesce(a.dob = b.dob, false)
        """
    ).fetchone()
    return n / len(records)


def holds_families(frames: dict[str, pd.DataFrame]) -> bool:
    """Whether the relatives' guard is needed for these inputs: yes when any of
    them holds families (FAMILY_SHARE), or is too small to tell."""
    return any(
        len(df) < MIN_RECORDS_TO_JUDGE or family_share(df) >= FAMILY_SHARE
        for df in frames.values()
    )


def auto_match(pairs: pd.DataFrame, threshold: float) -> pd.Series:
    """At or above the threshold and not relative-like; relative-like pairs go to
    clerical review."""
    return (pairs["match_probability"] >= threshold) & ~relative_like(pairs)


def _ids(frame: pa.Table) -> pd.Series:
    return pd.Series(frame.column("unique_id").to_numpy(zero_copy_only=False))


def _by_id(frame: pa.Table, column: str) -> pd.Series:
    """One column of standardized records, indexed by record id."""
    values = frame.column(column).to_numpy(zero_copy_only=False)
    return pd.Series(values, index=_ids(frame), dtype=object)


def _rows(frame: pa.Table, ids: pd.Series) -> pa.Table:
    """The records with these ids, in this order (each id is in `frame`)."""
    return frame.take(pc.index_in(_text(ids), value_set=frame.column("unique_id")))


def _text(values: pd.Series | pa.ChunkedArray) -> pa.Array | pa.ChunkedArray:
    if isinstance(values, pa.ChunkedArray):
        return values.cast(pa.string())
    return pa.array(values, type=pa.string(), from_pandas=True)


def among(values: pd.Series, pool: pd.Series | pa.ChunkedArray) -> pd.Series:
    """values.isin(pool) by Arrow's hash lookup: pandas 3's Arrow-string isin makes
    one Python scalar per pool value (6 s of a county month's linkage), and a pandas
    index over them built Python strings first (1 s)."""
    found = pc.is_in(_text(values), value_set=_text(pool))
    return pd.Series(found.to_numpy(zero_copy_only=False), index=values.index)


def links_as_pairs(links: pd.DataFrame) -> pd.DataFrame:
    """Links (calworks_person_id, cws_client_id) in the pairs' id columns."""
    return pd.DataFrame(
        {
            "source_dataset_l": CALWORKS,
            "unique_id_l": links["calworks_person_id"],
            "source_dataset_r": CWS,
            "unique_id_r": links["cws_client_id"],
        }
    )


def _by_system(households: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(calworks_person_id, household) and (cws_client_id, household)."""

    def side(system: str, column: str) -> pd.DataFrame:
        rows = households.loc[
            households["system"] == system, ["record_id", "household"]
        ]
        return rows.rename(columns={"record_id": column})

    return side(CALWORKS, "calworks_person_id"), side(CWS, "cws_client_id")


def _with_families(pairs: pd.DataFrame, households: pd.DataFrame) -> pd.DataFrame:
    """Each pair once per (household_cw, household_cws) its two records belong to."""
    cw, cws = _by_system(households)
    return pairs.merge(cw, on="calworks_person_id").merge(
        cws, on="cws_client_id", suffixes=("_cw", "_cws")
    )


def _joined_families(done: pd.DataFrame, households: pd.DataFrame) -> pd.DataFrame:
    """(household_cw, household_cws): the CalWORKs cases and CWS families a link joins."""
    return _with_families(done, households)[
        ["household_cw", "household_cws"]
    ].drop_duplicates()


# fields a family shares: within a family they say nothing about which member is who
FAMILY_SHARED = ("last_name", "place")


def person_evidence(pairs: pd.DataFrame, model: dict) -> np.ndarray:
    """log2 Bayes factor of each pair from the fields that tell one family member
    from another (name, birth date, SSN, sex ...; not FAMILY_SHARED), from its
    comparison levels (gamma_*) and the model's m and u. Null levels weigh 0."""
    total = np.zeros(len(pairs))
    for comparison in model["comparisons"]:
        if comparison["output_column_name"] not in FAMILY_SHARED:
            total += comparison_evidence(pairs, comparison)
    return total


def comparison_evidence(pairs: pd.DataFrame, comparison: dict) -> np.ndarray:
    """log2 Bayes factor of each pair's level of one comparison (0 for null, and
    where the pairs have no such comparison)."""
    column = f"gamma_{comparison['output_column_name']}"
    if column not in pairs:
        return np.zeros(len(pairs))
    weights = {}
    for gamma, level in levels_by_gamma(comparison).items():
        m, u = level.get("m_probability"), level.get("u_probability")
        if m and u:
            weights[gamma] = np.log2(m / u)
    return pairs[column].map(weights).fillna(0.0).to_numpy(float)


def family_prior(evidence: np.ndarray, iterations: int = 100) -> float:
    """The share of candidate pairs in joined families that are the same person,
    estimated from their evidence (log2 Bayes factors) by expectation
    maximisation: pi <- mean posterior(pi). Most members of a linked family have
    their counterpart in the other system's family, so this is far above the
    chance that two random records match -- and it is measured, not assumed."""
    if len(evidence) == 0:
        return 0.0
    factor = np.exp2(np.clip(evidence, -60, 60))
    pi = 0.5
    for _ in range(iterations):
        pi = float(np.mean(pi * factor / (pi * factor + 1 - pi)))
    return min(max(pi, 1e-9), 1 - 1e-9)


def in_family_probability(evidence: np.ndarray, family: float) -> np.ndarray:
    """Posterior probability of each pair with the family prior."""
    family = min(max(family, 1e-9), 1 - 1e-9)
    odds = np.exp2(np.clip(evidence + np.log2(family / (1 - family)), -60, 60))
    return odds / (1 + odds)


def household_links(
    cross: pd.DataFrame,
    linked: pd.Series,
    households: pd.DataFrame,
    model: dict,
    explained: pd.Series | None = None,
) -> pd.Series:
    """The in-family probability of each pair of `cross` (calworks_person_id,
    cws_client_id, gamma_*) whose two records are both unlinked and in families
    another link joins, for pairs that are each other's best candidate there with
    no tie (NaN for the rest). Within the family the prior is family_prior and the
    evidence leaves out what the family shares (person_evidence): a grandmother
    and an absent mother share surname and address, and that is no evidence that
    they are one person. households: system, record_id, household (a CalWORKs case
    number or a CWS case id; a record may be in several). `explained`: pairs whose
    birth dates' disagreement the family explains (borrowed_birth_date): their
    birth dates weigh nothing either way."""
    done = cross.loc[linked, ["calworks_person_id", "cws_client_id"]]
    open_ = cross.loc[
        ~linked
        & ~among(cross["calworks_person_id"], done["calworks_person_id"])
        & ~among(cross["cws_client_id"], done["cws_client_id"])
    ]
    cand = _with_families(open_.rename_axis("pair").reset_index(), households)
    cand = cand.merge(
        _joined_families(done, households), on=["household_cw", "household_cws"]
    )
    cand = cand.drop_duplicates("pair")
    evidence = person_evidence(cand, model)
    if explained is not None:
        dob = [c for c in model["comparisons"] if c["output_column_name"] == "dob"]
        if dob:
            borrowed = explained.reindex(cand["pair"]).fillna(False).to_numpy(bool)
            evidence -= np.where(borrowed, comparison_evidence(cand, dob[0]), 0.0)
    cand = cand[["pair", "calworks_person_id", "cws_client_id"]].assign(
        p=in_family_probability(evidence, family_prior(evidence))
    )
    # each other's best in the family, and no tie for either
    best = cand["p"].eq(
        cand.groupby("calworks_person_id")["p"].transform("max")
    ) & cand["p"].eq(cand.groupby("cws_client_id")["p"].transform("max"))
    cand = cand.loc[best]
    cand = cand.loc[
        ~cand.duplicated("calworks_person_id", keep=False)
        & ~cand.duplicated("cws_client_id", keep=False)
    ]
    return pd.Series(cand["p"].to_numpy(), index=pd.Index(cand["pair"])).reindex(
        cross.index
    )


@dataclass
class MonthLinkage:
    pairs: pd.DataFrame  # every scored pair >= floor, both systems and within each
    links: (
        pd.DataFrame
    )  # calworks_person_id, cws_client_id, match_probability, link_basis
    review_queue: (
        pd.DataFrame
    )  # undecided (or UNSURE) cross-system pairs between floor and threshold
    # the linked pairs with their comparison levels, for the QA sample (quality.py)
    linked_pairs: pd.DataFrame | None = None
    # per system and field (STAND_IN_FIELDS), the records whose value stood in for
    # an unknown one (read as missing: matching/standardize.py)
    stand_ins: dict[str, dict[str, int]] | None = None


def month_records(con, month: str) -> dict[str, pd.DataFrame]:
    """The month's people: a CalSAWS person once (matching/people.py), in id order.
    `con`: a warehouse (orchestration.lib.warehouse)."""
    calworks = _frame(
        con,
        f"""select person_id as record_id, first_name, middle_name, last_name,
                  cast(date_of_birth as string) as date_of_birth, sex, ssn,
                  address_line1, city, zip
           from {CALWORKS_PEOPLE} where report_month = $m order by person_id""",
        month,
    )
    cws = _frame(
        con,
        """select client_id as record_id, first_name, middle_name, last_name,
                  cast(birth_date as string) as date_of_birth, sex, ssn, address_line1, city, zip
           from raw.cws_clients where report_month = $m""",
        month,
    )
    return {CALWORKS: calworks, CWS: cws}


def _frame(con, sql: str, month: str) -> pd.DataFrame:
    """A month's rows through Arrow: DuckDB's own pandas conversion took twice as
    long (2.6 s against 1.2 s for a state month's CalWORKs people)."""
    return con.arrow(sql, {"m": month}).to_pandas()


def month_households(con, month: str) -> pd.DataFrame:
    """The month's households (below) from raw. `con`: a warehouse."""
    return households(
        _frame(
            con,
            "select person_id, case_number from raw.calworks_persons where report_month = $m",
            month,
        ),
        _frame(
            con,
            "select client_id, case_id from raw.cws_case_participants where report_month = $m",
            month,
        ),
        _frame(
            con,
            "select referral_id, victim_client_id, perpetrator_client_id from raw.cws_allegations where report_month = $m",
            month,
        ),
    )


def households(
    persons: pd.DataFrame, participants: pd.DataFrame, allegations: pd.DataFrame
) -> pd.DataFrame:
    """system, record_id, household: a CalWORKs person's cases; a CWS client's cases
    and the referrals naming them as victim or perpetrator (a child known only from a
    referral has no case, but the referral names the family all the same)."""
    victims = allegations[["referral_id", "victim_client_id"]].set_axis(
        ["referral_id", "client_id"], axis=1
    )
    perpetrators = allegations[["referral_id", "perpetrator_client_id"]].set_axis(
        ["referral_id", "client_id"], axis=1
    )
    on_referrals = pd.concat([victims, perpetrators]).dropna()
    parts = [
        pd.DataFrame(
            {
                "system": CALWORKS,
                "record_id": persons["person_id"],
                "household": "case:" + persons["case_number"],
            }
        ),
        pd.DataFrame(
            {
                "system": CWS,
                "record_id": participants["client_id"],
                "household": "case:" + participants["case_id"],
            }
        ),
        pd.DataFrame(
            {
                "system": CWS,
                "record_id": on_referrals["client_id"],
                "household": "referral:" + on_referrals["referral_id"],
            }
        ),
    ]
    return (
        pd.concat(parts, ignore_index=True).dropna().drop_duplicates(ignore_index=True)
    )


def _cross(
    pairs: pd.DataFrame, decisions: pd.DataFrame, records: dict[str, pd.DataFrame]
) -> pd.DataFrame:
    """CalWORKs x CWS pairs with any reviewer decision; a confirmed pair the model
    did not score (outside blocking) is kept too, for it still links."""
    cross = pairs.loc[
        (pairs["source_dataset_l"] == CALWORKS) & (pairs["source_dataset_r"] == CWS)
    ]
    cross = cross.rename(
        columns={"unique_id_l": "calworks_person_id", "unique_id_r": "cws_client_id"}
    )
    cross = cross.merge(
        decisions[["calworks_person_id", "cws_client_id", "decision"]],
        on=["calworks_person_id", "cws_client_id"],
        how="outer",
    )
    # the model scored only this month's records; a decision alone may name a
    # record not in it (1 s of a county month's linkage when every pair was looked up)
    only_decided = cross.loc[cross["match_probability"].isna()]
    gone = ~(
        among(only_decided["calworks_person_id"], records[CALWORKS]["record_id"])
        & among(only_decided["cws_client_id"], records[CWS]["record_id"])
    )
    return cross.drop(index=gone.index[gone])


def _decided(cross: pd.DataFrame, threshold: float) -> pd.Series:
    return (auto_match(cross, threshold) | cross["decision"].eq("MATCH")) & ~cross[
        "decision"
    ].eq("NON_MATCH")


def family_candidates(
    cross: pd.DataFrame,
    linked: pd.Series,
    households: pd.DataFrame,
    frames: dict[str, pa.Table],
) -> pd.DataFrame:
    """calworks_person_id, cws_client_id: every unlinked member of a CalWORKs case
    against every unlinked member of a CWS family that a link already joins to it,
    where blocking did not already pair them."""
    done = cross.loc[linked]
    cw, cws = _by_system(households)
    free_cw = cw.loc[
        among(cw["calworks_person_id"], frames[CALWORKS].column("unique_id"))
        & ~among(cw["calworks_person_id"], done["calworks_person_id"])
    ]
    free_cws = cws.loc[
        among(cws["cws_client_id"], frames[CWS].column("unique_id"))
        & ~among(cws["cws_client_id"], done["cws_client_id"])
    ]
    cand = _joined_families(done, households).merge(
        free_cw, left_on="household_cw", right_on="household"
    )
    cand = cand.merge(free_cws, left_on="household_cws", right_on="household")
    cand = cand[["calworks_person_id", "cws_client_id"]].drop_duplicates()
    scored = cross[["calworks_person_id", "cws_client_id"]].assign(scored=True)
    cand = cand.merge(scored, how="left", on=["calworks_person_id", "cws_client_id"])
    return cand.loc[
        cand["scored"].isna(), ["calworks_person_id", "cws_client_id"]
    ].reset_index(drop=True)


def score_pairs(
    frames: dict[str, pa.Table],
    model: dict,
    wanted: pd.DataFrame,
    floor: float,
    engine: str = "duckdb",
) -> pd.DataFrame:
    """Score exactly the `wanted` CalWORKs x CWS pairs with the model: each pair
    gets its own id on both sides and blocking joins on it. Without term
    frequencies: they would be counted on this handful of records, not the month."""
    if wanted.empty:
        return pd.DataFrame(columns=PAIR_COLUMNS)
    ids = [f"pair{i}" for i in range(len(wanted))]
    sides = {}
    for name, column in ((CALWORKS, "calworks_person_id"), (CWS, "cws_client_id")):
        side = _rows(frames[name], wanted[column])
        sides[name] = side.set_column(
            side.column_names.index("unique_id"), "unique_id", pa.array(ids)
        )
    only_these = without_term_frequencies(model)
    only_these["blocking_rules_to_generate_predictions"] = [
        {"blocking_rule": 'l."unique_id" = r."unique_id"', "sql_dialect": "duckdb"}
    ]
    scored = predict(sides, only_these, floor, engine)
    back = (
        wanted.set_axis(["unique_id_l", "unique_id_r"], axis=1)
        .assign(key=ids)
        .set_index("key")
    )
    scored[["unique_id_l", "unique_id_r"]] = back.loc[scored["unique_id_l"]].to_numpy()
    return scored


def link_month(
    records: dict[str, pd.DataFrame],
    model: dict,
    decisions: pd.DataFrame,
    threshold: float,
    floor: float,
    households: pd.DataFrame | None = None,
    household_floor: float | None = None,
    engine: str = "duckdb",
) -> MonthLinkage:
    """household_floor: the least probability (on the fields alone) a pair in a
    joined family needs to be weighed with its family at all."""
    # as Arrow, never as pandas objects: a state month's stayed alive through
    # Splink's predict (its peak 4.15 -> 3.67 GiB)
    frames = {name: standardize_table(df, name) for name, df in records.items()}
    pairs = predict(frames, model, floor, engine)
    if (
        households is not None
    ):  # family members below the floor or never blocked, scored too
        first = _cross(pairs, decisions, records)
        wanted = family_candidates(
            first, _decided(first, threshold), households, frames
        )
        # all of them, however low: the family prior is estimated over every candidate
        pairs = pd.concat(
            [pairs, score_pairs(frames, model, wanted, 0.0, engine)], ignore_index=True
        )
    cross = _cross(pairs, decisions, records)
    rejected = cross["decision"].eq("NON_MATCH")
    linked = _decided(cross, threshold)
    by_household = pd.Series(False, index=cross.index)
    if households is not None:
        explained = explained_birth_dates(
            cross, ~linked & ~rejected, households, frames
        )
        in_family = household_links(
            cross.loc[~rejected], linked.loc[~rejected], households, model, explained
        )
        in_family = in_family.reindex(cross.index).where(
            cross["match_probability"] >= household_floor
        )
        # the family's evidence is in the probability; the relatives' guard holds
        # here most of all (a relative's SSN keyed on a child's record makes that
        # child look like the sibling), except for a birth date the family explains
        # and another first name where no twin is in sight (born_alone_in_family)
        cross["match_probability"] = in_family.fillna(cross["match_probability"])
        guard = relative_like(cross) & ~explained
        guard &= ~born_alone_in_family(
            cross, linked, in_family.notna(), households, frames
        )
        by_household = (
            in_family.notna()
            & (cross["match_probability"] >= threshold)
            & ~guard
            & ~linked
            & ~rejected
        )
        linked |= by_household
        linked |= explained_and_alone(cross, explained, linked, threshold)
    prob = cross["match_probability"]
    links = cross.loc[
        linked, ["calworks_person_id", "cws_client_id", "match_probability"]
    ].copy()
    links["link_basis"] = np.select(
        [cross.loc[linked, "decision"].eq("MATCH"), by_household.loc[linked]],
        ["REVIEWER", "HOUSEHOLD"],
        "MODEL",
    )
    # an UNSURE decision leaves its pair in the queue (CONTRACT.md §5, v2)
    undecided = cross["decision"].isna() | cross["decision"].eq("UNSURE")
    queue = cross.loc[(prob >= floor) & ~linked & undecided & ~two_people(cross)]
    linked_pairs = cross.loc[linked].assign(link_basis=links["link_basis"])
    return MonthLinkage(
        pairs=pairs.loc[pairs["match_probability"] >= floor].reset_index(drop=True),
        links=links.sort_values(
            ["calworks_person_id", "cws_client_id"], ignore_index=True
        ),
        review_queue=queue.drop(
            columns=["decision", "source_dataset_l", "source_dataset_r"]
        ),
        linked_pairs=linked_pairs.drop(
            columns=["decision", "source_dataset_l", "source_dataset_r"]
        ).reset_index(drop=True),
        stand_ins={
            name: {
                field: int(pc.sum(frame.column(f"{field}_stand_in")).as_py() or 0)
                for field in STAND_IN_FIELDS
            }
            for name, frame in frames.items()
        },
    )
