"""`linkages generate --daily N`: a snapshot for each day of the last N months
(contract §1, v2) and the truth of the day each family became mutual."""

import datetime as dt

import pandas as pd
import pytest

from synthetic.daily import EVENTS, Day, new_mutual_families
from synthetic.generate import generate

MONTHS = ["2026-01", "2026-02", "2026-03"]
DAILY = "2026-03"


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    out = tmp_path_factory.mktemp("daily")
    generate(
        out,
        MONTHS[0],
        len(MONTHS),
        "small",
        seed=5,
        progress=lambda _: None,
        daily_months=1,
    )
    return out


def _text(value):
    """One spelling for a value read from CSV or Parquet: dates as YYYY-MM-DD."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    if isinstance(value, (dt.date, pd.Timestamp)):
        return f"{value:%Y-%m-%d}"
    if isinstance(value, float) and value.is_integer():  # CSV writes 0.0 as 0
        return str(int(value))
    return str(value)


def _rows(df: pd.DataFrame) -> list[tuple]:
    return sorted(
        (tuple(_text(v) for v in row) for row in df.itertuples(index=False)),
        key=lambda r: tuple("" if v is None else v for v in r),
    )


def test_a_snapshot_for_every_day_of_the_last_month_only(generated):
    days = sorted(p.name for p in (generated / "landing" / "daily").iterdir())
    assert days == [f"2026-03-{d:02d}" for d in range(1, 32)]
    notices = sorted(p.name for p in (generated / "truth" / "daily").iterdir())
    assert notices == days


def test_the_ranges_last_day_gets_no_pile_of_referrals(generated):
    """A family's first referral drawn after the generated range is not in it: once
    it was moved onto the last day (seed 5: 12 referrals on 2026-03-31, at most 2 on
    any other day of the range), a spike in the last month's lists and notices."""
    referrals = pd.read_csv(
        generated / "landing" / DAILY / "cws_referrals.csv",
        parse_dates=["received_date"],
    )
    received = referrals["received_date"]
    per_day = received[received >= pd.Timestamp(MONTHS[0])].dt.date.value_counts()
    last = pd.Period(DAILY, "M").end_time.date()  # 2026-03-31
    busiest_other = per_day.drop(last, errors="ignore").max()
    assert per_day.get(last, 0) <= 2 * busiest_other + 1


def test_the_last_day_is_the_monthly_extract(generated):
    """The month's last day and the monthly extract are the same as-of date: the
    same rows in every file (Parquet there, CSV here)."""
    day = generated / "landing" / "daily" / "2026-03-31"
    month = generated / "landing" / DAILY
    names = sorted(p.stem for p in month.glob("*.csv"))
    assert sorted(p.stem for p in day.glob("*.parquet")) == names
    for name in names:
        csv = pd.read_csv(month / f"{name}.csv", dtype=str, keep_default_na=False)
        csv = csv.replace("", None)
        parquet = pd.read_parquet(day / f"{name}.parquet")
        assert list(parquet.columns) == list(csv.columns), name
        assert _rows(parquet) == _rows(csv), name


def _families(lists_folder) -> set[tuple]:
    rows = pd.concat(
        pd.read_csv(lists_folder / f"{name}.csv", dtype=str)
        for name in (
            "match_list_homeless",
            "match_list_sanction",
            "match_list_mutual_cases",
            "match_list_mutual_clients",
        )
    )
    return {
        (case, None if pd.isna(cws) else cws)
        for case, cws in zip(
            rows["calworks_case_number"], rows["cws_case_id"], strict=True
        )
    }


def _notices(generated) -> pd.DataFrame:
    frames = [
        pd.read_csv(f, dtype=str).assign(day=f.parent.name)
        for f in sorted(
            (generated / "truth" / "daily").glob("*/new_mutual_families.csv")
        )
    ]
    return pd.concat(frames, ignore_index=True)


def test_every_family_newly_listed_in_the_month_was_noticed_on_some_day(generated):
    """Independent of the daily code: the monthly truth of February (as of the day
    before March's first snapshot) and of March. A family on a list at March's end
    and on none at February's end entered a list on some day of March."""
    before = _families(generated / "truth" / "2026-02")
    after = _families(generated / "truth" / DAILY)
    notices = _notices(generated)
    noticed = {
        (case, None if pd.isna(cws) else cws)
        for case, cws in zip(
            notices["calworks_case_number"], notices["cws_case_id"], strict=True
        )
    }
    assert after - before, "the fixture month should list some new family"
    assert (after - before) <= noticed


def test_notice_events_match_the_records_of_their_day(generated):
    notices = _notices(generated)
    assert set(notices["event"]) <= set(EVENTS)
    for row in notices.itertuples():
        folder = generated / "landing" / "daily" / row.day
        if row.event == "REFERRAL_PROMOTED_TO_CASE":
            cases = pd.read_parquet(folder / "cws_cases.parquet")
            start = cases.loc[cases["case_id"] == row.cws_case_id, "case_start_date"]
            assert f"{start.iloc[0]:%Y-%m-%d}" == row.day
        if row.event == "NEW_REFERRAL":
            refs = pd.read_parquet(folder / "cws_referrals.parquet")
            received = refs.loc[refs["referral_id"] == row.referral_id, "received_date"]
            assert f"{received.iloc[0]:%Y-%m-%d}" == row.day
        # a referral is named exactly when the family has no CWS case
        assert pd.isna(row.referral_id) != pd.isna(row.cws_case_id)


# --- the event of a newly mutual family, on hand-built days ------------------------------

CASE, CWS_CASE, REFERRAL = "C1", "K1", "R1"
PARENT = ("P1", "MOTHER", "Y")


def _day(families, cases=None, referrals=(), plans=None) -> Day:
    frame = pd.DataFrame(
        families, columns=["calworks_case_number", "cws_case_id", "referral_id"]
    )
    return Day(frame, cases or {}, set(referrals), plans or {})


LISTED_WITH_CASE = [(CASE, CWS_CASE, None)]
ACTIVE = {CASE: ("ACTIVE", frozenset({"A", "B"}))}
FM_PLAN = {CWS_CASE: ("CFM", frozenset({PARENT}))}


@pytest.mark.parametrize(
    ("before", "today", "event"),
    [
        # yesterday no CalWORKs case at all: a new application
        (
            _day([], {}, plans=FM_PLAN),
            _day(LISTED_WITH_CASE, ACTIVE, plans=FM_PLAN),
            "NEW_CALWORKS_APPLICATION",
        ),
        # PENDING -> ACTIVE: the application was decided
        (
            _day([], {CASE: ("PENDING", frozenset({"A", "B"}))}, plans=FM_PLAN),
            _day(LISTED_WITH_CASE, ACTIVE, plans=FM_PLAN),
            "NEW_CALWORKS_APPLICATION",
        ),
        # a person joined the case
        (
            _day([], {CASE: ("ACTIVE", frozenset({"A"}))}, plans=FM_PLAN),
            _day(LISTED_WITH_CASE, ACTIVE, plans=FM_PLAN),
            "NEW_CALWORKS_APPLICATION",
        ),
        # the CWS case did not exist: the referral was promoted
        (
            _day([], ACTIVE),
            _day(LISTED_WITH_CASE, ACTIVE, plans=FM_PLAN),
            "REFERRAL_PROMOTED_TO_CASE",
        ),
        # the plan type changed, or a parent was newly named on it
        (
            _day([], ACTIVE, plans={CWS_CASE: ("PP", frozenset({PARENT}))}),
            _day(LISTED_WITH_CASE, ACTIVE, plans=FM_PLAN),
            "NEW_CASE_PLAN",
        ),
        (
            _day(
                [],
                ACTIVE,
                plans={CWS_CASE: ("CFM", frozenset({("P1", "MOTHER", "N")}))},
            ),
            _day(LISTED_WITH_CASE, ACTIVE, plans=FM_PLAN),
            "NEW_CASE_PLAN",
        ),
        # a referral-only family whose referral is new
        (
            _day([], ACTIVE),
            _day([(CASE, None, REFERRAL)], ACTIVE, [REFERRAL]),
            "NEW_REFERRAL",
        ),
        # nothing changed on either side: the link is new (e.g. after review)
        (
            _day([], ACTIVE, plans=FM_PLAN),
            _day(LISTED_WITH_CASE, ACTIVE, plans=FM_PLAN),
            "NEW_LINK",
        ),
        (
            _day([], ACTIVE, [REFERRAL]),
            _day([(CASE, None, REFERRAL)], ACTIVE, [REFERRAL]),
            "NEW_LINK",
        ),
        # a person leaving the case or the plan cannot make a family mutual
        (
            _day(
                [],
                {CASE: ("ACTIVE", frozenset({"A", "B", "C"}))},
                plans={CWS_CASE: ("CFM", frozenset({PARENT, ("P2", "FATHER", "Y")}))},
            ),
            _day(LISTED_WITH_CASE, ACTIVE, plans=FM_PLAN),
            "NEW_LINK",
        ),
    ],
)
def test_event_of_a_newly_mutual_family(before, today, event):
    notices = new_mutual_families(before, today)
    assert notices.to_dict("records") == [
        {
            "calworks_case_number": CASE,
            "cws_case_id": today.families["cws_case_id"][0],
            "referral_id": today.families["referral_id"][0],
            "event": event,
        }
    ]


def test_no_notice_for_a_family_listed_yesterday_and_a_new_one_when_it_comes_back():
    listed = _day(LISTED_WITH_CASE, ACTIVE, plans=FM_PLAN)
    gone = _day([], {CASE: ("DISCONTINUED", frozenset({"A", "B"}))}, plans=FM_PLAN)
    assert new_mutual_families(listed, listed).empty
    # on the lists, off (case discontinued), back on (case reopened): noticed again
    assert new_mutual_families(listed, gone).empty
    back = new_mutual_families(gone, listed)
    assert back[["calworks_case_number", "event"]].values.tolist() == [
        [CASE, "NEW_CALWORKS_APPLICATION"]
    ]
