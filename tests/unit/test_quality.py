"""Link quality from blind QA verdicts: precision per stratum with its 95% Wilson
interval, worked out by hand, and the links expected to be false."""

import pandas as pd
import pytest

from matching.quality import (
    estimated_false_links,
    link_quality,
    month_verdicts,
    qa_sample,
    wilson_interval,
)
from matching.review import load_decisions

EDGES = [0.5, 0.8, 0.95, 0.99]

# Wilson, n = 3, z = 1.95996 (z^2 = 3.8415):
#   denominator 1 + z^2/n = 2.2805
#   centre = (p + z^2/2n) / 2.2805 = (p + 0.6402) / 2.2805
#   half   = z / 2.2805 * sqrt(p(1-p)/n + z^2/4n^2) = 0.8594 * sqrt(p(1-p)/3 + 0.1067)
# p = 3/3: centre 0.7192, half 0.8594 * 0.3267 = 0.2808 -> 0.4385 .. 1 (0.99999, capped)
# p = 2/3: centre 0.5731, half 0.8594 * sqrt(0.0741 + 0.1067) = 0.3654 -> 0.2077 .. 0.9385
# p = 1/3: centre 0.4269, half 0.3654                                 -> 0.0615 .. 0.7923
# p = 0/3: centre 0.2808, half 0.2808                                 -> 0      .. 0.5615
EXPECTED = {
    # stratum: (decided, matches, precision, low, high)
    "auto 0.95-0.99": (3, 3, 1.0, 0.4385, 1.0),
    "auto 0.99-1.00": (3, 2, 0.6667, 0.2077, 0.9385),
    "household 0.95-0.99": (3, 1, 0.3333, 0.0615, 0.7923),
    "household 0.99-1.00": (3, 0, 0.0, 0.0, 0.5615),
}


def _september_sample() -> pd.DataFrame:
    """September's QA sample: 4 pairs in each of the four strata."""
    rows = []
    for band, (basis, low, high) in {
        "auto 0.95-0.99": ("MODEL", 0.95, 0.99),
        "auto 0.99-1.00": ("MODEL", 0.99, 1.0),
        "household 0.95-0.99": ("HOUSEHOLD", 0.95, 0.99),
        "household 0.99-1.00": ("HOUSEHOLD", 0.99, 1.0),
    }.items():
        for i in range(4):
            rows.append(
                ("2026-09", f"{band}-p{i}", f"{band}-c{i}", band, basis, low, high)
            )
    return pd.DataFrame(
        rows,
        columns=[
            "report_month",
            "calworks_person_id",
            "cws_client_id",
            "score_band",
            "link_basis",
            "band_low",
            "band_high",
        ],
    )


def _decisions(tmp_path):
    """In October three verdicts per stratum; besides, one pair per stratum decided
    in September (not October's), UNSURE (no verdict) or in November (after
    October's as-of date)."""
    verdicts = {
        "auto 0.95-0.99": ["MATCH", "MATCH", "MATCH"],
        "auto 0.99-1.00": ["MATCH", "MATCH", "NON_MATCH"],
        "household 0.95-0.99": ["MATCH", "NON_MATCH", "NON_MATCH"],
        "household 0.99-1.00": ["NON_MATCH", "NON_MATCH", "NON_MATCH"],
    }
    rows = []
    for band, decisions in verdicts.items():
        for i, decision in enumerate(decisions):
            rows.append(
                (
                    f"{band}-p{i}",
                    f"{band}-c{i}",
                    decision,
                    "RV1",
                    "2026-10-14T09:00:00Z",
                )
            )
    extra = [
        ("2026-09-30T16:00:00Z", "NON_MATCH"),
        ("2026-10-20T10:00:00Z", "UNSURE"),
        ("2026-11-02T10:00:00Z", "NON_MATCH"),
    ]
    for band, (at, decision) in zip(verdicts, extra * 2, strict=False):
        rows.append((f"{band}-p3", f"{band}-c3", decision, "RV2", at))
    path = tmp_path / "decisions.csv"
    pd.DataFrame(
        rows,
        columns=[
            "calworks_person_id",
            "cws_client_id",
            "decision",
            "reviewer_id",
            "decided_at",
        ],
    ).to_csv(path, index=False)
    return load_decisions(path, as_of="2026-10-31")


def test_three_qa_verdicts_per_band_give_the_stated_precision_and_interval(tmp_path):
    verdicts = month_verdicts(_september_sample(), _decisions(tmp_path), "2026-10")
    quality = link_quality(verdicts).set_index("score_band")
    got = {
        band: (
            int(row.qa_pairs_decided),
            int(row.qa_matches),
            round(row.precision, 4),
            round(row.precision_low, 4),
            round(row.precision_high, 4),
        )
        for band, row in quality.iterrows()
    }
    assert got == EXPECTED


def test_the_links_expected_false_are_each_stratum_times_its_miss_rate(tmp_path):
    quality = link_quality(
        month_verdicts(_september_sample(), _decisions(tmp_path), "2026-10")
    )
    counts = {
        ("MODEL", 0.97): 10,  # precision 1      -> 0 false
        ("MODEL", 0.995): 30,  # precision 2/3   -> 10
        ("HOUSEHOLD", 0.96): 6,  # precision 1/3 -> 4
        ("HOUSEHOLD", 1.0): 3,  # precision 0    -> 3
        ("REVIEWER", 0.7): 5,  # a reviewer said so: not estimated
    }
    links = pd.DataFrame(
        [(basis, p) for (basis, p), n in counts.items() for _ in range(n)],
        columns=["link_basis", "match_probability"],
    )
    assert estimated_false_links(links, quality, EDGES) == pytest.approx(17.0)


def test_no_verdicts_means_no_rows_and_no_estimate():
    verdicts = month_verdicts(
        _september_sample(),
        pd.DataFrame(
            columns=["calworks_person_id", "cws_client_id", "decision"]
        ).assign(decided_at=pd.Series(dtype="datetime64[ns, UTC]")),
        "2026-10",
    )
    quality = link_quality(verdicts)
    assert quality.empty and list(quality.columns)[:2] == ["score_band", "link_basis"]
    links = pd.DataFrame({"link_basis": ["MODEL"], "match_probability": [0.99]})
    assert estimated_false_links(links, quality, EDGES) == 0.0


def test_wilson_interval_of_nothing_decided_is_undefined():
    low, high = wilson_interval(0, 0)
    assert low != low and high != high  # NaN


def test_the_qa_sample_is_stratified_blind_to_decided_pairs_and_repeatable():
    """Two pairs per stratum; MODEL 0.99+ has 5 links of which p0 is decided, so 2
    of the other 4; HOUSEHOLD 0.95-0.99 has one link, taken alone; a REVIEWER link
    and a link under the lowest band edge are never drawn."""
    links = pd.DataFrame(
        [(f"p{i}", f"c{i}", 0.999, "MODEL") for i in range(5)]
        + [("h1", "k1", 0.96, "HOUSEHOLD"), ("r1", "s1", 0.999, "REVIEWER")]
        + [("low", "low", 0.4, "MODEL")],
        columns=[
            "calworks_person_id",
            "cws_client_id",
            "match_probability",
            "link_basis",
        ],
    )
    decided = pd.DataFrame({"calworks_person_id": ["p0"], "cws_client_id": ["c0"]})
    sample = qa_sample(links, decided, EDGES, 2, "2026-10")
    by_band = sample.groupby("score_band")["calworks_person_id"].apply(sorted)
    assert set(by_band.index) == {"auto 0.99-1.00", "household 0.95-0.99"}
    assert len(by_band["auto 0.99-1.00"]) == 2
    assert set(by_band["auto 0.99-1.00"]) <= {"p1", "p2", "p3", "p4"}
    assert by_band["household 0.95-0.99"] == ["h1"]
    assert (sample["sample"] == "QA").all()
    again = qa_sample(links, decided, EDGES, 2, "2026-10")
    assert again["calworks_person_id"].tolist() == sample["calworks_person_id"].tolist()


def test_the_linkage_metadata_carries_each_strata_precision_and_interval(tmp_path):
    from orchestration.defs.linkage.assets import _quality_metadata
    from orchestration.lib.config import PipelineConfig

    quality = link_quality(
        month_verdicts(_september_sample(), _decisions(tmp_path), "2026-10")
    )
    queue = pd.DataFrame({"sample": ["REVIEW_BAND"] * 5 + ["QA"] * 3})
    links = pd.DataFrame(
        {"link_basis": ["MODEL"] * 30, "match_probability": [0.995] * 30}
    )
    meta = _quality_metadata(queue, quality, links, PipelineConfig())
    assert meta["qa_sample"] == 3 and meta["qa_pairs_decided"] == 12
    # 30 auto links at 0.99+, precision 2/3: 10 expected false
    assert meta["estimated_false_links"] == 10.0
    assert meta["precision auto 0.99-1.00"] == 0.6667
    assert meta["precision auto 0.99-1.00 (95% low)"] == 0.2077
    assert meta["precision auto 0.99-1.00 (95% high)"] == 0.9385
    assert meta["precision household 0.99-1.00"] == 0.0
