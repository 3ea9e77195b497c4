"""The CalWORKs side of each family's history: cases, assistance-unit members,
Welfare-to-Work statuses, aided months (MEDS) and wages (EDD)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from synthetic.draws import address, days, ids
from synthetic.population import noisy_records

AID_CODES = ("30", "32", "33", "35", "3E", "3L", "3P", "3R")


def cw_cases(rng, fam: pd.DataFrame, history, end) -> pd.DataFrame:
    cw = fam.loc[fam["systems"].isin(["cw", "both"])].reset_index(drop=True)
    n = len(cw)
    span = (end - history).days
    c = pd.DataFrame({"family_id": cw["family_id"], "office_code": cw["office_code"]})
    c["case_number"] = ids("", n, 8, start=rng.integers(1000, 5000))  # leading zeros
    c["application_date"] = history + pd.to_timedelta(
        rng.integers(0, span, n), unit="D"
    )
    # families also known to CWS are more often homeless and sanctioned
    both = cw["systems"].eq("both").to_numpy()
    c["known_to_cws"] = both
    c["denied"] = rng.random(n) < 0.08
    c["decision_date"] = c["application_date"] + days(rng, 5, 45, n)
    # time on aid: long-tailed, about two years on average
    on_aid = pd.to_timedelta(rng.exponential(700, n).astype(int) + 60, unit="D")
    c["disc_date"] = (c["decision_date"] + on_aid).where(~c["denied"])
    homeless = (rng.random(n) < np.where(both, 0.5, 0.2)) & ~c["denied"]
    # for families also in CWS, homelessness tends to come with the CWS involvement
    lag = np.where(both, rng.integers(0, 240, n), rng.integers(0, 500, n))
    length = np.where(both, rng.integers(180, 600, n), rng.integers(45, 400, n))
    c["homeless_start"] = (c["decision_date"] + pd.to_timedelta(lag, unit="D")).where(
        homeless
    )
    c["homeless_end"] = c["homeless_start"] + pd.to_timedelta(length, unit="D")
    c["worker_id"] = np.char.add("EW", rng.integers(10000, 99999, n).astype(str))
    return pd.concat([c, address(rng, n)], axis=1)


def cw_members(
    rng, people: pd.DataFrame, cases: pd.DataFrame, end, rates
) -> pd.DataFrame:
    m = people.loc[people["kin"] != "absent_mother"].merge(
        cases[
            [
                "family_id",
                "case_number",
                "application_date",
                "decision_date",
                "disc_date",
                "known_to_cws",
            ]
        ],
        on="family_id",
    )
    n = len(m)
    m["person_id"] = ids("", n, 10, start=rng.integers(10_000, 90_000))
    m["role"] = m["family_role"]
    aided_p = np.select(
        [
            m["role"].eq("CHILD"),
            m["role"].eq("PARENT"),
            m["role"].eq("CARETAKER_RELATIVE"),
        ],
        [0.97, 0.9, 0.4],
        0.2,
    )
    m["aid_status"] = np.where(rng.random(n) < aided_p, "AIDED", "NON_AIDED")
    # a member is on the case from application or birth, whichever is later
    m["join_date"] = m[["application_date", "dob"]].max(axis=1)
    leaves = (
        m["role"].isin(["PARENT", "OTHER_ADULT"])
        & (m["kin"] != "mother")
        & (rng.random(n) < 0.10)
    )
    leaves |= m["role"].eq("CHILD") & (rng.random(n) < 0.02)
    m["leave_date"] = (m["join_date"] + days(rng, 30, 700, n)).where(leaves)
    rec = noisy_records(rng, m, rates, relatives=people, recorded=m["join_date"])
    for col in ("first_name", "middle_name", "last_name", "dob", "sex", "ssn", "noise"):
        m["rec_" + col] = rec[col].to_numpy()
    m["cin"] = np.where(
        rng.random(n) < 0.7,
        np.char.add(
            rng.integers(10_000_000, 99_999_999, n).astype(str),
            rng.choice(list("ABCDEFGH"), n),
        ),
        None,
    )
    return m


def wtw(rng, members: pd.DataFrame, cases: pd.DataFrame) -> pd.DataFrame:
    adults = members.loc[
        members["role"].isin(["PARENT", "OTHER_ADULT"])
        & members["aid_status"].eq("AIDED")
        & members["disc_date"].notna()  # denied cases never reach WTW
    ].reset_index(drop=True)
    n = len(adults)
    begin = adults["decision_date"] + days(rng, 7, 30, n)
    stop = adults[["disc_date", "leave_date"]].min(axis=1)
    exempt = rng.random(n) < 0.15
    rows = [
        pd.DataFrame(
            {
                "person_id": adults["person_id"],
                "case_number": adults["case_number"],
                "wtw_status": np.where(exempt, "EXEMPT", "ENROLLED"),
                "begin": begin,
                "end": stop,
            }
        )
    ]
    # a sanction: non-compliance, then the sanction, cured (or not) months later
    sanctioned = ~exempt & (rng.random(n) < np.where(adults["known_to_cws"], 0.45, 0.2))
    nc = begin + days(rng, 45, 600, n)
    sanction_from = nc + days(rng, 20, 40, n)
    cured = sanction_from + days(rng, 30, 330, n)
    cured = cured.where(rng.random(n) < 0.6)
    ok = sanctioned & (sanction_from < stop)
    a = adults.loc[ok]
    rows[0].loc[ok, "end"] = nc[ok] - pd.Timedelta(days=1)
    rows.append(
        pd.DataFrame(
            {
                "person_id": a["person_id"],
                "case_number": a["case_number"],
                "wtw_status": "NONCOMPLIANCE",
                "begin": nc[ok],
                "end": sanction_from[ok] - pd.Timedelta(days=1),
            }
        )
    )
    sanction_end = pd.concat([cured[ok] - pd.Timedelta(days=1), stop[ok]], axis=1).min(
        axis=1
    )
    rows.append(
        pd.DataFrame(
            {
                "person_id": a["person_id"],
                "case_number": a["case_number"],
                "wtw_status": "SANCTION",
                "begin": sanction_from[ok],
                "end": sanction_end,
            }
        )
    )
    back = ok & cured.notna() & (cured < stop)
    b = adults.loc[back]
    rows.append(
        pd.DataFrame(
            {
                "person_id": b["person_id"],
                "case_number": b["case_number"],
                "wtw_status": "ENROLLED",
                "begin": cured[back],
                "end": stop[back],
            }
        )
    )
    # caretaker relatives are not required to participate
    care = members.loc[
        members["role"].eq("CARETAKER_RELATIVE") & members["disc_date"].notna()
    ]
    rows.append(
        pd.DataFrame(
            {
                "person_id": care["person_id"],
                "case_number": care["case_number"],
                "wtw_status": "NOT_REQUIRED",
                "begin": care["decision_date"],
                "end": care[["disc_date", "leave_date"]].min(axis=1),
            }
        )
    )
    out = pd.concat(rows, ignore_index=True)
    return out.loc[out["end"].isna() | (out["end"] >= out["begin"])].reset_index(
        drop=True
    )


def _month_index(ts: pd.Series) -> np.ndarray:
    return (ts.dt.year * 12 + ts.dt.month - 1).to_numpy()


def participation(rng, members, cases, start, end) -> pd.DataFrame:
    """MEDS: one row per aided member per month the case was active at month end."""
    aided = members.loc[
        members["aid_status"].eq("AIDED") & members["disc_date"].notna()
    ]
    first = pd.Series(start - pd.DateOffset(months=12), index=aided.index)
    begin = pd.concat([aided["decision_date"], aided["join_date"], first], axis=1).max(
        axis=1
    )
    # on aid on day x when begin <= x < stop; the horizon's last day counts
    horizon = pd.Series(end + pd.Timedelta(days=1), index=aided.index)
    stop = pd.concat([aided["disc_date"], aided["leave_date"], horizon], axis=1).min(
        axis=1
    )
    last_day = stop - pd.Timedelta(days=1)
    first_m = _month_index(begin)
    last_m = _month_index(last_day) - (~last_day.dt.is_month_end).to_numpy().astype(int)
    n_months = np.maximum(last_m - first_m + 1, 0)
    pid = np.repeat(aided["person_id"].to_numpy(), n_months)
    offs = np.arange(n_months.sum()) - np.repeat(
        np.cumsum(n_months) - n_months, n_months
    )
    month_idx = np.repeat(first_m, n_months) + offs
    code = np.repeat(rng.choice(AID_CODES, len(aided)), n_months)
    return pd.DataFrame({"person_id": pid, "month_idx": month_idx, "aid_code": code})


def wages(rng, members, start, end) -> pd.DataFrame:
    adults = members.loc[
        members["role"].isin(["PARENT", "OTHER_ADULT", "CARETAKER_RELATIVE"])
    ].drop_duplicates("true_person_id")
    n = len(adults)
    q0 = (start - pd.DateOffset(months=12)).to_period("Q")
    quarters = pd.period_range(q0, end.to_period("Q"), freq="Q")
    attach = rng.beta(1.2, 2.0, n)
    rows = []
    employer = rng.integers(100_000, 999_999, n)
    for q in quarters:
        employed = rng.random(n) < attach
        wages = np.round(rng.lognormal(8.2, 0.7, employed.sum()), 2)
        rows.append(
            pd.DataFrame(
                {
                    "ssn": adults["ssn"].to_numpy()[employed],
                    "quarter": str(q),
                    "employer_id": np.char.add("E", employer[employed].astype(str)),
                    "wages": wages,
                }
            )
        )
    return pd.concat(rows, ignore_index=True)
