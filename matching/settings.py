"""The person-linkage model, declared as data.

Comparison levels run null -> exact -> fuzzy -> else. Each fuzzy level is
there for a kind of disagreement the two systems really produce: nicknames,
typos and transpositions, maiden / married / double surnames, day-month
swaps and off-by-one birth dates, a mistyped SSN digit. Twins (same birth
date and surname) are told apart by the first name; a junior and a senior by
birth date and suffix.

Blocking: each rule is one way a true pair can still agree exactly despite
noise elsewhere; `docs/linkage.md` records the comparison counts per rule.
"""

from __future__ import annotations

import splink.comparison_level_library as cll
import splink.comparison_library as cl
from splink import SettingsCreator, block_on

DATASETS = ("calworks", "cws")


def _first_name() -> cl.CustomComparison:
    return cl.CustomComparison(
        output_column_name="first_name",
        comparison_levels=[
            cll.NullLevel("first_name"),
            cll.ExactMatchLevel("first_name", term_frequency_adjustments=True),
            cll.JaroWinklerLevel("first_name", 0.92),
            cll.ArrayIntersectLevel("first_name_forms", 1).configure(
                label_for_charts="nickname of the same name"
            ),
            cll.JaroWinklerLevel("first_name", 0.80),
            cll.ElseLevel(),
        ],
    )


def _last_name() -> cl.CustomComparison:
    return cl.CustomComparison(
        output_column_name="last_name",
        comparison_levels=[
            cll.NullLevel("last_name"),
            cll.ExactMatchLevel("last_name", term_frequency_adjustments=True),
            cll.ArrayIntersectLevel("surname_parts", 1).configure(
                label_for_charts="share one surname of a double or hyphenated name"
            ),
            cll.JaroWinklerLevel("last_name", 0.92),
            cll.DamerauLevenshteinLevel("last_name", 2),
            cll.ElseLevel(),
        ],
    )


def _dob() -> cl.CustomComparison:
    return cl.CustomComparison(
        output_column_name="dob",
        comparison_levels=[
            cll.NullLevel("dob"),
            cll.ExactMatchLevel("dob"),
            cll.CustomLevel(
                "dob_l = dob_swapped_r", label_for_charts="day and month swapped"
            ),
            cll.AbsoluteDateDifferenceLevel(
                "dob", input_is_string=True, threshold=1, metric="day"
            ),
            # keying errors the training months may not contain: declared, not learned
            cll.DamerauLevenshteinLevel("dob", 1).configure(m_probability=0.01),
            cll.ExactMatchLevel("birth_year").configure(m_probability=0.005),
            cll.ElseLevel().configure(m_probability=0.002),
        ],
    )


def _ssn() -> cl.CustomComparison:
    return cl.CustomComparison(
        output_column_name="ssn",
        comparison_levels=[
            cll.NullLevel("ssn"),
            # two different people almost never share an SSN, so random sampling
            # never sees these levels and cannot estimate u: declare it instead
            # (about one pair in 10^8 by chance; one digit off about one in 10^6)
            cll.ExactMatchLevel("ssn").configure(u_probability=1e-8, fix_u_probability=True),
            cll.DamerauLevenshteinLevel("ssn", 1).configure(
                u_probability=1e-6, fix_u_probability=True
            ),
            cll.ElseLevel(),
        ],
    )


def _declared(column: str, m_agree: float, u_agree: float | None = None) -> cl.CustomComparison:
    """Agree / disagree with m (and u) declared, never estimated. For fields where
    a keying error in one system must not veto an otherwise clear match, or that
    too few pairs carry to estimate: EM would put m(disagree) near 0 whenever
    the training month happens to hold no such error."""
    agree = cll.ExactMatchLevel(column).configure(m_probability=m_agree, fix_m_probability=True)
    other = cll.ElseLevel().configure(m_probability=1 - m_agree, fix_m_probability=True)
    if u_agree is not None:
        agree = agree.configure(u_probability=u_agree, fix_u_probability=True)
        other = other.configure(u_probability=1 - u_agree, fix_u_probability=True)
    return cl.CustomComparison(
        output_column_name=column,
        comparison_levels=[cll.NullLevel(column), agree, other],
    )


COMPARISONS = [
    _first_name(),
    _last_name(),
    _dob(),
    _ssn(),
    _declared("middle_initial", 0.9),
    _declared("sex", 0.99),
    # JR vs SR (or none) on both sides: father and son share every other field
    _declared("name_suffix", 0.95, u_agree=0.5),
    cl.ExactMatch("zip"),
]

# Surname + birth year and first name + birth year (5.5 of 10 million comparisons,
# 40% of linkage time) were dropped once the family pass (matching/links.py) scored
# the unlinked members of linked families: on the county benchmark they then added
# 0.03 points of recall (docs/benchmarks.md).
# Birth date alone made blocks that grow with the square of the population (a
# state has 3x a county's people per birth date, 9x the pairs); with a first or
# last initial beside it the blocks are 10-20x smaller and give the same links
# (docs/benchmarks.md, "Scale"). A person whose first AND last initials both
# changed is still paired by SSN or by first name + surname.
FIRST_INITIAL = 'substr(l."first_name", 1, 1) = substr(r."first_name", 1, 1)'
LAST_INITIAL = 'substr(l."last_name", 1, 1) = substr(r."last_name", 1, 1)'
BLOCKING_RULES = [
    block_on("ssn"),
    f'l."dob" = r."dob" and {FIRST_INITIAL}',
    f'l."dob" = r."dob" and {LAST_INITIAL}',
    block_on("first_name", "last_name_1"),
    f"l.dob_swapped = r.dob and ({FIRST_INITIAL} or {LAST_INITIAL})",
]

# rules that pick out near-certain matches, to estimate how often two random
# records are the same person
DETERMINISTIC_RULES = [
    "l.ssn = r.ssn and l.birth_year = r.birth_year",
    "l.first_name = r.first_name and l.last_name = r.last_name and l.dob = r.dob",
]
# EM passes: each blocks on what the other leaves free to estimate. Pairs that
# share an SSN are nearly all true, so that pass learns names and birth dates
# cleanly; blocking on names instead let EM take family members (same surname
# and address) for matches, and it learned that birth dates rarely agree.
TRAINING_BLOCKS = [block_on("ssn"), block_on("dob")]


def settings(link_type: str = "link_only") -> SettingsCreator:
    """CalWORKs <-> CWS. Linking, not deduplicating within a system: a person's
    two ids in one system join through their shared counterpart in the other
    (matching/keys.py), and within-system pairs (parents and children, who share
    surname and address) are what misled the model's training."""
    return SettingsCreator(
        link_type=link_type,
        comparisons=COMPARISONS,
        blocking_rules_to_generate_predictions=BLOCKING_RULES,
        retain_intermediate_calculation_columns=False,
        retain_matching_columns=True,
    )
