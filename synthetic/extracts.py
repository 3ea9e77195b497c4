"""A month's extracts: what each source system would hand over on the as-of date."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

import contract
from synthetic.enrollments import enrollments_as_of
from synthetic.population import county_of
from synthetic.timeline import Timeline


def as_of_date(month: pd.Period) -> pd.Timestamp:
    return month.end_time.normalize()


def _isin(values: pd.Series, allowed: pd.Series) -> np.ndarray:
    """Series.isin, in Arrow: pandas' own walks the Arrow strings in Python."""
    found = pc.is_in(
        pa.array(values, from_pandas=True),
        value_set=pa.array(allowed, from_pandas=True),
    )
    return found.to_numpy(zero_copy_only=False)


def _shown(dates: pd.Series, as_of: pd.Timestamp) -> pd.Series:
    """An end date is only known once it has happened."""
    return dates.where(dates <= as_of)


def month_extract(
    t: Timeline,
    month: pd.Period,
    case_reviews: pd.DataFrame,
    enrollments: pd.DataFrame,
    as_of: pd.Timestamp | None = None,
) -> dict[str, pd.DataFrame]:
    """The extracts as of `as_of`, a day of `month` (default its last day: the
    monthly extract; a daily snapshot, contract v2, is the same as of that day)."""
    as_of = as_of_date(month) if as_of is None else as_of
    out = {
        **_calworks(t, month, as_of),
        **_cws(t, as_of),
        "case_reviews": case_reviews.loc[case_reviews["review_date"] <= as_of],
        "linkages_enrollments": enrollments_as_of(enrollments, as_of),
    }
    # every file carries exactly the contract's columns, in the contract's order
    return {name: out[name][contract.FILES_BY_NAME[name].column_names] for name in out}


def _calworks(t: Timeline, month: pd.Period, as_of) -> dict[str, pd.DataFrame]:
    c = t.cw_cases.loc[t.cw_cases["application_date"] <= as_of].copy()
    decided = c["decision_date"] <= as_of
    discontinued = c["disc_date"] <= as_of
    c["program_status"] = np.select(
        [c["denied"] & decided, c["denied"] | ~decided, discontinued],
        ["DENIED", "PENDING", "DISCONTINUED"],
        "ACTIVE",
    )
    c["status_date"] = np.select(
        [c["program_status"].eq("PENDING"), c["program_status"].eq("DISCONTINUED")],
        [c["application_date"], c["disc_date"]],
        c["decision_date"],
    )
    c["status_date"] = pd.to_datetime(c["status_date"])
    in_spell = (c["homeless_start"] <= as_of) & (as_of < c["homeless_end"])
    c["homeless"] = np.where(in_spell & c["program_status"].eq("ACTIVE"), "Y", "N")
    c["county_code"] = county_of(c["office_code"])

    m = t.cw_members
    m = m.loc[
        _isin(m["case_number"], c["case_number"]) & (m["join_date"] <= as_of)
    ].copy()
    m["member_status"] = np.where(m["leave_date"] <= as_of, "INACTIVE", "ACTIVE")
    persons = m.rename(
        columns={
            "rec_first_name": "first_name_",
            "rec_middle_name": "middle_name_",
            "rec_last_name": "last_name_",
            "rec_sex": "sex_",
            "rec_ssn": "ssn_",
        }
    )[
        [
            "person_id",
            "case_number",
            "role",
            "aid_status",
            "member_status",
            "first_name_",
            "middle_name_",
            "last_name_",
            "rec_dob",
            "dob",
            "sex_",
            "ssn_",
            "cin",
        ]
    ]
    persons.columns = [c.rstrip("_") for c in persons.columns]
    # a noisy birth date can never be after the day the record is extracted
    persons["date_of_birth"] = persons["rec_dob"].where(
        persons["rec_dob"] <= as_of, persons["dob"]
    )

    w = t.wtw.loc[t.wtw["begin"] <= as_of].rename(
        columns={"begin": "status_begin_date"}
    )
    w["status_end_date"] = _shown(w["end"], as_of)

    p = t.participation
    p = p.loc[p["month_idx"] <= month.year * 12 + month.month - 1]
    idx = p["month_idx"].to_numpy()
    # a label per distinct month, then a lookup: f-strings per row are too slow here
    first, last = (int(idx.min()), int(idx.max())) if len(idx) else (0, 0)
    labels = [f"{i // 12}-{i % 12 + 1:02d}" for i in range(first, last + 1)]
    p = pd.DataFrame(
        {
            "person_id": p["person_id"],
            "benefit_month": pd.Categorical.from_codes(idx - first, categories=labels),
            "aid_code": p["aid_code"],
        }
    )
    last_quarter = (as_of + pd.Timedelta(days=1)).to_period("Q") - 1
    wage = t.wages.loc[t.wages["quarter"] <= str(last_quarter)]
    wage = wage.rename(columns={"quarter": "year_quarter"})
    return {
        "calworks_cases": c,
        "calworks_persons": persons,
        "wtw_status": w,
        "calworks_participation": p,
        "edd_wages": wage,
    }


def _cws(t: Timeline, as_of) -> dict[str, pd.DataFrame]:
    cl = t.cws_clients.loc[t.cws_clients["created"] <= as_of].copy()
    cl["birth_date"] = cl["dob"].where(
        cl["dob"].isna() | (cl["dob"] <= as_of), cl["true_dob"]
    )

    r = t.referrals.loc[t.referrals["received_date"] <= as_of].copy()
    r["closure_date"] = _shown(r["closure_date"], as_of)
    r["case_id"] = r["case_id"].where(r["promoted_date"] <= as_of)

    a = t.allegations.loc[_isin(t.allegations["referral_id"], r["referral_id"])].copy()
    a["disposition_code"] = (
        a["disposition_code"].where(a["disposition_date"] <= as_of).astype("Int64")
    )

    k = t.cws_cases.loc[t.cws_cases["case_start_date"] <= as_of].copy()
    k["case_end_date"] = _shown(k["case_end_date"], as_of)
    comp = t.components.loc[t.components["since"] <= as_of].sort_values("since")
    k["service_component_code"] = k["case_id"].map(
        comp.groupby("case_id")["component"].last()
    )

    part = t.participants.loc[_isin(t.participants["case_id"], k["case_id"])].rename(
        columns={"named": "named_on_case_plan"}
    )
    e = t.episodes.loc[t.episodes["removal_date"] <= as_of].copy()
    e["exit_date"] = _shown(e["exit_date"], as_of)
    e["exit_reason_code"] = (
        e["exit_reason_code"].where(e["exit_date"].notna()).astype("Int64")
    )
    pl = t.placements.loc[t.placements["start_date"] <= as_of].copy()
    pl["end_date"] = _shown(pl["end_date"], as_of)
    return {
        "cws_clients": cl,
        "cws_referrals": r,
        "cws_allegations": a,
        "cws_cases": k,
        "cws_case_participants": part,
        "cws_placement_episodes": e,
        "cws_placements": pl,
    }
