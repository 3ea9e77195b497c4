"""Clerical review decisions (CONTRACT.md §5): reviewers override the model.

`reviews/decisions.csv`: calworks_person_id, cws_client_id, decision (MATCH,
NON_MATCH, UNSURE), reviewer_id, decided_at, and the optional note (free text,
never exported) and sample (REVIEW_BAND or QA). Later decisions on the same pair
win; UNSURE leaves the pair in the queue. The file is only ever appended to.
"""

from __future__ import annotations

import fcntl
from pathlib import Path

import pandas as pd

from matching.people import CALWORKS_PEOPLE

DECISION_COLUMNS = [
    "calworks_person_id",
    "cws_client_id",
    "decision",
    "reviewer_id",
    "decided_at",
]
# v2's optional columns: a file written before them keeps its five columns
OPTIONAL_COLUMNS = ["note", "sample"]
DECISIONS = ("MATCH", "NON_MATCH", "UNSURE")
SAMPLES = ("REVIEW_BAND", "QA")


class DecisionFileError(ValueError):
    pass


def load_decisions(path: Path, as_of: str | None = None) -> pd.DataFrame:
    """The latest decision per pair; an absent file means no decisions. With
    `as_of` (YYYY-MM-DD), only decisions made by the end of that day count: a
    month's links are those in force on its as-of date, so rerunning a past month
    gives its first result even after later reviews (a decision without a
    readable decided_at counts from the start)."""
    if not path.is_file():
        return pd.DataFrame(columns=[*DECISION_COLUMNS, *OPTIONAL_COLUMNS])
    df = pd.read_csv(path, dtype=str, keep_default_na=False).replace("", None)
    df.columns = [c.strip().lower() for c in df.columns]
    missing = [c for c in DECISION_COLUMNS if c not in df.columns]
    if missing:
        raise DecisionFileError(
            f"{path.name}: required column missing (count: {len(missing)}): {', '.join(missing)}"
        )
    df["decision"] = df["decision"].str.strip().str.upper()
    bad = (
        ~df["decision"].isin(DECISIONS)
        | df["calworks_person_id"].isna()
        | df["cws_client_id"].isna()
    )
    if bad.any():
        rows = ", ".join(str(i + 2) for i in df.index[bad][:10])
        raise DecisionFileError(
            f"{path.name}: decision not MATCH/NON_MATCH/UNSURE or ids missing "
            f"(count: {int(bad.sum())}) on lines {rows}"
        )
    df["decided_at"] = pd.to_datetime(
        df["decided_at"], errors="coerce", utc=True, format="mixed"
    )
    if as_of is not None:
        later = df["decided_at"] >= pd.Timestamp(as_of, tz="UTC") + pd.Timedelta(days=1)
        df = df.loc[~later]
    df = df.reset_index().sort_values(["decided_at", "index"], na_position="first")
    df = df.reindex(columns=[*DECISION_COLUMNS, *OPTIONAL_COLUMNS, "index"])
    return df.drop_duplicates(["calworks_person_id", "cws_client_id"], keep="last")[
        [*DECISION_COLUMNS, *OPTIONAL_COLUMNS]
    ]


def append_decisions(rows: pd.DataFrame, path: Path) -> int:
    """Add decisions at the end of decisions.csv, never rewriting it. Rows take the
    file's own header (a five-column file written before v2 keeps five columns);
    an exclusive lock keeps two reviewers' rows from interleaving."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a+", newline="", encoding="utf-8") as out:
        fcntl.flock(out, fcntl.LOCK_EX)
        out.seek(0)
        header = out.readline().strip()
        columns = (
            [c.strip().lower() for c in header.split(",")]
            if header
            else [*DECISION_COLUMNS, *OPTIONAL_COLUMNS]
        )
        out.seek(0, 2)
        rows.reindex(columns=columns).to_csv(out, header=not header, index=False)
    return len(rows)


QUEUE_SQL = """
select
    q.report_month,
    q.calworks_person_id,
    q.cws_client_id,
    q.sample,
    -- QA pairs are blind: their score is not shown to the reviewer
    case when q.sample = 'QA' then null else round(q.match_probability, 4) end
        as match_probability,
    p.first_name as calworks_first_name, c.first_name as cws_first_name,
    p.middle_name as calworks_middle_name, c.middle_name as cws_middle_name,
    p.last_name as calworks_last_name, c.last_name as cws_last_name,
    p.date_of_birth as calworks_date_of_birth, c.birth_date as cws_birth_date,
    p.sex as calworks_sex, c.sex as cws_sex,
    right(p.ssn, 4) as calworks_ssn_last4, right(c.ssn, 4) as cws_ssn_last4,
    {gammas},
    '' as decision,
    '' as reviewer_id
from linkage.review_queue q
join {people} p on p.person_id = q.calworks_person_id and p.report_month = $m
join raw.cws_clients c on c.client_id = q.cws_client_id and c.report_month = $m
where q.report_month = $m
order by q.sample desc, q.match_probability desc, q.calworks_person_id, q.cws_client_id
"""


def export_queue(con, month: str, out: Path) -> int:
    """Write the month's review queue, both records side by side with the
    comparison levels that drove the score; reviewers fill in `decision`."""
    # no DuckDB `describe`: an empty read says the columns on every engine
    cols = list(con.execute("select * from linkage.review_queue limit 0").df().columns)
    gammas = ", ".join(
        f"q.{c} as level_{c.removeprefix('gamma_')}"
        for c in cols
        if c.startswith("gamma_")
    )
    sql = QUEUE_SQL.format(gammas=gammas or "null as levels", people=CALWORKS_PEOPLE)
    queue = con.execute(sql, {"m": month}).df()
    out.parent.mkdir(parents=True, exist_ok=True)
    queue.to_csv(out, index=False)
    return len(queue)


def import_decisions(
    queue_file: Path, decisions_file: Path, reviewer_id: str | None, now=None
) -> int:
    """Append the filled-in decisions of an exported queue to decisions.csv."""
    queue = pd.read_csv(queue_file, dtype=str, keep_default_na=False)
    queue["decision"] = queue["decision"].str.strip().str.upper()
    done = queue.loc[queue["decision"] != ""]
    bad = ~done["decision"].isin(DECISIONS)
    if bad.any():
        raise DecisionFileError(
            f"{queue_file.name}: decision not MATCH/NON_MATCH/UNSURE "
            f"(count: {int(bad.sum())})"
        )
    reviewer = done["reviewer_id"].where(done["reviewer_id"] != "", reviewer_id)
    if reviewer.isna().any():
        raise DecisionFileError(
            f"{queue_file.name}: reviewer_id missing (count: {int(reviewer.isna().sum())})"
        )
    stamp = (now or pd.Timestamp.now(tz="UTC")).isoformat()
    rows = pd.DataFrame(
        {
            "calworks_person_id": done["calworks_person_id"],
            "cws_client_id": done["cws_client_id"],
            "decision": done["decision"],
            "reviewer_id": reviewer,
            "decided_at": stamp,
            "sample": done.get("sample"),
        }
    )
    return append_decisions(rows, decisions_file)
