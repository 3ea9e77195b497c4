"""The true match lists of a month (CONTRACT.md §6), from true identities.

This is the oracle the pipeline is measured against, so it is written
independently of the dbt models: plain pandas over the month's extracts, where
"linked" means "the same true person". Keep it literal; it is the contract read
aloud, not an optimisation.
"""

from __future__ import annotations

import pandas as pd

LIST_COLUMNS = [
    "report_month",
    "calworks_case_number",
    "calworks_person_id",
    "cws_client_id",
    "cws_case_id",
    "plan_type",
    "reason",
    "office_code",
]
LIST_KEY = ["calworks_case_number", "calworks_person_id", "cws_case_id"]
PARENT_ROLES = ("MOTHER", "FATHER", "PARENT")
FM_PLANS = ("CFM", "VFM")
MUTUAL_PLANS = ("CFM", "VFM", "CFR", "VFR", "ER")


def plan_type(component: pd.Series, basis: pd.Series) -> pd.Series:
    """FM/FR split by court vs voluntary; ER and PP whatever the basis."""
    court = basis.eq("COURT")
    comp = component.astype("Int64")
    out = pd.Series(pd.NA, index=component.index, dtype="object")
    out[comp.eq(1692).fillna(False)] = "ER"
    out[comp.eq(1695).fillna(False)] = "PP"
    out[(comp.eq(1693) & court).fillna(False)] = "CFM"
    out[(comp.eq(1693) & basis.eq("VOLUNTARY")).fillna(False)] = "VFM"
    out[(comp.eq(1694) & court).fillna(False)] = "CFR"
    out[(comp.eq(1694) & basis.eq("VOLUNTARY")).fillna(False)] = "VFR"
    return out


def true_lists(
    x: dict[str, pd.DataFrame],
    month: pd.Period,
    cw_person_truth: pd.Series,
    cws_client_truth: pd.Series,
    as_of: pd.Timestamp | None = None,
) -> dict[str, pd.DataFrame]:
    """`cw_person_truth` maps CalSAWS person_id -> true person; `cws_client_truth`
    maps CWS client_id -> true person. `as_of`: a day of `month` for a daily
    snapshot (default the month's last day); the recent-referral window stays the
    12 report months ending with `month` (contract §6)."""
    as_of = month.end_time.normalize() if as_of is None else as_of
    recent_from = (month - 11).start_time

    cases = x["calworks_cases"]
    members = x["calworks_persons"]
    members = members.loc[members["member_status"].eq("ACTIVE")].merge(
        cases[["case_number", "program_status", "homeless", "office_code"]],
        on="case_number",
    )
    members = members.assign(person=members["person_id"].map(cw_person_truth))
    open_members = members.loc[members["program_status"].eq("ACTIVE")]

    k = x["cws_cases"]
    k = k.loc[
        (k["case_start_date"] <= as_of)
        & (k["case_end_date"].isna() | (k["case_end_date"] > as_of))
    ].assign(
        plan_type=lambda d: plan_type(d["service_component_code"], d["case_plan_basis"])
    )
    part = x["cws_case_participants"].merge(k[["case_id", "plan_type"]], on="case_id")
    # the focus child takes part in its own case, listed as a participant or not
    focus = k[["case_id", "focus_child_client_id", "plan_type"]].rename(
        columns={"focus_child_client_id": "client_id"}
    )
    part = pd.concat([part, focus.assign(role="FOCUS_CHILD", named_on_case_plan="Y")])
    part = part.drop_duplicates(["case_id", "client_id"])
    part = part.assign(person=part["client_id"].map(cws_client_truth))
    parents_on_plan = part.loc[
        part["role"].isin(PARENT_ROLES) & part["named_on_case_plan"].eq("Y")
    ]

    def parent_rows(who: pd.DataFrame, plans) -> pd.DataFrame:
        on_plan = parents_on_plan.loc[parents_on_plan["plan_type"].isin(plans)]
        return who.loc[who["role"].eq("PARENT")].merge(
            on_plan, on="person", suffixes=("", "_cws")
        )

    homeless = parent_rows(open_members.loc[open_members["homeless"].eq("Y")], FM_PLANS)

    w = x["wtw_status"]
    imposed = w.loc[
        w["wtw_status"].eq("SANCTION")
        & (w["status_begin_date"] <= as_of)
        & (w["status_end_date"].isna() | (w["status_end_date"] >= as_of))
    ][["person_id", "case_number"]].drop_duplicates()
    sanction = parent_rows(
        open_members.merge(imposed, on=["person_id", "case_number"]), FM_PLANS
    )

    mutual_a = parent_rows(open_members, MUTUAL_PLANS).assign(reason="PARENT_ON_PLAN")
    mutual_b = _caretaker_rows(x, open_members, k, recent_from, as_of, cws_client_truth)

    active_or_pending = members.loc[
        members["program_status"].isin(["ACTIVE", "PENDING"])
    ]
    clients = active_or_pending.merge(part, on="person", suffixes=("", "_cws"))

    lists = {
        "match_list_homeless": homeless,
        "match_list_sanction": sanction,
        "match_list_mutual_cases": pd.concat([mutual_a, mutual_b], ignore_index=True),
        "match_list_mutual_clients": clients,
    }
    out = {name: _shape(df, month) for name, df in lists.items()}
    out["family_prevention_level"] = _prevention(
        x, active_or_pending, clients, recent_from, cws_client_truth, month, as_of
    )
    return out


def _caretaker_rows(x, open_members, open_cws, recent_from, as_of, cws_client_truth):
    """Reason (b): a caretaker relative sharing the case with an aided child who
    is involved in Child Welfare, one row per open case the child is the focus of."""
    children = open_members.loc[
        open_members["role"].eq("CHILD") & open_members["aid_status"].eq("AIDED")
    ]
    focus = open_cws[["case_id", "focus_child_client_id", "plan_type"]].rename(
        columns={"focus_child_client_id": "client_id"}
    )
    focus = focus.assign(person=focus["client_id"].map(cws_client_truth))
    with_case = children.merge(focus, on="person")

    r = x["cws_referrals"]
    open_recent = r.loc[
        (r["received_date"] >= recent_from)
        & (r["received_date"] <= as_of)
        & (r["closure_date"].isna() | (r["closure_date"] > as_of))
    ]
    victims = x["cws_allegations"].merge(open_recent[["referral_id"]], on="referral_id")
    victims = victims[["victim_client_id"]].rename(
        columns={"victim_client_id": "client_id"}
    )
    victims = victims.assign(person=victims["client_id"].map(cws_client_truth))
    no_case = children.loc[~children["person"].isin(with_case["person"])]
    referral_only = no_case.merge(victims, on="person").assign(
        case_id=pd.NA, plan_type=pd.NA
    )

    child_rows = pd.concat([with_case, referral_only], ignore_index=True)
    caretakers = open_members.loc[open_members["role"].eq("CARETAKER_RELATIVE")]
    rows = caretakers.merge(
        child_rows[["case_number", "client_id", "case_id", "plan_type"]],
        on="case_number",
    )
    return rows.assign(reason="CARETAKER_OF_CHILD_IN_CW")


def _shape(df: pd.DataFrame, month: pd.Period) -> pd.DataFrame:
    if "reason" not in df:
        df = df.assign(reason=pd.NA)
    out = pd.DataFrame(
        {
            "report_month": str(month),
            "calworks_case_number": df["case_number"],
            "calworks_person_id": df["person_id"],
            "cws_client_id": df["client_id"],
            "cws_case_id": df["case_id"],
            "plan_type": df["plan_type"],
            "reason": df["reason"],
            "office_code": df["office_code"],
        },
        columns=LIST_COLUMNS,
    )
    # one row per key; where two client ids of one person qualify, keep the smaller
    out = out.sort_values(LIST_KEY + ["cws_client_id"], na_position="first")
    return out.drop_duplicates(LIST_KEY).reset_index(drop=True)


def _prevention(x, members, clients, recent_from, cws_client_truth, month, as_of):
    cases = x["calworks_cases"]
    cases = cases.loc[
        cases["program_status"].isin(["ACTIVE", "PENDING"]), ["case_number"]
    ]
    r = x["cws_referrals"]
    recent = r.loc[
        (r["received_date"] >= recent_from)
        & (r["received_date"] <= as_of)
        & r["response_type"].ne("EVALUATED_OUT")
    ]
    a = x["cws_allegations"].merge(recent[["referral_id"]], on="referral_id")
    involved = pd.concat([a["victim_client_id"], a["perpetrator_client_id"]]).dropna()
    involved_people = set(involved.map(cws_client_truth))
    secondary = set(members.loc[members["person"].isin(involved_people), "case_number"])
    tertiary = set(clients["case_number"])
    level = cases["case_number"].map(
        lambda c: (
            "TERTIARY"
            if c in tertiary
            else "SECONDARY"
            if c in secondary
            else "PRIMARY"
        )
    )
    return pd.DataFrame(
        {
            "report_month": str(month),
            "calworks_case_number": cases["case_number"],
            "prevention_level": level,
        }
    ).sort_values("calworks_case_number", ignore_index=True)
