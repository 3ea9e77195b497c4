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
from splink.internals.comparison_level_creator import ComparisonLevelCreator

DATASETS = ("calworks", "cws")


# custom SQL names columns unquoted: in Spark SQL "x" is a string, not a column
# a full swap: each name where the other system has the other one (first-name comparison)
NAMES_SWAPPED = "first_name_l = last_name_r and last_name_l = first_name_r"
FIRST_NAME_IS_MIDDLE_LABEL = "one's first name is the other's middle name"


class _SwappedOneAltered(ComparisonLevelCreator):
    """Names swapped, and one of the two also misspelled or changed (a typo, a
    second surname added, a nickname): one name is where the other system has the
    other field, exactly; the other is alike (Jaro-Winkler >= 0.88) to its
    counterpart or a nickname of the same name (DEBRA WILLHOITE keyed as
    WILLHOITE, DEBBIE). Twins keyed the wrong way round have given names neither
    alike nor one name's nicknames."""

    def create_sql(self, sql_dialect) -> str:
        jw = sql_dialect.jaro_winkler_function_name
        overlap = {"duckdb": "list_has_any", "spark": "arrays_overlap"}[
            sql_dialect.sql_dialect_str
        ]
        return (
            f"(first_name_l = last_name_r and ({jw}(last_name_l, first_name_r) >= 0.88"
            f" or {overlap}(last_name_forms_l, first_name_forms_r)))"
            f" or (last_name_l = first_name_r and ({jw}(first_name_l, last_name_r) >= 0.88"
            f" or {overlap}(first_name_forms_l, last_name_forms_r)))"
        )

    def create_label_for_charts(self) -> str:
        return "names swapped, one of them altered"


def _swapped() -> cll.CustomLevel:
    # Random sampling never meets two strangers whose names are each other's
    # swapped, so u is declared (about one pair in 10^8); m is learned where the
    # inputs hold swaps and starts small where they do not. The level is in the
    # first-name comparison only: the surname then disagrees, and the two together
    # weigh about what two agreeing names do; in both comparisons a swap would
    # count twice.
    return cll.CustomLevel(
        NAMES_SWAPPED, label_for_charts="first and last names swapped"
    ).configure(m_probability=0.002, u_probability=1e-8, fix_u_probability=True)


def _within_edits(column: str, n: int) -> cll.ComparisonLevelCreator:
    """Damerau-Levenshtein distance <= n (a transposition is one edit), tested
    behind Levenshtein <= 2n, which it implies: DuckDB's Damerau-Levenshtein is
    about five times slower, and the cheap test rules out nearly every pair first."""
    return cll.And(
        cll.LevenshteinLevel(column, 2 * n), cll.DamerauLevenshteinLevel(column, n)
    ).configure(label_for_charts=f"Damerau-Levenshtein distance of {column} <= {n}")


class _SharesOne(ComparisonLevelCreator):
    """The two lists share at least one element: Splink's ArrayIntersectLevel(col, 1)
    without building the intersection (DuckDB's list_has_any is three times
    faster than the length of list_intersect)."""

    def __init__(self, column: str, label: str):
        self.column, self.label = column, label

    def create_sql(self, sql_dialect) -> str:
        test = {"duckdb": "list_has_any", "spark": "arrays_overlap"}
        name = sql_dialect.sql_dialect_str
        return f"{test[name]}({self.column}_l, {self.column}_r)"

    def create_label_for_charts(self) -> str:
        return self.label


class _SameWords(ComparisonLevelCreator):
    """Every word of the shorter address is in the other (two words at least): the
    same home with its words in another order, or a unit or place name left out."""

    def create_sql(self, sql_dialect) -> str:
        size = {"duckdb": "len", "spark": "size"}[sql_dialect.sql_dialect_str]
        inter = {"duckdb": "list_intersect", "spark": "array_intersect"}[
            sql_dialect.sql_dialect_str
        ]
        a, b = "address_words_l", "address_words_r"
        return (
            f"{size}({inter}({a}, {b})) >= greatest(2, least({size}({a}), {size}({b})))"
        )

    def create_label_for_charts(self) -> str:
        return "the same address words, in another order or some left out"


class _NicknameMisspelled(ComparisonLevelCreator):
    """One name one Damerau-Levenshtein edit from a variant of the other (the
    formal names it stands for and their nicknames, standardize.name_variants),
    same first letter: ANDY keyed ADNY against ANDREA, BETTY keyed BEFTY against
    ELIZABETH. Each of the two errors is common on a hotline call; a level for
    nicknames alone leaves the two together in "else", where the relatives'
    guard holds a true pair."""

    def create_sql(self, sql_dialect) -> str:
        name = sql_dialect.sql_dialect_str
        dl = sql_dialect.damerau_levenshtein_function_name

        def near(side: str, other: str) -> str:
            # `case`, not `and`: inside a lambda DuckDB evaluates every operand of
            # an `and` for every element, so each variant paid the dear
            # Damerau-Levenshtein (this level over a county month's blocked pairs:
            # 1.7-2.0 s -> 0.7-0.9 s)
            test = (
                f"case when substr(x, 1, 1) = substr({other}, 1, 1)"
                f" and abs(length(x) - length({other})) <= 1"
                f" then {dl}(x, {other}) <= 1 else false end"
            )
            variants = f"first_name_variants_{side}"
            walk = (
                f"exists({variants}, x -> {test})"
                if name == "spark"
                else f"list_bool_or(list_transform({variants}, lambda x: {test}))"
            )
            # the variants' first letters first: a plain string test that spares
            # most pairs the list walk (eight times faster on random pairs)
            may = (
                f"instr(first_name_variant_initials_{side}, substr({other}, 1, 1)) > 0"
            )
            return f"({may} and {walk})"

        return f"{near('l', 'first_name_r')} or {near('r', 'first_name_l')}"

    def create_label_for_charts(self) -> str:
        return "a nickname of the same name, misspelled"


# Standardized birth dates are always YYYY-MM-DD: one slip (a digit wrong, two
# swapped) leaves either the year or the month and day as they were -- a test
# that spares nearly every pair the slow Damerau-Levenshtein
DATE_SLIP = (
    "(substr(dob_l, 1, 4) = substr(dob_r, 1, 4) or substr(dob_l, 6) = substr(dob_r, 6))"
    " and damerau_levenshtein(dob_l, dob_r) <= 1"
)


# One system keeps both given names in the first-name field (MARIA ELENA), the
# other splits them (MARIA, middle name ELENA). A first name with a space in it is
# the cheap test that spares every other pair the joining (names of one word each
# join alike only when the first names are the same).
GIVEN_NAMES_SPLIT = (
    "(instr(first_name_l, ' ') > 0 or instr(first_name_r, ' ') > 0)"
    " and concat_ws(' ', first_name_l, middle_name_l)"
    " = concat_ws(' ', first_name_r, middle_name_r)"
)


def _given_names_split() -> cll.ComparisonLevelCreator:
    # Two names agreeing: weighed as the first name and the middle initial agreeing
    # (8.5 + 2.7 bits in the shipped model), the middle-initial comparison having
    # nothing on one side to compare. Strangers split differently and agreeing are
    # rarer than random sampling can see: u declared (1e-6; 11 bits with m's start
    # 0.002); m is learned where the inputs hold such pairs.
    return cll.CustomLevel(
        GIVEN_NAMES_SPLIT,
        label_for_charts="the same first and middle names, written in one field or two",
    ).configure(m_probability=0.002, u_probability=1e-6, fix_u_probability=True)


def _first_name() -> cl.CustomComparison:
    return cl.CustomComparison(
        output_column_name="first_name",
        comparison_levels=[
            cll.NullLevel("first_name"),
            cll.ExactMatchLevel("first_name", term_frequency_adjustments=True),
            _given_names_split(),
            _swapped(),
            # rarer by chance than random sampling can see: u declared, ten times a clean swap's
            _SwappedOneAltered().configure(
                m_probability=0.001, u_probability=1e-7, fix_u_probability=True
            ),
            # a swap with the other name also changed (a nickname, an initial, a
            # married surname): one record's given name in the other's surname
            # field. Only a given name: a crossed surname is the whole family's.
            # Strangers' names cross often enough for random sampling to see (u
            # learned).
            cll.CustomLevel(
                "(first_name_l = last_name_r and first_name_is_given_l)"
                " or (last_name_l = first_name_r and first_name_is_given_r)",
                label_for_charts="a given name in the other's surname field",
            ).configure(m_probability=0.002),
            cll.JaroWinklerLevel("first_name", 0.92),
            _SharesOne("first_name_forms", "nickname of the same name"),
            _NicknameMisspelled(),
            cll.CustomLevel(
                "(length(first_name_l) = 1 or length(first_name_r) = 1) "
                "and substr(first_name_l, 1, 1) = substr(first_name_r, 1, 1)",
                label_for_charts="one is the other's initial",
            ).configure(m_probability=0.002),
            cll.ExactMatchLevel("first_name_phonetic").configure(
                label_for_charts="sound alike"
            ),
            cll.JaroWinklerLevel("first_name", 0.80),
            _within_edits("first_name", 1),
            # someone who goes by her middle name: MARIA (middle ELENA) on one
            # record, ELENA on the other. In "else" the relatives' guard held the
            # pair as two sisters; it still does unless the birth dates are the
            # same (matching/links.py): sisters are named after each other's middle
            # names too. Just above "else", so no other level's pairs move
            cll.CustomLevel(
                "first_name_l = middle_name_r or middle_name_l = first_name_r",
                label_for_charts=FIRST_NAME_IS_MIDDLE_LABEL,
            ).configure(m_probability=0.002),
            cll.ElseLevel(),
        ],
    )


def _last_name() -> cl.CustomComparison:
    return cl.CustomComparison(
        output_column_name="last_name",
        comparison_levels=[
            cll.NullLevel("last_name"),
            cll.ExactMatchLevel("last_name", term_frequency_adjustments=True),
            _SharesOne(
                "surname_parts", "share one surname of a double or hyphenated name"
            ),
            cll.JaroWinklerLevel("last_name", 0.92),
            cll.ExactMatchLevel("last_name_phonetic").configure(
                label_for_charts="sound alike"
            ),
            _within_edits("last_name", 2),
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
            # one digit keyed wrong, the year's included (1987 -> 1981, 1997)
            cll.CustomLevel(
                DATE_SLIP, label_for_charts="one digit wrong or two swapped"
            ),
            cll.ExactMatchLevel("birth_year"),
            cll.ElseLevel(),
        ],
    )


def _ssn() -> cl.CustomComparison:
    return cl.CustomComparison(
        output_column_name="ssn",
        comparison_levels=[
            cll.NullLevel("ssn"),
            # two different people almost never share an SSN, so random sampling
            # never sees these levels and cannot estimate u: declare it instead
            # (about one pair in 10^8 by chance; one digit off about one in 10^6).
            # m is learned: a relative's SSN keyed on the record makes "else" an
            # ordinary disagreement, not a veto.
            cll.ExactMatchLevel("ssn").configure(
                u_probability=1e-8, fix_u_probability=True
            ),
            _within_edits("ssn", 1).configure(
                u_probability=1e-6, fix_u_probability=True
            ),
            cll.ElseLevel(),
        ],
    )


def _place() -> cl.CustomComparison:
    """Where they live, as one comparison: the address line, the ZIP and the city
    say the same thing at three grains, and three comparisons would count one
    household three times."""
    return cl.CustomComparison(
        output_column_name="place",
        comparison_levels=[
            cll.CustomLevel(
                "((address_l is null and zip_l is null and city_l is null) or "
                "(address_r is null and zip_r is null and city_r is null))"
            ).configure(is_null_level=True),
            cll.CustomLevel(
                "address_l = address_r and zip_l = zip_r",
                label_for_charts="same address and ZIP",
            ),
            cll.JaroWinklerLevel("address", 0.9).configure(
                label_for_charts="address alike (a keying slip)"
            ),
            # random sampling never meets two strangers' addresses with one's words
            # all in the other's (a few in 10^6: as rare as the same address and
            # ZIP, which it nearly is): u declared, a little above that level's
            _SameWords().configure(u_probability=1e-5, fix_u_probability=True),
            cll.CustomLevel("zip_l = zip_r", label_for_charts="same ZIP"),
            cll.CustomLevel("city_l = city_r", label_for_charts="same city"),
            cll.ElseLevel(),
        ],
    )


COMPARISONS = [
    _first_name(),
    _last_name(),
    _dob(),
    _ssn(),
    cl.ExactMatch("middle_initial"),
    cl.ExactMatch("sex"),
    # JR vs SR (or none) on both sides: father and son share every other field
    cl.ExactMatch("name_suffix"),
    _place(),
]


# the first-name and birth-date levels of an exact match, as Splink numbers them
# (levels count down from the top to "else", 0): the relatives' guard reads them
# (matching/links.py)
def _exact_level(comparison: cl.CustomComparison) -> int:
    return (
        comparison.get_comparison("duckdb").comparison_levels[1].comparison_vector_value
    )


FIRST_NAME_EXACT = _exact_level(_first_name())
DOB_EXACT = _exact_level(_dob())
# the first-name level "one's first name is the other's middle name", as Splink
# numbers it: the relatives' guard reads it (matching/links.py)
FIRST_NAME_IS_MIDDLE = next(
    level.comparison_vector_value
    for level in _first_name().get_comparison("duckdb").comparison_levels
    if level.label_for_charts == FIRST_NAME_IS_MIDDLE_LABEL
)
# each comparison (in COMPARISONS' order) and the input columns it can use: one
# with none of them filled on either side cannot be estimated or tell anyone
# apart, so training leaves it out
COMPARISON_COLUMNS = {
    "first_name": ("first_name",),
    "last_name": ("last_name",),
    "dob": ("dob",),
    "ssn": ("ssn",),
    "middle_initial": ("middle_initial",),
    "sex": ("sex",),
    "name_suffix": ("name_suffix",),
    "place": ("address", "zip", "city"),
}

# Blocking: each rule is one way a true pair still agrees exactly when up to two
# fields are wrong. The counts of comparisons each adds, and the share of true
# pairs they reach on every benchmark set, are in docs/benchmarks.md. Birth date
# alone made blocks that grow with the square of the population (a state has 3x a
# county's people per birth date, 9x the pairs); an initial or a ZIP beside it
# keeps them small.
FIRST_INITIAL = 'substr(l."first_name", 1, 1) = substr(r."first_name", 1, 1)'
LAST_INITIAL = 'substr(l."last_name", 1, 1) = substr(r."last_name", 1, 1)'
FIRST_TWO_LETTERS = 'substr(l."first_name", 1, 2) = substr(r."first_name", 1, 2)'
LAST_TWO_LETTERS = 'substr(l."last_name", 1, 2) = substr(r."last_name", 1, 2)'
# Keys that are names alone (a full name, a name's sound with the ZIP or the birth
# month) also grew with the square of the records, 11 of a state month's 13.7
# million comparisons: they keep only the pairs whose birth dates could still be
# one date keyed twice (either blank, the same year, or the same day and month:
# a slip changes one or the other) or that share a place. A date so different
# and a place so different leave a pair the fields alone never link; the family
# pass still scores it when another link joins the two families. Measured: 5.5
# million comparisons for a state month instead of 13.7; on the county months links
# unchanged at usual noise, 3 true links fewer in ~47,000 at raised noise
# (docs/benchmarks.md).
DATE_MISSING = '(l."dob" is null or r."dob" is null)'
DATES_MAY_AGREE = (
    f'{DATE_MISSING} or l."birth_year" = r."birth_year"'
    ' or substr(l."dob", 6) = substr(r."dob", 6)'
)
SAME_HOUSE_NUMBER = (
    "split_part(l.\"address\", ' ', 1) = split_part(r.\"address\", ' ', 1)"
)
# the street's name without its number ("1200 MAIN" -> "MAIN"): a house number
# keyed wrong or a move along the same street
SAME_STREET_NAME = "split_part(l.\"street\", ' ', 2) = split_part(r.\"street\", ' ', 2)"
BLOCKING_RULES = [
    block_on("ssn"),
    f'l."dob" = r."dob" and {FIRST_INITIAL}',
    f'l."dob" = r."dob" and {LAST_INITIAL}',
    # birth date wrong or missing: the full name
    'l."first_name" = r."first_name" and l."last_name_1" = r."last_name_1"'
    f' and ({DATES_MAY_AGREE} or l."zip" = r."zip" or l."city" = r."city")',
    f"l.dob_swapped = r.dob and ({FIRST_INITIAL} or {LAST_INITIAL})",
    # both names wrong or swapped: birth date and where they live
    block_on("dob", "zip"),
    # birth date wrong: names that sound alike, with the year (the sounds alone
    # grew with the square of the records: 0.8 million comparisons for a county
    # month, 6.7 million for a state)
    block_on("first_name_phonetic", "last_name_phonetic", "birth_year"),
    # one name replaced or missing and the other misspelled: its sound and the ZIP,
    # with something more that one person's two records share (the same house
    # number: the street's name is what gets misspelled; the same street; the other
    # name's initial: that name misspelled, the birth date wrong)
    'l."first_name_phonetic" = r."first_name_phonetic" and l."zip" = r."zip"'
    f" and ({DATES_MAY_AGREE} or {SAME_HOUSE_NUMBER} or {SAME_STREET_NAME}"
    f" or {LAST_INITIAL})",
    'l."last_name_phonetic" = r."last_name_phonetic" and l."zip" = r."zip"'
    f" and ({DATES_MAY_AGREE} or {SAME_HOUSE_NUMBER} or {SAME_STREET_NAME}"
    f" or {FIRST_INITIAL})",
    # the ZIP keyed wrong too (two digits swapped): the city, with the house number
    # and either name's sound or, when a birth date is missing, one name's sound
    # and the other's first two letters (a name's sound and a city alone join 8
    # million pairs of a county month; with an initial instead of two letters the
    # missing-date keys added 200,000 comparisons to a state month, 9 times a
    # county's). The house-number key is one rule for both names' sounds: each
    # rule held ~0.1 GiB more of a state month's slice while it was scored.
    f'l."city" = r."city" and {SAME_HOUSE_NUMBER} and (l."first_name_phonetic"'
    ' = r."first_name_phonetic" or l."last_name_phonetic" = r."last_name_phonetic")',
    'l."first_name_phonetic" = r."first_name_phonetic" and l."city" = r."city"'
    f" and {LAST_TWO_LETTERS} and {DATE_MISSING}",
    'l."last_name_phonetic" = r."last_name_phonetic" and l."city" = r."city"'
    f" and {FIRST_TWO_LETTERS} and {DATE_MISSING}",
    # names and birth date wrong, or missing: the same home (household-sized blocks)
    block_on("address"),
    # the same building with the address keyed differently (a unit, the words'
    # order, a misspelled word after the street name) and names or birth date wrong
    block_on("street", "city"),
    'l."first_name" = r."last_name" and l."last_name" = r."first_name"',
    # names in each other's fields, one of them also misspelled or replaced: the
    # crossed name with the ZIP or the birth date (four equi-joins: an `or` inside
    # one rule would compare every pair)
    'l."first_name" = r."last_name" and l."zip" = r."zip"',
    'l."last_name" = r."first_name" and l."zip" = r."zip"',
    'l."first_name" = r."last_name" and l."dob" = r."dob"',
    'l."last_name" = r."first_name" and l."dob" = r."dob"',
    # a first name and a birth date slip at once (nickname, day keyed a day off):
    # the surname's sound and the year and month of birth, in one place or with
    # the first initial
    'l."last_name_phonetic" = r."last_name_phonetic" and l."birth_month" = r."birth_month"'
    f' and (l."zip" = r."zip" or l."city" = r."city" or {FIRST_INITIAL})',
]
# Measured and left out (docs/benchmarks.md): first name's sound + birth month
# (386,523 comparisons on a county month for 26 true pairs no other rule
# reaches), surname + ZIP (153,231 for none), first name + birth year (2.5
# million for 24).

# Levels every pair of which has one record's first name in the other's surname
# field. Strangers land there too rarely for random sampling to see, yet a month's
# two files can be counted whole for them through these two equi-joins
# (matching.model counts them in training; their declared u is the prior).
CROSSED_NAME_LEVELS = (
    "first and last names swapped",
    "names swapped, one of them altered",
)
CROSSED_NAME_JOINS = (
    'l."first_name" = r."last_name"',
    'l."last_name" = r."first_name"',
)

# rules that pick out near-certain matches, to estimate how often two random
# records are the same person; training uses those the inputs can answer
DETERMINISTIC_RULES = [
    ("ssn", "birth_year"),
    ("first_name", "last_name", "dob"),
    ("first_name", "last_name", "zip", "address"),
]
# EM passes (the columns each blocks on), in order of preference; training takes
# each that the inputs carry with enough pairs, until every comparison has been
# estimated by one of them. Pairs that share an SSN are nearly all true, so that
# pass learns names and birth dates cleanly; blocking on a surname alone lets EM
# take family members (same surname and address) for matches.
TRAINING_BLOCKS = [
    ("ssn",),
    ("dob",),
    ("first_name", "last_name"),
    ("first_name", "zip"),
    ("last_name", "zip"),
    ("zip", "address"),
]
# every column a comparison's levels read: a pass blocked on any of them cannot
# estimate that comparison (Splink fixes it for the pass)
COMPARISON_READS = {
    **{name: cols for name, cols in COMPARISON_COLUMNS.items()},
    "first_name": (
        "first_name",
        "last_name",
        "first_name_forms",
        "first_name_variants",
        "first_name_variant_initials",
        "first_name_phonetic",
        "first_name_is_given",
        "last_name_forms",
        "middle_name",
    ),
    "last_name": ("last_name", "first_name", "surname_parts", "last_name_phonetic"),
    "dob": ("dob", "dob_swapped", "birth_year"),
    "place": ("address", "zip", "city", "address_words"),
}


def settings(
    link_type: str = "link_only", columns: set[str] | None = None
) -> SettingsCreator:
    """CalWORKs <-> CWS. Linking, not deduplicating within a system: a person's
    two ids in one system join through their shared counterpart in the other
    (matching/keys.py), and within-system pairs (parents and children, who share
    surname and address) are what misled the model's training. `columns`: the
    input columns that carry values (default all); comparisons of others are left out."""
    comparisons = [
        c
        for c, name in zip(COMPARISONS, COMPARISON_COLUMNS, strict=True)
        if columns is None or set(COMPARISON_COLUMNS[name]) & columns
    ]
    return SettingsCreator(
        link_type=link_type,
        comparisons=comparisons,
        blocking_rules_to_generate_predictions=BLOCKING_RULES,
        retain_intermediate_calculation_columns=False,
        retain_matching_columns=True,
    )
