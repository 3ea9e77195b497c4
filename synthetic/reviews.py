"""Case reviews (the Linkages case review tool) for families once identified.

Answers are random but always consistent with the contract's rules: a
collaboration level of SOME or FULL only where its activity took place, no
CFTM attendance without a CFTM, a monitoring rate only with joint monitoring.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

import contract


def _ynu(rng, n, p_yes=0.6, p_no=0.3):
    return rng.choice(["Y", "N", "U"], size=n, p=[p_yes, p_no, 1 - p_yes - p_no])


def new_reviews(
    rng: np.random.Generator,
    identified: pd.DataFrame,
    month: pd.Period,
    first_id: int,
    review_share: float = 0.5,
) -> pd.DataFrame:
    """Reviews for families first identified in `month` (columns
    calworks_case_number, cws_case_id); `review_share` of them are reviewed, weeks
    later."""
    fam = identified.loc[identified["cws_case_id"].notna()]
    fam = fam.loc[rng.random(len(fam)) < review_share].reset_index(drop=True)
    n = len(fam)
    start = month.start_time
    # workers sometimes record an identification earlier than the list did
    earlier = rng.random(n) < 0.15
    identified_date = start - pd.to_timedelta(
        np.where(earlier, rng.integers(3, 40, n), 0), unit="D"
    )
    r = pd.DataFrame(
        {
            "review_id": [f"CR{first_id + i:07d}" for i in range(n)],
            "cws_case_id": fam["cws_case_id"],
            "calworks_case_number": fam["calworks_case_number"],
            "reviewer_id": rng.choice([f"RV{i:03d}" for i in range(1, 25)], n),
            "review_date": start + pd.to_timedelta(rng.integers(20, 120, n), unit="D"),
            "identified_date": identified_date,
        }
    )
    r["needs_shared"] = _ynu(rng, n, 0.72, 0.18)
    r["needs_shared_date"] = (
        r["identified_date"] + pd.to_timedelta(rng.integers(0, 45, n), unit="D")
    ).where(r["needs_shared"].eq("Y"))
    for col in (
        "objectives_in_plan",
        "joint_monitoring",
        "cftm_held",
        "calworks_services_recommended",
        "cws_services_recommended",
        "services_accessed",
    ):
        r[col] = _ynu(rng, n)
    r["joint_monitoring_per_month"] = np.select(
        [r["joint_monitoring"].eq("Y"), r["joint_monitoring"].eq("N")],
        [np.round(rng.uniform(0.5, 4.0, n), 1), 0.0],
        np.nan,
    )
    r["cftm_attendance"] = np.select(
        [r["cftm_held"].eq("N"), r["cftm_held"].eq("U")],
        ["NEITHER", "U"],
        rng.choice(
            ["BOTH", "CWS_ONLY", "CALWORKS_ONLY", "U"], n, p=[0.6, 0.25, 0.1, 0.05]
        ),
    )
    none_recommended = r["calworks_services_recommended"].eq("N") & r[
        "cws_services_recommended"
    ].eq("N")
    r["services_recommended_count"] = np.where(
        none_recommended, 0, rng.integers(1, 9, n)
    )
    r["collab_eligibility"] = rng.choice(contract.COLLAB_CODES, n)
    for level, activities in contract.COLLAB_ACTIVITY.items():
        level_draw = rng.choice(contract.COLLAB_CODES, n, p=[0.3, 0.35, 0.25, 0.1])
        no_activity = np.logical_and.reduce([r[a].eq("N") for a in activities])
        r[level] = np.where(
            no_activity & np.isin(level_draw, ["SOME", "FULL"]), "NONE", level_draw
        )
    r["review_date"] = r[["review_date", "identified_date"]].max(axis=1)
    return r


# the study's two documentation practices (Table 3): the first county dates the
# sharing of needs for a minority of reviews and leaves more answers blank; the
# second documents everything, and both agencies rarely attend its CFTMs
DATED_SHARE = {"first": 0.38, "second": 1.0}
BLANK_SHARE_FIRST = 0.2
YES_NO = (
    "objectives_in_plan",
    "joint_monitoring",
    "cftm_held",
    "calworks_services_recommended",
    "cws_services_recommended",
    "services_accessed",
)
LEVELS = tuple(contract.COLLAB_ACTIVITY) + ("collab_eligibility",)
P_BOTH_ATTEND_SECOND = 0.1
# days from identification to sharing needs: bands 0-5, 6-10, 11-31, 32-45 (the
# study: the second county shared within 5 days for about half, within 10 for two
# thirds; the first within 10 days for 10 of 18, within a month for 17 of 18)
SHARING_BANDS = ((0, 6), (6, 11), (11, 32), (32, 46))
SHARING_P = {"first": (0.3, 0.25, 0.3, 0.15), "second": (0.45, 0.22, 0.2, 0.13)}


def apply_county_practices(
    rng: np.random.Generator, reviews: pd.DataFrame, second_county: np.ndarray
) -> pd.DataFrame:
    """Reviews as each county's practice records them (`second_county`: a flag per
    row). Keeps the contract's consistency rules: a blank is never N or U, an
    unknown answer becomes Y (never N, which could contradict a collaboration
    level) and an unknown level NONE (valid whatever the activity)."""
    r = reviews.copy()
    n = len(r)
    first = ~second_county
    band = np.where(
        second_county,
        rng.choice(4, n, p=SHARING_P["second"]),
        rng.choice(4, n, p=SHARING_P["first"]),
    )
    low = np.array([b[0] for b in SHARING_BANDS])[band]
    high = np.array([b[1] for b in SHARING_BANDS])[band]
    share_days = pd.to_timedelta(rng.integers(low, high), unit="D")
    for col in YES_NO + LEVELS:
        blank = first & (rng.random(n) < BLANK_SHARE_FIRST)
        r[col] = r[col].where(~blank, None)
    r.loc[first & r["joint_monitoring"].isna(), "joint_monitoring_per_month"] = np.nan
    for col in ("needs_shared",) + YES_NO:
        r.loc[second_county & r[col].eq("U"), col] = "Y"
    for col in LEVELS:
        r.loc[second_county & r[col].eq("U"), col] = "NONE"
    # what an unknown became: a monitoring rate, a date, who attended
    rate = np.round(rng.uniform(0.5, 4.0, n), 1)
    no_rate = (
        second_county
        & r["joint_monitoring"].eq("Y")
        & r["joint_monitoring_per_month"].isna()
    )
    r.loc[no_rate, "joint_monitoring_per_month"] = rate[no_rate]
    held = second_county & r["cftm_held"].eq("Y")
    both = rng.random(n) < P_BOTH_ATTEND_SECOND
    r.loc[held, "cftm_attendance"] = np.where(both[held], "BOTH", "CWS_ONLY")
    dated = rng.random(n) < np.where(
        second_county, DATED_SHARE["second"], DATED_SHARE["first"]
    )
    shared = r["needs_shared"].eq("Y")
    # every date drawn again from its county's bands
    r["needs_shared_date"] = (r["identified_date"] + share_days).where(shared & dated)
    return r
