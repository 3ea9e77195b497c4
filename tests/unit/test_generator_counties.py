"""`linkages generate --counties 2`: two counties in one landing, each with its own
code, offices and case-review practice, and the enrollment file (contract v2)."""

import duckdb
import numpy as np
import pandas as pd
import pytest

from contract import CASE_REVIEWS, LINKAGES_ENROLLMENTS
from orchestration.defs.ingest.load import split
from synthetic.generate import generate
from synthetic.reviews import apply_county_practices, new_reviews

MONTHS = ["2025-11", "2025-12", "2026-01", "2026-02"]


@pytest.fixture(scope="module")
def two_counties(tmp_path_factory):
    out = tmp_path_factory.mktemp("two_counties")
    generate(
        out,
        MONTHS[0],
        len(MONTHS),
        "small",
        seed=3,
        progress=lambda _: None,
        counties=2,
        review_share=1.0,
    )
    return out / "landing"


def _csv(landing, month, name) -> pd.DataFrame:
    return pd.read_csv(landing / month / f"{name}.csv", dtype=str)


def test_two_counties_have_their_own_codes_and_offices(two_counties):
    cases = _csv(two_counties, MONTHS[-1], "calworks_cases")
    offices = cases.groupby("county_code")["office_code"].agg(set)
    assert set(offices.index) == {"19", "33"}
    assert not offices["19"] & offices["33"]
    assert all(o.startswith("R") for o in offices["33"])
    # every other family: about half the cases each
    assert 0.4 < (cases["county_code"] == "33").mean() < 0.6


def test_reviews_and_enrollments_pass_the_ingest_rules(two_counties):
    """What the generator writes is what the ingest accepts: no row quarantined."""
    enrolled = 0
    for month in MONTHS:
        as_of = str(pd.Period(month, "M").end_time.date())
        for spec in (CASE_REVIEWS, LINKAGES_ENROLLMENTS):
            with duckdb.connect() as con:
                result = split(
                    con, two_counties / month / f"{spec.name}.csv", spec, month, as_of
                )
            assert result.rows_quarantined == 0, (
                month,
                spec.name,
                result.quarantined_by_rule,
            )
        rows = _csv(two_counties, month, "linkages_enrollments")
        enrolled = (rows["opted_in"] == "Y").sum()
    assert enrolled > 0


def test_the_two_review_practices_differ_as_the_study_found():
    """The first county dates the sharing of needs for a minority (the study's 38%),
    the second for nearly all; the second leaves no 'needs shared' unknown."""
    rng = np.random.default_rng(0)
    families = pd.DataFrame(
        {
            "calworks_case_number": [f"C{i}" for i in range(2000)],
            "cws_case_id": [f"K{i}" for i in range(2000)],
        }
    )
    reviews = new_reviews(rng, families, pd.Period("2026-01", "M"), 1, review_share=1.0)
    second = np.arange(len(reviews)) % 2 == 1
    r = apply_county_practices(np.random.default_rng(1), reviews, second)
    shared = r["needs_shared"].eq("Y")
    dated = r["needs_shared_date"].notna()
    assert 0.3 < dated[shared & ~second].mean() < 0.46
    assert dated[shared & second].mean() > 0.9
    # the second county shares within 5 days for about half (drawn: 45%)
    days = (r["needs_shared_date"] - r["identified_date"]).dt.days
    assert 0.38 < (days[shared & second] <= 5).mean() < 0.52
    assert days[shared & dated].between(0, 45).all()
    assert not r.loc[second, "needs_shared"].eq("U").any()
    assert r.loc[~second, "objectives_in_plan"].isna().mean() > 0.1
    assert r.loc[second, "objectives_in_plan"].isna().mean() == 0


def test_one_county_stays_one_county(tmp_path):
    generate(tmp_path, MONTHS[0], 1, "small", seed=3, progress=lambda _: None)
    cases = _csv(tmp_path / "landing", MONTHS[0], "calworks_cases")
    assert set(cases["county_code"]) == {"19"}
    assert not cases["office_code"].str.startswith("R").any()
