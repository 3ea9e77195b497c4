"""One month's person linkage: records -> scored pairs -> links and a review queue.

    linked  = (auto_match: probability >= auto-match threshold, not twin-like;
               or a reviewer said MATCH) and no reviewer said NON_MATCH
    review  = probability >= floor, not auto-matched, not yet decided
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import numpy as np
import pandas as pd

from matching.model import predict
from matching.standardize import standardize

CALWORKS, CWS = "calworks", "cws"
# comparison levels count up from "else" (0); null is -1 (matching/settings.py)
DISAGREES = 0
SSN_EXACT = 2


def auto_match(pairs: pd.DataFrame, threshold: float) -> pd.Series:
    """At or above the threshold, except where the first names or the birth dates
    disagree outright and no exact SSN says otherwise. Relatives share surname and
    address -- twins a birth date too, a junior and a senior a first name too --
    and the model adds those agreements up as if independent (a rare surname alone
    can outweigh a wholly different birth date). Such pairs go to clerical review."""
    relative_like = pairs["gamma_first_name"].eq(DISAGREES) | pairs["gamma_dob"].eq(DISAGREES)
    return (pairs["match_probability"] >= threshold) & ~(relative_like & pairs["gamma_ssn"].ne(SSN_EXACT))


@dataclass
class MonthLinkage:
    pairs: pd.DataFrame  # every scored pair >= floor, both systems and within each
    links: pd.DataFrame  # calworks_person_id, cws_client_id, match_probability, link_basis
    review_queue: pd.DataFrame  # undecided cross-system pairs between floor and threshold


def month_records(con: duckdb.DuckDBPyConnection, month: str) -> dict[str, pd.DataFrame]:
    """The month's people from raw: a CalSAWS person once (their first case)."""
    calworks = con.execute(
        """select person_id as record_id, first_name, middle_name, last_name,
                  cast(date_of_birth as varchar) as date_of_birth, sex, ssn,
                  null as address_line1, null as city, null as zip
           from raw.calworks_persons p
           where report_month = $m
           qualify row_number() over (partition by person_id order by case_number) = 1""",
        {"m": month},
    ).df()
    # the household address lives on the case
    addr = con.execute(
        """select p.person_id as record_id, c.address_line1, c.city, c.zip
           from raw.calworks_persons p join raw.calworks_cases c
             on c.case_number = p.case_number and c.report_month = p.report_month
           where p.report_month = $m
           qualify row_number() over (partition by p.person_id order by p.case_number) = 1""",
        {"m": month},
    ).df()
    calworks = calworks.drop(columns=["address_line1", "city", "zip"]).merge(addr, on="record_id", how="left")
    cws = con.execute(
        """select client_id as record_id, first_name, middle_name, last_name,
                  cast(birth_date as varchar) as date_of_birth, sex, ssn, address_line1, city, zip
           from raw.cws_clients where report_month = $m""",
        {"m": month},
    ).df()
    return {CALWORKS: calworks, CWS: cws}


def link_month(
    records: dict[str, pd.DataFrame],
    model: dict,
    decisions: pd.DataFrame,
    threshold: float,
    floor: float,
) -> MonthLinkage:
    frames = {name: standardize(df, name) for name, df in records.items()}
    pairs = predict(frames, model, floor)
    cross = pairs.loc[(pairs["source_dataset_l"] == CALWORKS) & (pairs["source_dataset_r"] == CWS)]
    cross = cross.rename(columns={"unique_id_l": "calworks_person_id", "unique_id_r": "cws_client_id"})
    cross = cross.merge(
        decisions[["calworks_person_id", "cws_client_id", "decision"]],
        on=["calworks_person_id", "cws_client_id"],
        how="outer",
    )
    # a confirmed pair that the model did not score (outside blocking) still links
    known = cross["calworks_person_id"].isin(records[CALWORKS]["record_id"]) & cross[
        "cws_client_id"
    ].isin(records[CWS]["record_id"])
    cross = cross.loc[known]
    prob = cross["match_probability"]
    by_model = auto_match(cross, threshold)
    linked = (by_model | cross["decision"].eq("MATCH")) & ~cross["decision"].eq("NON_MATCH")
    links = cross.loc[linked, ["calworks_person_id", "cws_client_id", "match_probability"]].copy()
    links["link_basis"] = np.where(cross.loc[linked, "decision"].eq("MATCH"), "REVIEWER", "MODEL")
    queue = cross.loc[(prob >= floor) & ~by_model & cross["decision"].isna()]
    return MonthLinkage(
        pairs=pairs,
        links=links.sort_values(["calworks_person_id", "cws_client_id"], ignore_index=True),
        review_queue=queue.drop(columns=["decision", "source_dataset_l", "source_dataset_r"]),
    )
