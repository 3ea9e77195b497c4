"""`linkages link` and training on inputs whose fields are empty, odd or broken:
every shape runs and gives the expected pairs, or stops with one line naming
the file and the problem (exit 2), never a traceback."""

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from matching.model import MIN_RECORDS_TO_TRAIN, train, training_plan, u_less_matches
from matching.standardize import PERSON_COLUMNS, standardize, standardize_table
from orchestration.cli import main

COLUMNS = PERSON_COLUMNS  # the columns `linkages link` reads


def _link(
    tmp_path, left: pd.DataFrame, right: pd.DataFrame, *extra: str
) -> tuple[int, pd.DataFrame | None]:
    left.to_csv(tmp_path / "l.csv", index=False)
    right.to_csv(tmp_path / "r.csv", index=False)
    out = tmp_path / "p.csv"
    code = main(
        [
            "link",
            str(tmp_path / "l.csv"),
            str(tmp_path / "r.csv"),
            "--out",
            str(out),
            *extra,
        ]
    )
    return code, (pd.read_csv(out, dtype=str) if code == 0 else None)


def _matches(pairs: pd.DataFrame) -> set[tuple[str, str]]:
    got = pairs.loc[pairs["is_match"] == "true"]
    return set(zip(got["left_record_id"], got["right_record_id"], strict=True))


# the hook's first-user case: blank names, no SSN anywhere, a right file with
# only four columns; Maria's dates are a day/month swap, JOSE has no surname
def test_blank_fields_and_no_ssn_run(tmp_path):
    left = pd.DataFrame(
        [
            (
                "1",
                "Maria",
                "",
                "Lopez",
                "1990-02-03",
                "F",
                "",
                "1 Main St",
                "Fresno",
                "93701",
            ),
            ("2", "", "", "Nguyen", "", "", "", "", "", ""),
            ("3", "JOSE", "", "", "1985-07-01", "M", "", "", "", ""),
        ],
        columns=COLUMNS,
    )
    right = pd.DataFrame(
        [
            ("a", "Maria", "Lopez Garcia", "1990-03-02"),
            ("b", "Baby Boy", "Nguyen", ""),
            ("c", "Jose", "Ramirez", "1985-07-01"),
        ],
        columns=["record_id", "first_name", "last_name", "date_of_birth"],
    )
    code, pairs = _link(tmp_path, left, right)
    assert code == 0
    assert list(pairs.columns) == [
        "left_record_id",
        "right_record_id",
        "match_probability",
        "is_match",
    ]
    # a placeholder first name is no evidence: "Baby Boy" Nguyen is not record 2 on surname alone
    assert ("2", "b") not in _matches(pairs)


@pytest.mark.parametrize(
    "empty",
    [
        "ssn",
        "date_of_birth",
        "first_name",
        "last_name",
        "sex",
        "address_line1",
        "middle_name",
        "zip",
        "city",
    ],
)
def test_any_one_field_empty_on_both_sides_runs(tmp_path, empty):
    left, right = _population(60, seed=3)
    left[empty], right[empty] = None, None
    code, pairs = _link(tmp_path, left, right)
    assert code == 0, empty
    assert pairs["match_probability"].astype(float).between(0, 1).all()


def test_a_column_missing_from_the_file_is_empty(tmp_path):
    left, right = _population(40, seed=4)
    code, pairs = _link(
        tmp_path,
        left.drop(columns=["ssn", "sex", "city"]),
        right[["record_id", "first_name", "last_name", "date_of_birth"]],
    )
    assert code == 0 and len(pairs) > 0


def test_columns_it_does_not_read_are_named_with_those_read_as_empty(tmp_path, capsys):
    # the birth date as `dob` and the sex as `gender`: read as empty, said so
    left, right = _population(40, seed=4)
    left = left.rename(columns={"date_of_birth": "dob", "sex": "gender"})
    code, _ = _link(tmp_path, left, right)
    out = capsys.readouterr().out
    assert code == 0
    assert (
        f"{tmp_path / 'l.csv'}: columns not read: dob, gender (read as empty:"
        " date_of_birth, sex)"
    ) in out
    assert "r.csv: columns not read" not in out


def test_names_in_any_case_with_accents_apostrophes_and_spaces_link(tmp_path):
    left = pd.DataFrame(
        [
            ("L1", "  josé ", "", "o'brien-nuñez", "1979-11-23", "m", "", "", "", ""),
            (
                "L2",
                "MARÍA  DEL CARMEN",
                "",
                "DE LA CRUZ",
                "1988-01-30",
                "F",
                "",
                "",
                "",
                "",
            ),
        ],
        columns=COLUMNS,
    )
    right = pd.DataFrame(
        [
            ("R1", "Jose", "", "OBrien Nunez", "1979-11-23", "M", "", "", "", ""),
            ("R2", "maria del carmen", "", "Cruz", "1988-01-30", "f", "", "", "", ""),
        ],
        columns=COLUMNS,
    )
    code, pairs = _link(tmp_path, left, right)
    assert code == 0
    assert {("L1", "R1"), ("L2", "R2")} <= set(
        zip(pairs["left_record_id"], pairs["right_record_id"], strict=True)
    )


def test_ids_of_any_length_keep_their_leading_zeros(tmp_path):
    left = pd.DataFrame(
        [
            (
                "000000000000000000000000000017",
                "ANA",
                "",
                "TORRES",
                "1991-02-14",
                "F",
                "",
                "",
                "",
                "",
            )
        ],
        columns=COLUMNS,
    )
    right = pd.DataFrame(
        [("7", "Ana", "", "Torres", "1991-02-14", "F", "", "", "", "")], columns=COLUMNS
    )
    code, pairs = _link(tmp_path, left, right)
    assert code == 0 and pairs["left_record_id"].tolist() == [
        "000000000000000000000000000017"
    ]


@pytest.mark.parametrize(
    "content, problem",
    [
        (b"first_name,last_name\nA,B\n", "required column missing: record_id"),
        (b"record_id,first_name\n1,A\n,B\n", "row 3: record_id is empty"),
        (
            b"record_id,first_name\n1,A\n1,B\n",
            "row 3: record_id repeats an earlier row",
        ),
        (b"record_id,first_name\n", "no records"),
        (b"", "empty (no header row)"),
        (
            b"record_id,first_name\n1,A\n2,Jos\xe9\n",  # Windows' own encoding
            "line 3: not UTF-8 text (a spreadsheet saves it as such with the format"
            ' "CSV UTF-8")',
        ),
        (
            b"record_id;first_name;last_name\n1;A;B\n",
            "the header is one column holding semicolons: fields must be separated"
            " by commas",
        ),
        (b"record_id\tfirst_name\n1\tA\n", "the header is one column holding tabs"),
        # the values are not in the message: a birth date is personal data
        (
            b"record_id,date_of_birth\n1,2001-02-03\n2,31.12.1980\n3,12-31-80\n",
            "row 3: date_of_birth is not a birth date as YYYY-MM-DD or MM/DD/YYYY"
            " (2 of 3 values)",
        ),
    ],
)
def test_input_it_cannot_use_is_one_line_naming_the_file(
    tmp_path, capsys, content, problem
):
    (tmp_path / "bad.csv").write_bytes(content)
    pd.DataFrame([("1", "A", "", "B", "", "", "", "", "", "")], columns=COLUMNS).to_csv(
        tmp_path / "ok.csv", index=False
    )
    code = main(
        [
            "link",
            str(tmp_path / "bad.csv"),
            str(tmp_path / "ok.csv"),
            "--out",
            str(tmp_path / "p.csv"),
        ]
    )
    err = capsys.readouterr().err.strip()
    assert code == 2
    assert err == f"{tmp_path / 'bad.csv'}: {problem}" or err.startswith(
        f"{tmp_path / 'bad.csv'}: {problem}"
    )
    assert "\n" not in err and "Traceback" not in err


def test_a_file_not_utf8_whose_bad_line_is_gone_is_still_one_line(
    tmp_path, capsys, monkeypatch
):
    # the file changed between pandas' read and the search for its line
    from orchestration import cli

    monkeypatch.setattr(cli, "_first_line_not_utf8", lambda path: None)
    (tmp_path / "bad.csv").write_bytes(b"record_id,first_name\n1,Jos\xe9\n")
    bad = str(tmp_path / "bad.csv")
    code = main(["link", bad, bad, "--out", str(tmp_path / "p.csv")])
    assert code == 2
    assert capsys.readouterr().err.strip() == (
        f"{tmp_path / 'bad.csv'}: not UTF-8 text (a spreadsheet saves it as such"
        ' with the format "CSV UTF-8")'
    )


def test_a_model_file_that_is_not_a_model_is_refused(tmp_path, capsys):
    left, right = _population(5, seed=1)
    (tmp_path / "m.json").write_text("{not json")
    code, _ = _link(tmp_path, left, right, "--model", str(tmp_path / "m.json"))
    assert code == 2 and "not a model file" in capsys.readouterr().err


def test_missing_values_are_none_never_nan_with_pandas_string_dtype():
    df = pd.DataFrame(
        {
            "record_id": ["1", "2"],
            "first_name": ["Ana", np.nan],
            "last_name": [None, "Lee"],
            "ssn": [np.nan, "521-44-1234"],
            "date_of_birth": ["1990-01-02", np.nan],
        },
        dtype="str",
    )
    out = standardize(df, "x")
    cells = [v for col in out.columns for v in out[col].tolist()]
    assert not any(isinstance(v, float) for v in cells)
    assert out["last_name"].tolist() == [None, "LEE"] and out["ssn"].tolist() == [
        None,
        "521441234",
    ]


def test_the_arrow_form_holds_what_standardize_holds():
    """link_month reads standardize_table: the same cells, None as Arrow's null, each
    list as a list of text, the given-name flag as a boolean."""
    df = pd.DataFrame(
        {
            "record_id": ["1", "2", "3", "4"],
            "first_name": ["José", np.nan, "JOSE", "Lee"],
            "last_name": ["de la Cruz-Lopez", "O'Brien Jr", None, "Ana"],
            "middle_name": [None, "marie", None, None],
            "date_of_birth": ["1990-01-02", "1990-13-40", np.nan, "1990-01-02"],
            "ssn": ["521-44-1234", None, "000-00-0000", None],
            "address_line1": ["12 N Main St", None, "12 north main street", None],
        },
        dtype="str",
    )
    frame = standardize(df, "x")
    table = standardize_table(df, "x")
    assert table.column_names == list(frame.columns)
    assert table.to_pylist() == frame.to_dict("records")
    assert table.schema.field("first_name_is_given").type == pa.bool_()
    assert table.schema.field("surname_parts").type == pa.list_(pa.string())
    assert table.column("surname_parts").to_pylist()[0] == ["CRUZ", "LOPEZ"]
    assert table.column("name_suffix").to_pylist() == [None, "JR", None, None]


# -- training adapts to what the files carry ----------------------------------------

FIRST = [
    "MARIA",
    "JOSE",
    "ANA",
    "LUIS",
    "ROSA",
    "CARLOS",
    "ELENA",
    "JUAN",
    "SOFIA",
    "MIGUEL",
    "LUCIA",
    "PEDRO",
    "CARMEN",
    "JORGE",
    "ISABEL",
    "DIEGO",
    "PAULA",
    "MARIO",
    "LAURA",
    "RAUL",
]
LAST = [
    "GARCIA",
    "LOPEZ",
    "NGUYEN",
    "SMITH",
    "KIM",
    "TORRES",
    "RIVERA",
    "CHEN",
    "JOHNSON",
    "REYES",
    "CRUZ",
    "MORALES",
    "ORTIZ",
    "PATEL",
    "WONG",
    "DIAZ",
    "FLORES",
    "LEE",
    "BROWN",
    "SANCHEZ",
    "RAMOS",
    "CASTRO",
]


def _population(n: int, seed: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """n people on the left, the same n on the right with ids R<i> (truth: L<i> =
    R<i>), a typo in one right-side surname of every ten."""
    rng = np.random.default_rng(seed)
    dob = pd.Timestamp("1950-01-01") + pd.to_timedelta(
        rng.integers(0, 25_000, n), unit="D"
    )
    left = pd.DataFrame(
        {
            "record_id": [f"L{i}" for i in range(n)],
            "first_name": rng.choice(FIRST, n),
            "middle_name": "",
            "last_name": rng.choice(LAST, n),
            "date_of_birth": dob.strftime("%Y-%m-%d"),
            "sex": rng.choice(["M", "F"], n),
            "ssn": [
                f"{rng.integers(100, 665)}{rng.integers(10, 99)}{rng.integers(1000, 9999)}"
                for _ in range(n)
            ],
            "address_line1": [f"{rng.integers(1, 9999)} MAIN ST" for _ in range(n)],
            "city": "FRESNO",
            "zip": rng.choice(["93701", "93702", "93703", "93704"], n),
        }
    )
    right = left.copy()
    right["record_id"] = [f"R{i}" for i in range(n)]
    typo = np.arange(n) % 10 == 0
    right.loc[typo, "last_name"] = right.loc[typo, "last_name"].str[:-1] + "X"
    return left, right


def _frames(left: pd.DataFrame, right: pd.DataFrame) -> dict:
    return {
        "left_file": standardize(left, "left_file"),
        "right_file": standardize(right, "right_file"),
    }


def test_training_without_any_ssn_uses_no_ssn_pass_and_links(tmp_path):
    left, right = _population(MIN_RECORDS_TO_TRAIN + 600, seed=11)
    left["ssn"], right["ssn"] = None, None
    plan = training_plan(_frames(left, right))
    assert ("ssn",) not in plan["passes"] and "ssn" not in plan["comparisons"]
    assert ("dob",) in plan["passes"]
    code, pairs = _link(tmp_path, left, right)
    assert code == 0
    found = _matches(pairs)
    truth = {(f"L{i}", f"R{i}") for i in range(len(left))}
    assert len(found & truth) >= 0.95 * len(truth)
    assert len(found - truth) <= 0.01 * len(truth)


def test_training_without_birth_dates_blocks_on_names(tmp_path):
    left, right = _population(MIN_RECORDS_TO_TRAIN + 600, seed=12)
    left["date_of_birth"], right["date_of_birth"] = None, None
    plan = training_plan(_frames(left, right))
    assert "dob" not in plan["comparisons"] and all(
        "dob" not in p for p in plan["passes"]
    )
    assert plan["passes"] and plan["deterministic"]
    model = train(_frames(left, right))
    assert {c["output_column_name"] for c in model["comparisons"]} >= {
        "first_name",
        "last_name",
        "ssn",
    }


def test_training_with_ssn_on_one_side_only_leaves_ssn_out():
    left, right = _population(MIN_RECORDS_TO_TRAIN + 50, seed=13)
    right["ssn"] = None
    plan = training_plan(_frames(left, right))
    assert "ssn" not in plan["comparisons"] and ("ssn",) not in plan["passes"]


def test_without_the_relatives_guard_the_threshold_alone_decides(tmp_path):
    # twins: same surname, birth date and ZIP; first names wholly different
    left = pd.DataFrame(
        [
            (
                "L1",
                "MARIA",
                "",
                "NGUYEN",
                "2015-05-05",
                "F",
                "",
                "1 ELM ST",
                "FRESNO",
                "91731",
            )
        ],
        columns=COLUMNS,
    )
    right = pd.DataFrame(
        [
            (
                "R1",
                "Anh",
                "",
                "Nguyen",
                "2015-05-05",
                "F",
                "",
                "1 Elm St",
                "Fresno",
                "91731",
            )
        ],
        columns=COLUMNS,
    )
    code, guarded = _link(tmp_path, left, right, "--threshold", "0.5")
    assert code == 0 and _matches(guarded) == set()
    code, unguarded = _link(
        tmp_path, left, right, "--threshold", "0.5", "--no-relatives-guard"
    )
    assert code == 0
    above = unguarded.loc[unguarded["match_probability"].astype(float) >= 0.5]
    assert len(above) == 1 and _matches(unguarded) == {("L1", "R1")}


def _family_file(n_people: int, relatives: int) -> pd.DataFrame:
    """n_people unrelated records, then `relatives` of them given a relative-like
    record: same surname and address, another first name and birth date."""
    left, _ = _population(n_people, seed=21)
    kin = left.iloc[:relatives].copy()
    kin["record_id"] = [f"K{i}" for i in range(relatives)]
    kin["first_name"] = "ZEBEDEE"
    kin["date_of_birth"] = "2019-01-01"
    return pd.concat([left, kin], ignore_index=True)


def test_family_share_counts_records_with_a_relative_in_their_own_file():
    from matching.links import family_share

    # 300 strangers + 10 relatives: 10 pairs, 20 records of 310 have a relative
    assert family_share(standardize(_family_file(300, 10), "x")) == pytest.approx(
        20 / 310
    )
    # a duplicate (same first name, or same birth date) is not a relative
    dup = _family_file(300, 0)
    twin_like = dup.iloc[:10].copy()
    twin_like["record_id"] = [f"D{i}" for i in range(10)]
    twin_like["first_name"] = "ZEBEDEE"  # same birth date: a duplicate or a twin
    same = pd.concat([dup, twin_like], ignore_index=True)
    assert family_share(standardize(same, "x")) == 0.0


def test_the_guard_is_on_when_a_file_holds_families_and_off_for_registers():
    from matching.links import holds_families

    strangers, _ = _population(300, seed=22)
    register = {"a": standardize(strangers, "a"), "b": standardize(strangers, "b")}
    assert not holds_families(register)
    # 10 relatives of 310 records: 6% with a relative beside them, above 2%
    families = dict(register, b=standardize(_family_file(300, 10), "b"))
    assert holds_families(families)
    # one relative pair in 301 records (0.7%) is not a file of families
    assert not holds_families(dict(register, b=standardize(_family_file(300, 1), "b")))
    # too small to tell: the guard stays on
    assert holds_families({"a": register["a"].head(50), "b": register["b"].head(50)})


def test_auto_guard_links_a_replaced_first_name_between_registers(tmp_path, capsys):
    # two registers of unrelated people; one right record's first name replaced
    left, right = _population(MIN_RECORDS_TO_TRAIN + 100, seed=23)
    right.loc[5, "first_name"] = "ZEBEDEE"
    code, auto = _link(tmp_path, left, right)
    assert code == 0 and "relatives' guard: off" in capsys.readouterr().out
    code, on = _link(tmp_path, left, right, "--relatives-guard", "on")
    assert code == 0 and "relatives' guard: on" in capsys.readouterr().out
    assert ("L5", "R5") in _matches(auto) and ("L5", "R5") not in _matches(on)


def test_small_files_train_on_passes_of_a_few_hundred_pairs():
    # 250 a side: a birth-date pass has about 250 pairs, fewer than the 500 once
    # asked for, and still estimates every comparison
    left, right = _population(250, seed=24)
    plan = training_plan(_frames(left, right))
    assert ("dob",) in plan["passes"] and plan["not_estimated"] == []


def test_a_relationship_for_a_first_name_is_missing_but_kept_as_a_surname():
    df = pd.DataFrame(
        {
            "record_id": ["1", "2", "3", "4"],
            "first_name": ["Dad", "Son of", "hija", "Maria"],
            "last_name": ["Son", "Minor", "Child", "Dad"],
        }
    )
    out = standardize(df, "x")
    assert out["first_name"].tolist() == [None, None, None, "MARIA"]
    assert out["last_name"].tolist() == ["SON", "MINOR", "CHILD", "DAD"]


def test_a_first_name_is_given_when_the_file_has_it_more_often_as_a_first_name():
    # NAVARRO once as a first name (a record keyed the wrong way round), three times as
    # a surname: not a given name in this file; MARIA, JOSEFINA are; a blank one is not
    df = pd.DataFrame(
        {
            "record_id": ["1", "2", "3", "4", "5"],
            "first_name": ["Navarro", "Maria", "Jessica", "Josefina", None],
            "last_name": ["Daniela", "Navarro", "Navarro", "Ochoa", "Navarro"],
        }
    )
    out = standardize(df, "x")
    assert out["first_name_is_given"].tolist() == [False, True, True, True, False]


def test_a_generic_word_for_a_person_is_no_first_name():
    # a form filled with "WOMAN" names nobody, as "MALE" does; Man and Lady are
    # given names (Man Nguyen), and any of them may be a surname
    df = pd.DataFrame(
        {
            "record_id": ["1", "2", "3", "4"],
            "first_name": ["Woman", "male", "Man", "Lady"],
            "last_name": ["Man", "Lady", "Woman", "Nguyen"],
        }
    )
    out = standardize(df, "x")
    assert out["first_name"].tolist() == [None, None, "MAN", "LADY"]
    assert out["last_name"].tolist() == ["MAN", "LADY", "WOMAN", "NGUYEN"]


def test_a_description_in_place_of_a_first_name_is_missing():
    # words that only describe someone, alone or together, and any phrase with OF;
    # a real name among them, or MAN / LADY alone, stays a name
    names = [
        "Adult Male",  # both describing words: missing
        "Friend",
        "Oldest",
        "Lady Of The",  # OF: a description, though LADY alone is a name
        "man of the hous",
        "Gentleman Of",
        "Head of Household",
        "Inmate",
        "Maria Friend",  # MARIA is a name: kept
        "Man",
        "Lady",
        "Theodore",  # THE inside a word is no word
    ]
    df = pd.DataFrame(
        {
            "record_id": [str(i) for i in range(len(names))],
            "first_name": names,
            "last_name": "Nguyen",
        }
    )
    out = standardize(df, "x")
    assert out["first_name"].tolist() == [None] * 8 + [
        "MARIA FRIEND",
        "MAN",
        "LADY",
        "THEODORE",
    ]


def test_birth_dates_as_a_us_spreadsheet_saves_them_read_as_iso_ones():
    df = pd.DataFrame(
        {
            "record_id": [str(i) for i in range(11)],
            "date_of_birth": [
                "1/31/1980",  # Excel's m/d/yyyy
                "01/02/2003",  # month first: January 2nd
                "12/31/1999 12:00:00 AM",  # with the time a spreadsheet adds
                "1980-01-31 00:00:00",
                "02/30/1990",  # no such day
                "1/31/80",  # which century: missing
                "31/01/1980",  # day first: no 31st month
                "01-02-2003",  # month first with dashes
                "2003/01/02",  # year first with slashes
                "2003-1-2",  # year first, not padded
                "1980/31/01",  # year first, then the day: no 31st month
            ],
        }
    )
    assert standardize(df, "x")["dob"].tolist() == [
        "1980-01-31",
        "2003-01-02",
        "1999-12-31",
        "1980-01-31",
        None,
        None,
        None,
        "2003-01-02",
        "2003-01-02",
        "2003-01-02",
        None,
    ]


def test_a_few_unreadable_birth_dates_are_counted_by_row_and_missing(tmp_path, capsys):
    left, right = _population(5, seed=1)
    left.loc[[1, 3], "date_of_birth"] = ["31.12.1980", "unknown"]
    code, pairs = _link(tmp_path, left, right)
    out = capsys.readouterr().out
    assert code == 0
    assert (
        f"{tmp_path / 'l.csv'}: 2 of 5 birth dates are not dates (rows 3, 5):"
        " read as missing"
    ) in out
    assert "31.12.1980" not in out and "unknown" not in out
    linked = len(_matches(pairs))
    assert (
        f"{len(pairs):,} candidate pairs at or above 0.5 -> {tmp_path / 'p.csv'}:"
        f" {linked:,} linked (is_match), {len(pairs) - linked:,} for review"
    ) in out
    # the other three people link on their dates as before
    assert {("L0", "R0"), ("L2", "R2"), ("L4", "R4")} <= _matches(pairs)


def test_sex_written_as_a_word_is_the_letter():
    df = pd.DataFrame(
        {
            "record_id": [str(i) for i in range(8)],
            "sex": ["Male", "FEMALE", " female ", "m", "F", "X", "U", "Unknown"],
        }
    )
    assert standardize(df, "x")["sex"].tolist() == [
        *("M", "F", "F", "M", "F"),
        *(None, None, None),
    ]


def test_an_impossible_birth_year_is_missing():
    df = pd.DataFrame(
        {
            "record_id": ["1", "2", "3", "4"],
            "date_of_birth": ["6001-12-02", "1066-10-14", "2001-12-02", "1880-01-01"],
        }
    )
    out = standardize(df, "x")
    assert out["dob"].tolist() == [None, None, "2001-12-02", "1880-01-01"]
    assert out["birth_year"].tolist() == [None, None, "2001", "1880"]


def test_birth_dates_that_stand_in_for_an_unknown_one_are_missing():
    # 1985: 30 records on March 3rd and one on each of 30 April days -- an average
    # day of 1985 holds 60 / 365.25 = 0.16 records, and 30 >= 20 and >= 50 x 0.16:
    # a stand-in. 1990: 30 on New Year's Day among 300, an average day 0.82, and 30
    # < 50 x 0.82 = 41: real birthdays (refugees given January 1st). 1975: 19 on one
    # day, under 20 records: kept. The first day of 1900, however written: always.
    dates = (
        ["1900-01-01", "01/01/1900", "1901-01-01"]
        + ["1985-03-03"] * 30
        + [f"1985-04-{day:02d}" for day in range(1, 31)]
        + ["1990-01-01"] * 30
        + [
            f"1990-{month:02d}-{day:02d}"
            for month in range(2, 12)
            for day in range(1, 28)
        ]
        + ["1975-06-15"] * 19
    )
    df = pd.DataFrame(
        {"record_id": [str(i) for i in range(len(dates))], "date_of_birth": dates}
    )
    out = standardize(df, "x")
    stand_in = [0, 1, 2, *range(3, 33)]
    assert (
        out.loc[stand_in, ["dob", "dob_swapped", "birth_year", "birth_month"]]
        .isna()
        .all()
        .all()
    )
    assert out["dob"].drop(index=stand_in).notna().all()
    assert (out["dob"] == "1990-01-01").sum() == 30
    assert (out["dob"] == "1975-06-15").sum() == 19
    assert out.index[out["birth_date_stand_in"].astype(bool)].tolist() == stand_in


def test_ssns_that_stand_in_for_an_unknown_one_are_missing():
    # one digit nine times and the voided sample-card numbers: always, however
    # written. 521441234 on 20 records (19 without dashes, one with): a stand-in;
    # 521441235 on 19: kept -- a relative's SSN keyed on a few of a family's
    # records stays an SSN
    ssns = (
        ["888888888", "888-88-8888", "078-05-1120", "219099999"]
        + ["521441234"] * 19
        + ["521-44-1234"]
        + ["521441235"] * 19
        + ["521441236", ""]
    )
    df = pd.DataFrame({"record_id": [str(i) for i in range(len(ssns))], "ssn": ssns})
    out = standardize(df, "x")
    stand_in = list(range(24))
    assert out.loc[stand_in, "ssn"].isna().all()
    assert out["ssn"].iloc[24:].tolist() == ["521441235"] * 19 + ["521441236", None]
    assert out.index[out["ssn_stand_in"].astype(bool)].tolist() == stand_in


def _ssns_of(ssns: list[str]) -> list[str | None]:
    df = pd.DataFrame({"record_id": [str(i) for i in range(len(ssns))], "ssn": ssns})
    return standardize(df, "x")["ssn"].tolist()


def test_ssns_that_lost_their_leading_zeros_in_a_spreadsheet_get_them_back():
    # 2 of 4 SSNs short and none of 9 digits begins with 0: the zeros were lost
    lost = ["12345678", "1234567", "521441234", "521-44-1235"]
    assert _ssns_of(lost) == ["012345678", "001234567", "521441234", "521441235"]
    # one SSN of 9 digits begins with 0: the file kept its zeros, and a short SSN
    # is a slip
    kept = [*lost, "012345679"]
    assert _ssns_of(kept) == [None, None, "521441234", "521441235", "012345679"]
    # 1 short SSN of 101, under 1%: a slip too
    many = ["12345678"] + [f"52144{i:04d}" for i in range(1000, 1100)]
    assert _ssns_of(many)[0] is None
    assert _ssns_of(many)[1:] == many[1:]


@pytest.mark.parametrize(
    "stand_ins, written, words",
    [
        # two men named JOSE GARCIA in one ZIP, each keyed with 01/01/1900 for a
        # birth date nobody knew: as a date it agreed, and they linked at 0.999
        ({"date_of_birth": "1900-01-01"}, "01/01/1900", "birth dates"),
        # ... with no birth date, each keyed with 888-88-8888 where the SSN was
        # required: as an SSN it agreed, and they linked at 1.0
        ({"date_of_birth": "", "ssn": "888888888"}, "888-88-8888", "SSNs"),
    ],
)
def test_namesakes_keyed_with_a_stand_in_are_not_linked(
    tmp_path, capsys, stand_ins, written, words
):
    left, right = _population(5, seed=1)
    jose = {
        "first_name": "JOSE",
        "middle_name": "",
        "last_name": "GARCIA",
        "sex": "M",
        "ssn": "",
        "city": "FRESNO",
        "zip": "93701",
        **stand_ins,
    }
    field = list(stand_ins)[-1]
    left.loc[5] = {**jose, "record_id": "L5", "address_line1": "12 ELM ST"}
    right.loc[5] = {
        **jose,
        "record_id": "R5",
        "address_line1": "940 OAK AVE",
        field: written,
    }
    code, pairs = _link(tmp_path, left, right)
    out = capsys.readouterr().out
    assert code == 0
    for side in ("l", "r"):
        assert (
            f"{tmp_path / f'{side}.csv'}: 1 of 6 {words} stand in for an unknown one"
            " (rows 7): read as missing"
        ) in out
    assert written not in out and stand_ins[field] not in out and "JOSE" not in out
    assert ("L5", "R5") not in _matches(pairs)
    assert {(f"L{i}", f"R{i}") for i in range(5)} <= _matches(pairs)


@pytest.mark.parametrize(
    "a, b, same",
    [
        ("PACO", "FRANCISCO", True),  # a Spanish diminutive
        ("CHUY", "JESUS", True),
        ("PACO", "FRANK", True),  # FRANCISCO is FRANCIS, and FRANK is FRANCIS's
        ("JUAN", "JOHN", True),  # one name in two languages
        ("BETO", "ROBERTO", True),
        ("BETO", "ALBERTO", True),  # a diminutive of two names ...
        ("ROBERTO", "ALBERTO", False),  # ... does not make them one name
        ("MARIA", "MARTHA", False),
    ],
)
def test_spanish_diminutives_and_english_forms_share_a_name(a, b, same):
    from matching.standardize import nickname_forms

    forms = nickname_forms()
    assert bool(forms.get(a, {a}) & forms.get(b, {b})) == same


def test_name_variants_are_the_formal_names_and_their_nicknames():
    from matching.standardize import name_variants

    # ANDREA's nicknames; ANDY stands for ANDREA and ANDREW, and brings theirs
    assert {"ANDY", "ANDI", "DREA"} <= set(name_variants("ANDREA"))
    assert {"ANDREA", "ANDREW", "DREW"} <= set(name_variants("ANDY"))
    # under four letters a variant is too close to too many names to compare
    assert all(len(v) >= 4 for v in name_variants("AL"))
    assert "ED" not in (name_variants("EDWARD") or [])
    # a name no data set knows is its own only variant
    assert name_variants("XOCHITL") == ["XOCHITL"]
    assert name_variants("QY") is None  # unknown and too short


def test_standardizing_leaves_the_cycle_collector_as_it_found_it():
    # standardize pauses Python's cycle collector while it builds its columns
    import gc

    frame = pd.DataFrame([["1", "ANA", "", "LOPEZ"]], columns=PERSON_COLUMNS[:4])
    assert gc.isenabled()
    assert standardize(frame, "calworks")["first_name"].tolist() == ["ANA"]
    assert gc.isenabled()
    gc.disable()
    try:
        standardize(frame, "calworks")
        assert not gc.isenabled()
    finally:
        gc.enable()
    with pytest.raises(AttributeError):
        standardize(None, "calworks")
    assert gc.isenabled()


def test_standardizing_keeps_no_value_once_it_is_done():
    # the per-value caches held a state month's names and addresses (0.54 GiB)
    # through Splink's predict
    from matching import standardize as module

    frame = pd.DataFrame(
        [["1", "Ana", "", "Lopez-Diaz", "1990-01-02", "F", "", "12 Main St", "Fresno"]],
        columns=PERSON_COLUMNS[:9],
    )
    standardize_table(frame, "calworks")
    standardize(frame, "calworks")
    assert module._clean_address("12 MAIN ST") == "12 MAIN ST"
    assert module._clean_address.cache_info().currsize == 1
    standardize(frame, "calworks")
    assert [c.cache_info().currsize for c in module._PER_VALUE_CACHES] == [0] * len(
        module._PER_VALUE_CACHES
    )


def test_u_loses_the_matches_the_random_sample_drew():
    levels = [
        {"sql_condition": "null", "is_null_level": True},
        # worked by hand: (0.003 - 0.002 * 0.9) / 0.998 = 0.0012024...
        {"sql_condition": "a", "m_probability": 0.9, "u_probability": 0.003},
        # only matches agreed here: never below one pair in the sample
        {"sql_condition": "b", "m_probability": 0.05, "u_probability": 0.0001},
        # declared, not sampled: kept
        {
            "sql_condition": "c",
            "m_probability": 0.01,
            "u_probability": 1e-8,
            "fix_u_probability": True,
        },
        # (1.0 - 0.002 * 0.04) / 0.998 is above 1: a probability stays <= 1
        {"sql_condition": "else", "m_probability": 0.04, "u_probability": 1.0},
    ]
    model = {"comparisons": [{"comparison_levels": levels}]}
    out = u_less_matches(model, share=0.002, smallest=1e-6)
    u = [lv.get("u_probability") for lv in out["comparisons"][0]["comparison_levels"]]
    assert u[1] == pytest.approx(0.0012 / 0.998)
    assert u[2:] == [1e-6, 1e-8, 1.0]
    assert model["comparisons"][0]["comparison_levels"][1]["u_probability"] == 0.003
    assert u_less_matches(model, share=0.0, smallest=1e-6) == model


@pytest.mark.parametrize("max_pairs", [2e4, 1e6])  # a sample of the pairs; all of them
def test_u_from_one_pass_is_splinks_estimate_from_the_same_sample(max_pairs):
    from matching.model import _linker, u_by_random_sampling
    from matching.settings import settings

    left, right = _population(300, seed=41)
    left.loc[::7, "ssn"] = None  # pairs in the null level are no part of u
    frames = _frames(left, right)
    model = settings().get_settings("duckdb").as_dict()
    ours = u_by_random_sampling(frames, model, max_pairs, seed=3)
    linker = _linker(frames, model)
    linker.training.estimate_u_using_random_sampling(
        max_pairs=max_pairs, seed=3, num_chunks=1
    )
    splinks = linker.misc.save_model_to_json()

    def u(m, declared=False):  # u of every level not null (declared or sampled)
        return [
            lv.get("u_probability")
            for c in m["comparisons"]
            for lv in c["comparison_levels"]
            if not lv.get("is_null_level")
            and bool(lv.get("fix_u_probability")) == declared
        ]

    # levels no sampled pair met keep no u in both
    unmet = [x is None for x in u(splinks)]
    assert [x is None for x in u(ours)] == unmet and unmet.count(False) >= 10
    assert [x for x in u(ours) if x is not None] == pytest.approx(
        [x for x in u(splinks) if x is not None], rel=1e-12
    )
    assert (
        u(ours, declared=True) == u(model, declared=True) == u(splinks, declared=True)
    )


def test_small_files_scored_with_the_shipped_model_take_their_own_prior():
    from matching.model import MODEL_PATH, load_model, with_prior_of

    shipped = load_model(MODEL_PATH)
    people, others = _population(50, seed=51)[0], _population(60, seed=52)[0]
    others["record_id"] = [f"O{i}" for i in range(60)]
    # 40 of the 50 on the right too, unchanged: every deterministic rule finds
    # those 40 pairs and no other, so the prior is 40 / 0.8 / (50 x 100) = 0.01
    right = pd.concat(
        [people.iloc[:40].assign(record_id=lambda d: "R" + d.record_id), others]
    )
    model = with_prior_of(_frames(people, right), shipped)
    assert model["probability_two_random_records_match"] == pytest.approx(0.01)
    assert model["comparisons"] == shipped["comparisons"]
    # no pair any rule finds, or too few values to answer one: the model's own
    assert with_prior_of(_frames(people, others), shipped) is shipped
    assert with_prior_of(_frames(people.iloc[:10], right.iloc[:10]), shipped) is shipped


def test_two_files_of_the_same_people_learn_strangers_u_for_the_birth_date():
    # 400 people a side, all the same: one pair in 400 is a match, and random
    # sampling draws them; strangers share a birth date once in ~25,000 pairs
    left, right = _population(400, seed=31)
    model = train(_frames(left, right))
    (dob,) = [c for c in model["comparisons"] if c["output_column_name"] == "dob"]
    exact = dob["comparison_levels"][1]
    assert exact["sql_condition"] == '"dob_l" = "dob_r"'
    assert exact["u_probability"] < 0.1 / 400


def test_crossed_name_levels_count_every_pair_of_the_two_files(monkeypatch):
    from matching import model as linkage_model
    from matching.settings import settings

    def people(rows, prefix):
        return pd.DataFrame(
            [
                {"record_id": f"{prefix}{i}", "first_name": f, "last_name": s}
                for i, (f, s) in enumerate(rows, 1)
            ]
        )

    left = people(
        [
            ("THOMAS", "EDWARD"),
            ("ANA", "GARCIA"),
            ("JOHN", "SMITH"),
            ("THOMAS", "THOMAS"),
        ],
        "L",
    )
    right = people(
        [
            ("EDWARD", "THOMAS"),  # L1's names swapped
            ("GARCIA", "ANNA"),  # L2's swapped, ANA keyed ANNA
            ("PETER", "JONES"),  # nothing crossed
            # swapped with L4 too, but its first name agrees first (an earlier level)
            ("THOMAS", "THOMAS"),
        ],
        "R",
    )
    model = settings("link_only").get_settings("duckdb").as_dict()
    monkeypatch.setattr(linkage_model, "DECLARED_U_PAIRS", 0)
    counted = linkage_model._crossed_name_u(_frames(left, right), model)
    u = {
        lv.get("label_for_charts"): lv.get("u_probability")
        for lv in counted["comparisons"][0]["comparison_levels"]
    }
    # 4 x 4 = 16 pairs, one in each level
    assert u["first and last names swapped"] == pytest.approx(1 / 16)
    assert u["names swapped, one of them altered"] == pytest.approx(1 / 16)

    # the matches' part taken out: with an eighth of the pairs matches and half
    # of them swapped, the swapped pair counted is a match (1 - 1/8 * 1/2 * 16 = 0),
    # and a prior worth 16 pairs halves the declared u
    def swap_level(m):
        (level,) = (
            lv
            for lv in m["comparisons"][0]["comparison_levels"]
            if lv.get("label_for_charts") == "first and last names swapped"
        )
        return level

    swap = swap_level(model)
    swap["m_probability"] = 0.5
    monkeypatch.setattr(linkage_model, "DECLARED_U_PAIRS", 16)
    counted = linkage_model._crossed_name_u(_frames(left, right), model, share=1 / 8)
    assert swap_level(counted)["u_probability"] == pytest.approx(
        swap["u_probability"] / 2
    )
    # as declared when the prior outweighs 16 pairs
    monkeypatch.setattr(linkage_model, "DECLARED_U_PAIRS", 1e8)
    counted = linkage_model._crossed_name_u(_frames(left, right), model)
    swap = swap_level(counted)
    assert swap["u_probability"] == pytest.approx((1 + 1e-8 * 1e8) / (16 + 1e8))


def test_a_childs_record_with_the_mothers_birth_date_links_as_in_the_monthly_run(
    tmp_path,
):
    # left: a mother and her son at one address; right: the son keyed with her
    # birth date. Names, address and sex agree; the guard holds the pair for its
    # birth dates, and the left file's family (same surname and address) explains
    # the date: linked, as the monthly linkage links it. With a date no one in
    # the family has (a junior / senior shape) it stays held.
    def person(rid, first, dob, sex):
        return (rid, first, "", "REYES", dob, sex, "", "1 ELM ST", "FRESNO", "91731")

    left = pd.DataFrame(
        [
            person("L1", "ANA", "1980-01-01", "F"),
            person("L2", "LUIS", "2015-06-01", "M"),
        ],
        columns=COLUMNS,
    )
    right = pd.DataFrame([person("R1", "LUIS", "1980-01-01", "M")], columns=COLUMNS)
    code, pairs = _link(tmp_path, left, right, "--threshold", "0.5")
    assert code == 0 and _matches(pairs) == {("L2", "R1")}
    right.loc[0, "date_of_birth"] = "1979-03-03"
    code, pairs = _link(tmp_path, left, right, "--threshold", "0.5")
    held = pairs.loc[pairs["right_record_id"] == "R1"]
    assert code == 0 and _matches(pairs) == set()
    assert held["match_probability"].astype(float).max() >= 0.5  # held, not unscored


def _two_level_model(u_exact: float, tf: bool = False) -> dict:
    exact = {"sql_condition": "a", "m_probability": 0.8, "u_probability": u_exact}
    if tf:
        exact |= {"tf_adjustment_column": "first_name", "tf_adjustment_weight": 1.0}
    return {
        "probability_two_random_records_match": 0.01,
        "comparisons": [
            {
                "output_column_name": "first_name",
                "comparison_levels": [
                    {"sql_condition": "null", "is_null_level": True},
                    exact,
                    {
                        "sql_condition": "else",
                        "m_probability": 0.2,
                        "u_probability": 0.9,
                    },
                ],
            }
        ],
    }


def test_rescoring_moves_each_pair_by_its_levels_change_of_u():
    from matching.model import rescored

    # a pair agreeing (gamma 1) at weight 0 (p 0.5), one disagreeing (gamma 0) at
    # -3, one with the name missing (-1) at 1; u of the exact level 0.04 -> 0.01
    scored = pd.DataFrame(
        {
            "unique_id_l": ["a", "b", "c"],
            "unique_id_r": ["x", "y", "z"],
            "match_weight": [0.0, -3.0, 1.0],
            "match_probability": [0.5, 1 / 9, 2 / 3],
            "gamma_first_name": [1, 0, -1],
        }
    )
    before, after = _two_level_model(0.04), _two_level_model(0.01)
    out = rescored(scored, before, after, floor=0.5, term_frequencies=False)
    # log2(0.04 / 0.01) = 2 bits for the agreeing pair: weight 2, p = 4/5; the
    # disagreeing pair stays at -3 (under the floor), the missing one at 1
    assert out["unique_id_l"].tolist() == ["a", "c"]
    assert out["match_weight"].tolist() == pytest.approx([2.0, 1.0])
    assert out["match_probability"].tolist() == pytest.approx([0.8, 2 / 3])
    # a name level with term frequencies weighs log2(m / tf): u does not move it
    out = rescored(
        scored, _two_level_model(0.04, True), _two_level_model(0.01, True), 0.5, True
    )
    assert out["match_weight"].tolist() == pytest.approx([0.0, 1.0])
    # ... unless the scoring left term frequencies out (a small input)
    out = rescored(
        scored, _two_level_model(0.04, True), _two_level_model(0.01, True), 0.5, False
    )
    assert out["match_weight"].tolist() == pytest.approx([2.0, 1.0])
    # another m, or a rise that could lift a pair not kept (under 1e-6, -19.9 bits)
    # to the floor: None, score again
    other_m = _two_level_model(0.01)
    other_m["comparisons"][0]["comparison_levels"][1]["m_probability"] = 0.7
    assert rescored(scored, before, other_m, 0.5, False) is None
    assert rescored(scored, before, _two_level_model(0.04 / 2**20), 0.5, False) is None


def test_linking_after_training_scores_as_a_second_scoring_would():
    from matching.model import predict, train_and_predict

    left, right = _population(MIN_RECORDS_TO_TRAIN + 200, seed=61)
    frames = _frames(left, right)
    model, pairs = train_and_predict(frames, 0.5)
    again = predict(frames, model, 0.5)
    assert len(pairs) > MIN_RECORDS_TO_TRAIN
    assert pairs[["unique_id_l", "unique_id_r"]].equals(
        again[["unique_id_l", "unique_id_r"]]
    )
    assert pairs["match_weight"].to_numpy() == pytest.approx(
        again["match_weight"].to_numpy(), abs=1e-9
    )
