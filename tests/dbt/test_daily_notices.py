"""The daily route's notices (models/daily) on hand-built days of 2026-10, one family
per event kind; the right answer is worked out beside each family below.

Records say who they are: CalSAWS person `p3` and CWS client `c3` are one person
(linked, from the day the link exists). Plan codes: 1693 + COURT = CFM.

    family  day 1 (10-14)                     day 2 (10-15)                       notice on day 2
    A1-K1   no CalWORKs case yet              A1 applies (PENDING), p1 ~ c1 on K1  NEW_CALWORKS_APPLICATION
    A2-K2   p2 ~ c2, no CWS case              K2 starts with c2 (promotion)        REFERRAL_PROMOTED_TO_CASE
    A3-K3   K3's plan has c9 only             c3 joins K3's plan                   NEW_CASE_PLAN
    A4-R4   no referral                       R4 received, victim c4 (p4, a child  NEW_REFERRAL
                                              of caretaker p4c), no open case
    A5-K5   c5 on K5, no link p5 ~ c5         the link is made (records unchanged) NEW_LINK
    A6-K6   listed                            listed                               none
Day 3: A6 discontinued (off every list: no notice). Day 4: A6 active again: noticed
again, NEW_CALWORKS_APPLICATION (its status changed). Day 1 is the route's first:
its baseline, no notices.
"""

import os
import subprocess

import duckdb
import pandas as pd
import pytest

from orchestration.defs.transform.assets import DBT_DIR, DBT_EXECUTABLE
from tests.dbt.conftest import load_links, load_raw, read

MONTH = "2026-10"
DAYS = ["2026-10-14", "2026-10-15", "2026-10-16", "2026-10-17"]
D = pd.Timestamp


def _frame(columns: str, rows: list[tuple]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=columns.split())


def _day(n: int) -> tuple[dict[str, pd.DataFrame], pd.DataFrame]:
    """The extract and the links of day n (1-4)."""
    a6 = "DISCONTINUED" if n == 3 else "ACTIVE"
    cases = [
        ("A2", "ACTIVE"),
        ("A3", "ACTIVE"),
        ("A4", "ACTIVE"),
        ("A5", "ACTIVE"),
        ("A6", a6),
    ]
    persons = [
        ("p2", "A2", "PARENT"),
        ("p3", "A3", "PARENT"),
        ("p4c", "A4", "CARETAKER_RELATIVE"),
        ("p4", "A4", "CHILD"),
        ("p5", "A5", "PARENT"),
        ("p6", "A6", "PARENT"),
    ]
    cws_cases = [("K1", "c91"), ("K3", "c93"), ("K5", "c95"), ("K6", "c96")]
    participants = [
        ("K1", "c1", "MOTHER"),
        ("K3", "c9", "FATHER"),
        ("K5", "c5", "MOTHER"),
        ("K6", "c6", "MOTHER"),
    ]
    referrals = [("R0", D("2026-09-01"))]
    allegations = [("L0", "R0", "c99")]
    links = [("p2", "c2"), ("p3", "c3"), ("p4", "c4"), ("p6", "c6")]
    if n >= 2:
        cases.append(("A1", "PENDING"))
        persons.append(("p1", "A1", "PARENT"))
        cws_cases.append(("K2", "c92"))
        participants += [("K2", "c2", "MOTHER"), ("K3", "c3", "FATHER")]
        referrals.append(("R4", D("2026-10-15")))
        allegations.append(("L4", "R4", "c4"))
        links += [("p1", "c1"), ("p5", "c5")]
    extract = {
        "calworks_cases": _frame("case_number program_status", cases).assign(
            homeless="N", office_code="01"
        ),
        "calworks_persons": _frame("person_id case_number role", persons).assign(
            aid_status="AIDED", member_status="ACTIVE"
        ),
        "cws_cases": _frame("case_id focus_child_client_id", cws_cases).assign(
            case_start_date=lambda d: [
                D("2026-10-15") if c == "K2" else D("2026-01-01") for c in d["case_id"]
            ],
            case_end_date=pd.NaT,
            service_component_code=1693,
            case_plan_basis="COURT",
        ),
        "cws_case_participants": _frame("case_id client_id role", participants).assign(
            named_on_case_plan="Y"
        ),
        "cws_referrals": _frame("referral_id received_date", referrals).assign(
            response_type="TEN_DAY", closure_date=pd.NaT
        ),
        "cws_allegations": _frame(
            "allegation_id referral_id victim_client_id", allegations
        ),
        "cws_clients": pd.DataFrame(
            {
                "client_id": ["c1", "c2", "c3", "c4", "c5", "c6", "c9", "c99"],
                "last_name": "X",
            }
        ),
    }
    linked = _frame("calworks_person_id cws_client_id", links).assign(
        match_probability=0.99, link_basis="MODEL"
    )
    return extract, linked


def _build(warehouse, target, day: str, n: int) -> None:
    """Day n as the daily route lands it: the month's rows replaced by the day's,
    then the daily models built as of that day."""
    extract, links = _day(n)
    with duckdb.connect(str(warehouse)) as con:
        con.execute("drop schema if exists raw cascade")
        con.execute("drop schema if exists linkage cascade")
        load_raw(con, MONTH, extract)
        load_links(con, MONTH, links)
    env = {
        **os.environ,
        "LINKAGES_WAREHOUSE_PATH": str(warehouse),
        "LINKAGES_REPORT_MONTH": MONTH,
        "LINKAGES_AS_OF_DATE": day,
    }
    proc = subprocess.run(
        [DBT_EXECUTABLE, "build", "--select", "+path:models/daily"]
        + ["--project-dir", str(DBT_DIR), "--profiles-dir", str(DBT_DIR)]
        + ["--target-path", str(target)],
        env=env,
        capture_output=True,
        text=True,
        cwd=DBT_DIR,
    )
    assert proc.returncode == 0, proc.stdout[-3000:]


@pytest.fixture(scope="module")
def notices(tmp_path_factory):
    folder = tmp_path_factory.mktemp("daily_notices")
    warehouse = folder / "daily_warehouse.duckdb"
    for n, day in enumerate(DAYS, start=1):
        _build(warehouse, folder / "target", day, n)
    rows = read(
        warehouse,
        "select cast(as_of_date as varchar) as day, calworks_case_number,"
        " cws_case_id, referral_id, event from daily.daily_new_mutual_families",
    )
    return {
        (r.day, r.calworks_case_number, r.cws_case_id, r.referral_id): r.event
        for r in rows.astype(object).where(rows.notna(), None).itertuples()
    }


def test_the_first_day_is_the_baseline(notices):
    assert not [k for k in notices if k[0] == DAYS[0]]


def test_each_event_kind_on_the_day_it_happens(notices):
    day2 = {k[1:]: e for k, e in notices.items() if k[0] == DAYS[1]}
    assert day2 == {
        ("A1", "K1", None): "NEW_CALWORKS_APPLICATION",
        ("A2", "K2", None): "REFERRAL_PROMOTED_TO_CASE",
        ("A3", "K3", None): "NEW_CASE_PLAN",
        ("A4", None, "R4"): "NEW_REFERRAL",
        ("A5", "K5", None): "NEW_LINK",
    }  # A6-K6: listed the day before too, no notice


def test_a_family_that_leaves_and_comes_back_is_noticed_again(notices):
    assert not [k for k in notices if k[0] == DAYS[2]]  # leaving: no notice
    day4 = {k[1:]: e for k, e in notices.items() if k[0] == DAYS[3]}
    assert day4 == {("A6", "K6", None): "NEW_CALWORKS_APPLICATION"}
