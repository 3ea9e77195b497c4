"""The Linkages program's enrollment records (linkages_enrollments.csv, contract v2)
for families once identified: most are offered coordinated case planning soon after,
most of those opt in, and some leave later. Drawn from their own random generator, so
adding them changes no other file."""

from __future__ import annotations

import numpy as np
import pandas as pd

import contract

P_OFFERED, P_OPTED_IN, P_LEFT = 0.85, 0.6, 0.3


def new_enrollments(
    rng: np.random.Generator, identified: pd.DataFrame, month: pd.Period, first_id: int
) -> pd.DataFrame:
    """Enrollment offers to families first identified in `month` (columns
    calworks_case_number, cws_case_id)."""
    fam = identified.loc[identified["cws_case_id"].notna()]
    fam = fam.loc[rng.random(len(fam)) < P_OFFERED].reset_index(drop=True)
    n = len(fam)
    offered = month.start_time + pd.to_timedelta(rng.integers(0, 10, n), unit="D")
    opted = rng.random(n) < P_OPTED_IN
    enrolled = (offered + pd.to_timedelta(rng.integers(0, 14, n), unit="D")).where(
        opted
    )
    left = opted & (rng.random(n) < P_LEFT)
    disenrolled = (
        enrolled + pd.to_timedelta(rng.integers(60, 300, n), unit="D")
    ).where(left)
    return pd.DataFrame(
        {
            "enrollment_id": [f"EN{first_id + i:07d}" for i in range(n)],
            "cws_case_id": fam["cws_case_id"],
            "referral_id": None,
            "calworks_case_number": fam["calworks_case_number"],
            "offered_date": offered,
            "opted_in": np.where(opted, "Y", "N"),
            "enrolled_date": enrolled,
            "disenrolled_date": disenrolled,
            "disenroll_reason": np.where(
                left, rng.choice(contract.DISENROLL_REASONS, n), None
            ),
            "protocol": np.where(opted, rng.choice(["FP", "FR", "OTHER"], n), None),
        }
    )


def enrollments_as_of(enrollments: pd.DataFrame, as_of: pd.Timestamp) -> pd.DataFrame:
    """What the program's record shows on the as-of date: offers made by then, and
    enrollment and leaving dates only once they have happened."""
    e = enrollments.loc[enrollments["offered_date"] <= as_of].copy()
    e["enrolled_date"] = e["enrolled_date"].where(e["enrolled_date"] <= as_of)
    # an opt-in still to take effect is not yet an opt-in
    e["opted_in"] = np.where(e["enrolled_date"].notna(), "Y", "N")
    e.loc[e["opted_in"].eq("N"), "protocol"] = None
    gone = e["disenrolled_date"] <= as_of
    e["disenrolled_date"] = e["disenrolled_date"].where(gone)
    e["disenroll_reason"] = e["disenroll_reason"].where(gone)
    return e


def empty() -> pd.DataFrame:
    columns = contract.LINKAGES_ENROLLMENTS.column_names
    frame = pd.DataFrame({c: pd.Series(dtype="object") for c in columns})
    for c in ("offered_date", "enrolled_date", "disenrolled_date"):
        frame[c] = pd.Series(dtype="datetime64[ns]")
    return frame
