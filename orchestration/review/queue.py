"""What the review page reads: the month's queue in priority order, one pair's two
records with their comparison levels and Splink's waterfall of the match weight,
and the family around each record. Every read opens the warehouse read-only for
one `with` block, so a pipeline run can take it between two page loads."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pandas as pd

from matching.model import load_model, without_term_frequencies
from matching.people import CALWORKS_PEOPLE
from matching.quality import QA
from matching.review import load_decisions
from orchestration.lib.privacy import pseudonym
from orchestration.lib.warehouse import open_warehouse

# a page waits this long for a pipeline run holding the warehouse, then says so
BUSY_WAIT_SECONDS = 5.0
# the comparisons as a reviewer calls them
COMPARISON_LABELS = {
    "first_name": "First name",
    "last_name": "Last name",
    "dob": "Date of birth",
    "ssn": "SSN",
    "middle_initial": "Middle initial",
    "sex": "Sex",
    "suffix": "Suffix (Jr, Sr)",
    "place": "Address",
}
# Splink's level labels in plain words (the project's own levels already are)
_PLAIN = [
    (re.compile(r" is NULL$|^\(\(.* is null"), "missing on one side"),
    (re.compile(r"^Exact match on birth_year"), "same birth year only"),
    (re.compile(r"^Exact match on "), "the same"),
    (re.compile(r"^All other comparisons$"), "different"),
    (re.compile(r"^Jaro-Winkler .* >= 0\.9"), "spelled almost the same"),
    (re.compile(r"^Jaro-Winkler .* >= 0\.8"), "spelled alike"),
    (re.compile(r"^Damerau-Levenshtein .* <= 1$"), "one letter or digit off"),
    (re.compile(r"^Damerau-Levenshtein .* <= 2$"), "two letters off"),
    (re.compile(r"^Abs difference .*1 day"), "one day apart"),
]
# the two records side by side: label, CalWORKs column, CWS column, comparison
FIELDS = [
    ("First name", "first_name", "first_name", "first_name"),
    ("Middle name", "middle_name", "middle_name", "middle_initial"),
    ("Last name", "last_name", "last_name", "last_name"),
    ("Date of birth", "date_of_birth", "birth_date", "dob"),
    ("Sex", "sex", "sex", "sex"),
    ("SSN (last 4)", "ssn_last4", "ssn_last4", "ssn"),
    ("Address", "address_line1", "address_line1", "place"),
    ("City", "city", "city", "place"),
    ("ZIP", "zip", "zip", "place"),
]


def plain_level(label: str) -> str:
    for pattern, words in _PLAIN:
        if pattern.search(label):
            return words
    return label


@dataclass
class Level:
    name: str  # the model's comparison
    comparison: str  # plain label
    level: str  # plain label
    agreement: str  # agree, close, differ, missing
    weight: float | None  # log2 Bayes factor, None when the level adds nothing


@cache
def _model(path: str) -> dict:
    # scored pairs carry no term-frequency columns: the waterfall has no tf bars
    return without_term_frequencies(load_model(Path(path)))


@cache
def _settings(path: str):
    from splink.internals.settings_creator import SettingsCreator

    return SettingsCreator.from_path_or_dict(_model(path)).get_settings("duckdb")


def levels(pair: dict, model_path: str) -> list[Level]:
    """Each comparison's level for the pair, in the model's order, with its label
    and how far it agrees: the top level agrees, 'else' differs, null is missing."""
    out = []
    for comparison in _model(model_path)["comparisons"]:
        name = comparison["output_column_name"]
        gamma = pair.get(f"gamma_{name}")
        if gamma is None or pd.isna(gamma):
            continue
        gamma = int(gamma)
        real = [
            lv for lv in comparison["comparison_levels"] if not lv.get("is_null_level")
        ]
        if gamma < 0:
            label, agreement, weight = "missing on one side", "missing", None
        else:
            level = real[len(real) - 1 - gamma]  # numbered from the top down to 0
            label = plain_level(level["label_for_charts"])
            agreement = (
                "agree"
                if gamma == len(real) - 1
                else "differ"
                if gamma == 0
                else "close"
            )
            m, u = level.get("m_probability"), level.get("u_probability")
            weight = math.log2(m / u) if m and u else None
        out.append(
            Level(name, COMPARISON_LABELS.get(name, name), label, agreement, weight)
        )
    return out


def waterfall(pair: dict, model_path: str) -> list[dict]:
    """Splink's waterfall of the pair's match weight (splink.internals.waterfall_chart,
    the data behind linker.visualisations.waterfall_chart), from the stored levels:
    the prior, each comparison's partial weight, and the final weight. Whatever the
    stored weight holds beyond them (names' term frequencies) is one bar of its own."""
    from splink.internals.waterfall_chart import record_to_waterfall_data

    record = {k: (int(v) if k.startswith("gamma_") else v) for k, v in pair.items()}
    bars = record_to_waterfall_data(record, _settings(model_path), hide_details=True)
    steps = [b for b in bars if b["column_name"] not in ("Final score",)]
    total = float(pair["match_weight"])
    rest = total - sum(b["log2_bayes_factor"] for b in steps)
    rows = [
        {
            "label": "Starting point (two records picked at random)"
            if b["column_name"] == "Prior"
            else COMPARISON_LABELS.get(b["column_name"], b["column_name"]),
            "level": ""
            if b["column_name"] == "Prior"
            else plain_level(b["label_for_charts"]),
            "weight": float(b["log2_bayes_factor"]),
        }
        for b in steps
        if b["column_name"] == "Prior" or b["comparison_vector_value"] != -1
    ]
    if abs(rest) >= 0.01:
        rows.append({"label": "How common the names are", "level": "", "weight": rest})
    running = 0.0
    for row in rows:
        row["start"], running = running, running + row["weight"]
        row["end"] = running
    rows.append(
        {
            "label": "Match weight",
            "level": "",
            "weight": total,
            "start": 0.0,
            "end": total,
        }
    )
    return rows


def queue_month(con) -> str | None:
    if not con.table_exists("linkage", "review_queue"):
        return None
    return con.execute("select max(report_month) from linkage.review_queue").fetchall()[
        0
    ][0]


def _columns(con, table: str) -> set[str]:
    return {row[0] for row in con.execute(f"describe {table}").fetchall()}


def read_queue(config) -> tuple[str | None, pd.DataFrame]:
    """The latest month's queue, with each pair's page token and whether a decision
    would move a family on or off a list (marts.review_priority)."""
    with open_warehouse(config, read_only=True, wait_seconds=BUSY_WAIT_SECONDS) as con:
        month = queue_month(con)
        if month is None:
            return None, pd.DataFrame()
        has_priority = con.table_exists("marts", "review_priority")
        sample = (
            "q.sample"
            if "sample" in _columns(con, "linkage.review_queue")
            else "'REVIEW_BAND'"
        )
        priority = "coalesce(pr.changes_a_list, false)" if has_priority else "false"
        join = (
            "left join marts.review_priority pr on pr.report_month = q.report_month "
            "and pr.calworks_person_id = q.calworks_person_id "
            "and pr.cws_client_id = q.cws_client_id"
            if has_priority
            else ""
        )
        queue = con.execute(
            f"select q.*, {sample} as sample_kind, {priority} as changes_a_list "
            f"from linkage.review_queue q {join} where q.report_month = $m",
            {"m": month},
        ).df()
    queue["sample"] = queue.pop("sample_kind")
    queue["token"] = [
        pseudonym(f"{month}|{a}|{b}")
        for a, b in zip(
            queue["calworks_person_id"], queue["cws_client_id"], strict=True
        )
    ]
    # first the pairs that move a family on or off a list, then the review band by
    # score, then the QA pairs in the order of their keyed token: their order must
    # not give away their scores
    qa = queue["sample"] == QA
    queue = queue.assign(
        _qa=qa, _score=queue["match_probability"].where(~qa, 0.0)
    ).sort_values(
        ["changes_a_list", "_qa", "_score", "token"],
        ascending=[False, True, False, True],
        ignore_index=True,
    )
    return month, queue.drop(columns=["_qa", "_score"])


def with_status(queue: pd.DataFrame, decisions_path: Path) -> pd.DataFrame:
    """The queue with each pair's latest decision since: a pair decided MATCH or
    NON_MATCH is done (it applies from the next run); an UNSURE one stays to do,
    after the undecided ones."""
    decisions = load_decisions(decisions_path)[
        ["calworks_person_id", "cws_client_id", "decision", "reviewer_id", "note"]
    ]
    out = queue.merge(decisions, how="left", on=["calworks_person_id", "cws_client_id"])
    out["done"] = out["decision"].isin(["MATCH", "NON_MATCH"])
    out["unsure"] = out["decision"].eq("UNSURE")
    return out


def to_do(queue: pd.DataFrame) -> pd.DataFrame:
    """The pairs left, in the order the page offers them."""
    left = queue.loc[~queue["done"]]
    return pd.concat([left.loc[~left["unsure"]], left.loc[left["unsure"]]])


PERSON_SQL = f"""
select first_name, middle_name, last_name, cast(date_of_birth as varchar) as date_of_birth,
       sex, right(ssn, 4) as ssn_last4, address_line1, city, zip
from {CALWORKS_PEOPLE} where report_month = $m and person_id = $id
"""
CLIENT_SQL = """
select first_name, middle_name, last_name, cast(birth_date as varchar) as birth_date,
       sex, right(ssn, 4) as ssn_last4, address_line1, city, zip
from raw.cws_clients where report_month = $m and client_id = $id
"""
# the CalWORKs cases of the person, every member, and whom each is linked to
CALWORKS_FAMILY_SQL = """
select p.case_number as family, p.person_id as record_id, p.first_name, p.last_name,
       cast(p.date_of_birth as varchar) as born, p.role, p.member_status as status,
       string_agg(c.first_name || ' ' || c.last_name, '; ' order by c.client_id) as linked_to
from raw.calworks_persons p
left join linkage.person_links l
    on l.report_month = p.report_month and l.calworks_person_id = p.person_id
left join raw.cws_clients c
    on c.report_month = p.report_month and c.client_id = l.cws_client_id
where p.report_month = $m and p.case_number in (
    select case_number from raw.calworks_persons where report_month = $m and person_id = $id)
group by all
order by family, p.role, p.person_id
"""
# the CWS cases and referrals naming the client, everyone on them, and their links;
# a referral's people are shown only as named on it, never with the allegation
CWS_FAMILY_SQL = """
with families as (
    select 'Case ' || case_id as family, client_id, role
    from raw.cws_case_participants where report_month = $m
    union all
    select 'Referral ' || referral_id, victim_client_id, 'ON REFERRAL'
    from raw.cws_allegations where report_month = $m
    union all
    select 'Referral ' || referral_id, perpetrator_client_id, 'ON REFERRAL'
    from raw.cws_allegations where report_month = $m and perpetrator_client_id is not null
),
mine as (select distinct family from families where client_id = $id),
members as (
    select family, client_id, min(role) as role from families
    where family in (select family from mine) group by all
)
select m.family, m.client_id as record_id, c.first_name, c.last_name,
       cast(c.birth_date as varchar) as born, m.role, '' as status,
       string_agg(p.first_name || ' ' || p.last_name, '; ' order by p.person_id) as linked_to
from members m
left join raw.cws_clients c on c.report_month = $m and c.client_id = m.client_id
left join linkage.person_links l on l.report_month = $m and l.cws_client_id = m.client_id
left join linkage.calworks_people p on p.report_month = $m and p.person_id = l.calworks_person_id
group by all
order by m.family, m.role, m.client_id
"""


def pair_details(config, month: str, pair: dict) -> dict:
    """Both records and both families of one queue pair."""
    cw, cws = pair["calworks_person_id"], pair["cws_client_id"]
    with open_warehouse(config, read_only=True, wait_seconds=BUSY_WAIT_SECONDS) as con:
        person = con.execute(PERSON_SQL, {"m": month, "id": cw}).df()
        client = con.execute(CLIENT_SQL, {"m": month, "id": cws}).df()
        cw_family = con.execute(CALWORKS_FAMILY_SQL, {"m": month, "id": cw}).df()
        cws_family = con.execute(CWS_FAMILY_SQL, {"m": month, "id": cws}).df()
    person = person.iloc[0].to_dict() if len(person) else {}
    client = client.iloc[0].to_dict() if len(client) else {}
    by_comparison = {lv.name: lv for lv in levels(pair, config.model_path)}
    rows = []
    for label, left, right, comparison in FIELDS:
        level = by_comparison.get(comparison)
        rows.append(
            {
                "label": label,
                "calworks": _text(person.get(left)),
                "cws": _text(client.get(right)),
                "agreement": level.agreement if level else "",
                "level": level.level if level else "",
            }
        )
    return {
        "fields": rows,
        "levels": list(by_comparison.values()),
        "calworks_family": _family(cw_family, cw),
        "cws_family": _family(cws_family, cws),
    }


def _text(value) -> str:
    return (
        ""
        if value is None or (not isinstance(value, str) and pd.isna(value))
        else str(value)
    )


def _family(frame: pd.DataFrame, record_id: str) -> list[dict]:
    rows = []
    for row in frame.itertuples():
        rows.append(
            {
                "family": row.family,
                "name": f"{_text(row.first_name)} {_text(row.last_name)}".strip(),
                "born": _text(row.born),
                "role": _text(row.role).replace("_", " ").lower(),
                "status": _text(row.status).lower(),
                "linked_to": _text(row.linked_to),
                "this_record": row.record_id == record_id,
            }
        )
    return rows


def is_qa(pair: dict) -> bool:
    return pair.get("sample") == QA
