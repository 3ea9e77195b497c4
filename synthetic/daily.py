"""Daily snapshots (contract §1, v2) and the truth of the day each family became
mutual: what `linkages generate --daily N` adds for the last N report months.

    OUT/landing/daily/<YYYY-MM-DD>/<file>.parquet          the 13 files as of that day
    OUT/truth/daily/<YYYY-MM-DD>/new_mutual_families.csv   families on a list that day
                                                           and on none the day before

A family is a CalWORKs case with a CWS case, or with a referral when the list row
has no CWS case (a caretaker whose child is a victim on a recent open referral and
has no open case); `referral_id` is then the earliest-received such referral.
The event says what changed from the day before, the first that applies in this
order:

    NEW_CALWORKS_APPLICATION  the CalWORKs case is new, its status changed (an
                              application decided) or a person joined it
    NEW_REFERRAL              the referral is new (referral-only families)
    REFERRAL_PROMOTED_TO_CASE the CWS case is new (it starts by promotion)
    NEW_CASE_PLAN             the CWS case's plan type changed (e.g. FR -> FM) or a
                              person joined its plan or was newly named on it
    NEW_LINK                  none of these: the records existed, the link is new

"A list" is any of the four (contract §6: a family is identified on the first
month it is on any list). Mutual clients takes any participant of any open case,
so a plan change alone (FR -> FM) makes no family newly mutual that had a linked
participant already: it is listed on mutual cases and mutual clients before and
after. The generator never adds a participant to an open case, so its truth has
no NEW_CASE_PLAN; hand-built days test it. A family that leaves every list and
comes back is new again on the day it comes back: the notice is for "on a list
today, on none yesterday", which is what a caseworker must act on.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from synthetic.extracts import month_extract
from synthetic.timeline import Timeline
from synthetic.truth import plan_type, true_lists

LISTS = (
    "match_list_homeless",
    "match_list_sanction",
    "match_list_mutual_cases",
    "match_list_mutual_clients",
)
FAMILY = ["calworks_case_number", "cws_case_id", "referral_id"]
NOTICE_COLUMNS = FAMILY + ["event"]
EVENTS = (
    "NEW_CALWORKS_APPLICATION",
    "NEW_REFERRAL",
    "REFERRAL_PROMOTED_TO_CASE",
    "NEW_CASE_PLAN",
    "NEW_LINK",
)


@dataclass
class Day:
    """What one day's snapshot holds that the next day's notices compare against."""

    families: pd.DataFrame  # FAMILY columns, one row per family on any list
    case_state: dict  # CalWORKs case -> (status, frozenset of ACTIVE members)
    referrals: set
    cws_plans: dict  # CWS case -> (plan type, frozenset of parents on plan)


def days_of(month: pd.Period) -> list[pd.Timestamp]:
    return list(pd.date_range(month.start_time, month.end_time.normalize(), freq="D"))


def snapshot(
    t: Timeline,
    day: pd.Timestamp,
    reviews: pd.DataFrame,
    enrollments: pd.DataFrame,
    cw_truth: pd.Series,
    cws_truth: pd.Series,
) -> tuple[dict[str, pd.DataFrame], Day]:
    """The day's 13 files, and the families listed on it."""
    month = day.to_period("M")
    x = month_extract(t, month, reviews, enrollments, as_of=day)
    lists = true_lists(x, month, cw_truth, cws_truth, as_of=day)
    return x, _day(x, lists, cws_truth, day, month)


def new_mutual_families(before: Day, today: Day) -> pd.DataFrame:
    """Families on a list today and on none the day before, with their event."""
    key = FAMILY
    old = set(before.families[key].itertuples(index=False, name=None))
    fresh = today.families.loc[
        [k not in old for k in today.families[key].itertuples(index=False, name=None)]
    ]
    events = [
        _event(before, today, case, cws_case, referral)
        for case, cws_case, referral in fresh[key].itertuples(index=False, name=None)
    ]
    out = fresh.assign(event=events)[NOTICE_COLUMNS]
    return out.sort_values(FAMILY, na_position="first", ignore_index=True)


def _event(before: Day, today: Day, case, cws_case, referral) -> str:
    if _gained(before.case_state.get(case), today.case_state[case]):
        return "NEW_CALWORKS_APPLICATION"
    if pd.isna(cws_case):
        return "NEW_REFERRAL" if referral not in before.referrals else "NEW_LINK"
    if cws_case not in before.cws_plans:
        return "REFERRAL_PROMOTED_TO_CASE"
    if _gained(before.cws_plans[cws_case], today.cws_plans[cws_case]):
        return "NEW_CASE_PLAN"
    return "NEW_LINK"


def _gained(before: tuple | None, today: tuple) -> bool:
    """(kind, people): the kind changed, or someone was added (people leaving
    cannot make a family mutual). None before = the record is new."""
    return before is None or before[0] != today[0] or not today[1] <= before[1]


def _day(x, lists, cws_truth, day, month) -> Day:
    rows = pd.concat([lists[name] for name in LISTS], ignore_index=True)
    rows = rows.assign(referral_id=_referral_of(x, rows, cws_truth, day, month))
    families = rows[FAMILY].drop_duplicates(ignore_index=True)

    members = x["calworks_persons"]
    members = members.loc[members["member_status"].eq("ACTIVE")]
    by_case = members.groupby("case_number")["person_id"].agg(frozenset)
    cases = x["calworks_cases"].set_index("case_number")["program_status"]
    case_state = {
        c: (status, by_case.get(c, frozenset())) for c, status in cases.items()
    }

    k = x["cws_cases"]
    types = dict(
        zip(
            k["case_id"],
            plan_type(k["service_component_code"], k["case_plan_basis"]),
            strict=True,
        )
    )
    part = x["cws_case_participants"]
    on_plan = pd.Series(
        list(
            zip(
                part["client_id"], part["role"], part["named_on_case_plan"], strict=True
            )
        ),
        index=part["case_id"],
    )
    people = on_plan.groupby(level=0).agg(frozenset)
    cws_plans = {c: (p, people.get(c, frozenset())) for c, p in types.items()}
    return Day(families, case_state, set(x["cws_referrals"]["referral_id"]), cws_plans)


def _referral_of(x, rows, cws_truth, day, month) -> pd.Series:
    """For a list row with no CWS case: the earliest-received recent open referral
    with the child (the row's CWS client, as a person) as a victim."""
    recent_from = (month - 11).start_time
    r = x["cws_referrals"]
    open_recent = r.loc[
        (r["received_date"] >= recent_from)
        & (r["received_date"] <= day)
        & (r["closure_date"].isna() | (r["closure_date"] > day))
    ]
    victims = x["cws_allegations"].merge(
        open_recent[["referral_id", "received_date"]], on="referral_id"
    )
    victims = victims.assign(person=victims["victim_client_id"].map(cws_truth))
    first = (
        victims.sort_values(["received_date", "referral_id"])
        .drop_duplicates("person")
        .set_index("person")["referral_id"]
    )
    person = rows["cws_client_id"].map(cws_truth)
    return person.map(first).where(rows["cws_case_id"].isna())
