"""Link quality measured in production, where there is no ground truth: each month a
stratified random sample of the links (per link basis and score band) joins the
review queue marked QA, blind, and the reviewers' verdicts on it give the precision
of each stratum with a 95% Wilson interval.

A QA verdict counts in the month it was made: the run of month M counts the
decisions made during M (by its last day, as every decision is read) on pairs
sampled from earlier months' links, each in the stratum it was sampled from. So a
rerun of M gives its first result, and each verdict is counted once.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

REVIEW_BAND, QA = "REVIEW_BAND", "QA"
# the links the model made, sampled per stratum; a reviewer's own link is not checked
SAMPLED_BASES = {"MODEL": "auto", "HOUSEHOLD": "household"}
# 95% two-sided normal quantile
Z95 = 1.959963984540054
QUALITY_COLUMNS = {
    "score_band": "string",
    "link_basis": "string",
    "band_low": "float64",
    "band_high": "float64",
    "qa_pairs_decided": "int64",
    "qa_matches": "int64",
    "precision": "float64",
    "precision_low": "float64",
    "precision_high": "float64",
}


def wilson_interval(matches: int, decided: int, z: float = Z95) -> tuple[float, float]:
    """Wilson score interval of a proportion: unlike the normal approximation it
    stays inside [0, 1] and is not zero-width at 3 of 3, which QA samples of a few
    pairs per band reach all the time."""
    if decided == 0:
        return (math.nan, math.nan)
    p, n, z2 = matches / decided, decided, z * z
    centre = (p + z2 / (2 * n)) / (1 + z2 / n)
    half = z / (1 + z2 / n) * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n))
    return (max(0.0, centre - half), min(1.0, centre + half))


def bands(edges: list[float]) -> list[tuple[float, float]]:
    """(low, high) of each score band: one from each edge to the next, the last to 1."""
    return list(zip(edges, [*edges[1:], 1.0], strict=True))


def band_label(basis: str, low: float, high: float) -> str:
    return f"{SAMPLED_BASES[basis]} {low:.2f}-{high:.2f}"


def strata(links: pd.DataFrame, edges: list[float]) -> pd.DataFrame:
    """`links` (link_basis, match_probability) with score_band, band_low, band_high;
    links of a basis that is not sampled, or under the lowest edge, are dropped."""
    parts = []
    for basis in SAMPLED_BASES:
        of_basis = links.loc[links["link_basis"] == basis]
        p = of_basis["match_probability"]
        for low, high in bands(edges):
            inside = (p >= low) & ((p < high) | (high >= 1.0))
            parts.append(
                of_basis.loc[inside].assign(
                    score_band=band_label(basis, low, high),
                    band_low=low,
                    band_high=high,
                )
            )
    return pd.concat(parts, ignore_index=True)


def qa_sample(
    linked_pairs: pd.DataFrame,
    decisions: pd.DataFrame,
    edges: list[float],
    per_band: int,
    month: str,
) -> pd.DataFrame:
    """Up to `per_band` links of each stratum, drawn at random without those a
    reviewer has already decided; the same month draws the same pairs (seeded by
    the month, records in id order), so a rerun gives its first result."""
    decided = decisions[["calworks_person_id", "cws_client_id"]].assign(_decided=True)
    pool = linked_pairs.merge(
        decided, how="left", on=["calworks_person_id", "cws_client_id"]
    )
    pool = pool.loc[pool["_decided"].isna()].drop(columns="_decided")
    pool = strata(pool, edges).sort_values(
        ["score_band", "calworks_person_id", "cws_client_id"], ignore_index=True
    )
    rng = np.random.default_rng(int(month.replace("-", "")))
    picked = []
    for _, stratum in pool.groupby("score_band", sort=True):
        n = min(per_band, len(stratum))
        picked.append(stratum.iloc[np.sort(rng.choice(len(stratum), n, replace=False))])
    sample = pd.concat(picked, ignore_index=True) if picked else pool.iloc[:0]
    return sample.assign(sample=QA)


def month_verdicts(
    earlier_qa: pd.DataFrame, decisions: pd.DataFrame, month: str
) -> pd.DataFrame:
    """The QA pairs (earlier months' samples: calworks_person_id, cws_client_id,
    report_month, score_band, link_basis, band_low, band_high) whose latest decision
    was made during `month`, MATCH or NON_MATCH (UNSURE is no verdict); each pair in
    the stratum of the latest sample that drew it."""
    start = pd.Timestamp(f"{month}-01", tz="UTC")
    made = decisions.loc[
        decisions["decision"].isin(["MATCH", "NON_MATCH"])
        & (decisions["decided_at"] >= start)
    ]
    latest = earlier_qa.sort_values("report_month").drop_duplicates(
        ["calworks_person_id", "cws_client_id"], keep="last"
    )
    return latest.merge(
        made[["calworks_person_id", "cws_client_id", "decision"]],
        on=["calworks_person_id", "cws_client_id"],
    )


def link_quality(verdicts: pd.DataFrame) -> pd.DataFrame:
    """One row per stratum with verdicts: pairs decided, matches, precision and its
    95% Wilson interval (QUALITY_COLUMNS)."""
    rows = []
    keys = ["score_band", "link_basis", "band_low", "band_high"]
    for key, group in verdicts.groupby(keys, sort=True):
        decided, matches = len(group), int((group["decision"] == "MATCH").sum())
        low, high = wilson_interval(matches, decided)
        rows.append(
            (*key, decided, matches, matches / decided, round(low, 6), round(high, 6))
        )
    return pd.DataFrame(rows, columns=list(QUALITY_COLUMNS)).astype(QUALITY_COLUMNS)


def estimated_false_links(
    links: pd.DataFrame, quality: pd.DataFrame, edges: list[float]
) -> float:
    """Links expected to be wrong: each stratum's links times (1 - its precision);
    strata without verdicts count nothing (unknown, not zero: said in the docs)."""
    if quality.empty:
        return 0.0
    counts = strata(links, edges)
    per_band = counts.groupby("score_band").size()
    miss = 1 - quality.set_index("score_band")["precision"]
    return float((per_band.reindex(miss.index).fillna(0) * miss).sum())
