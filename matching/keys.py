"""Stable person keys: a record keeps its key from month to month.

Clusters are the connected components of the month's links across the two
systems and of the pairs at or above the auto-match threshold within each. Each cluster takes the
oldest key any of its records held last month (keys are issued in order, so
the smallest is the oldest); a cluster with no keyed record gets a new key.
When a cluster joins records of several keys, that is a merge; when records
that shared a key fall into different clusters, the largest group keeps it
and the others get new keys: a split. Both are returned as events.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from matching.links import links_as_pairs

KEY_WIDTH = 10


def key_edges(
    pairs: pd.DataFrame, links: pd.DataFrame, threshold: float
) -> pd.DataFrame:
    """What joins records under one key: the month's links across the two systems
    (calworks_person_id, cws_client_id: a household link or a reviewer's MATCH
    joins, a reviewer's NON_MATCH has cut its pair) and, within each system, the
    pairs at or above the threshold (one person's two records)."""
    same = pairs["source_dataset_l"] == pairs["source_dataset_r"]
    within = pairs.loc[same & (pairs["match_probability"] >= threshold)]
    across = links_as_pairs(links)
    return pd.concat([within[across.columns], across], ignore_index=True)


def clusters(records: pd.DataFrame, edges: pd.DataFrame) -> pd.Series:
    """records: system, record_id; edges: the pairs that join two records
    (source_dataset_l/r, unique_id_l/r). A cluster number per record (index aligned)."""
    ids = pd.Index(records["system"] + ":" + records["record_id"])
    strong = edges
    left = ids.get_indexer(strong["source_dataset_l"] + ":" + strong["unique_id_l"])
    right = ids.get_indexer(strong["source_dataset_r"] + ":" + strong["unique_id_r"])
    ok = (left >= 0) & (right >= 0)
    n = len(ids)
    graph = coo_matrix((np.ones(ok.sum()), (left[ok], right[ok])), shape=(n, n))
    _, labels = connected_components(graph, directed=False)
    return pd.Series(labels, index=records.index)


def _new_keys(start: int, n: int) -> list[str]:
    return [f"PK{i:0{KEY_WIDTH}d}" for i in range(start, start + n)]


def assign_keys(
    records: pd.DataFrame, cluster: pd.Series, previous: pd.DataFrame
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """previous: system, record_id, person_key (last month's). Returns
    (records with person_key, events: event, person_key, other_key, records)."""
    df = records[["system", "record_id"]].assign(cluster=cluster.to_numpy())
    # clusters numbered by their first record, not by the order rows arrived in:
    # the same records get the same new keys however the query that read them sorted
    first = df.sort_values(["system", "record_id"]).drop_duplicates("cluster")
    rank = dict(zip(first["cluster"], range(len(first)), strict=True))
    df["cluster"] = df["cluster"].map(rank)
    df = df.merge(
        previous[["system", "record_id", "person_key"]],
        on=["system", "record_id"],
        how="left",
    )
    df["person_key"] = df["person_key"].astype(object)
    next_no = (
        int(previous["person_key"].str[2:].astype(int).max()) + 1
        if len(previous)
        else 1
    )
    events = []

    # a split: a previous key whose records now sit in several clusters
    held = (
        df.dropna(subset=["person_key"])
        .groupby(["person_key", "cluster"])
        .size()
        .reset_index(name="n")
    )
    held = held.sort_values(
        ["person_key", "n", "cluster"], ascending=[True, False, True]
    )
    keeper = held.drop_duplicates("person_key")
    lost = held.merge(
        keeper[["person_key", "cluster"]], on="person_key", suffixes=("", "_keep")
    )
    lost = lost.loc[lost["cluster"] != lost["cluster_keep"]]
    drop = df.set_index(["person_key", "cluster"]).index.isin(
        lost.set_index(["person_key", "cluster"]).index
    )
    for row in lost.itertuples():
        events.append(("SPLIT", row.person_key, None, int(row.n)))
    df.loc[drop, "person_key"] = None

    # a cluster keeps its oldest key; a merge when it held more than one
    keyed = df.dropna(subset=["person_key"])
    keys = keyed.groupby("cluster")["person_key"].agg(["min", "nunique"])
    keys.columns = ["key", "n_keys"]
    merged = keys.index[keys["n_keys"] > 1]
    # the keys each merging cluster held (few a month: the rest hold one)
    held_keys = keyed.loc[keyed["cluster"].isin(merged)].groupby("cluster")[
        "person_key"
    ]
    for cl, cluster_keys in held_keys:
        ordered = sorted(set(cluster_keys))
        for other in ordered[1:]:
            events.append(
                ("MERGE", ordered[0], other, int((df["cluster"] == cl).sum()))
            )
    df["person_key"] = df["cluster"].map(keys["key"]).astype(object)
    fresh = sorted(df.loc[df["person_key"].isna(), "cluster"].unique())
    df.loc[df["person_key"].isna(), "person_key"] = df["cluster"].map(
        dict(zip(fresh, _new_keys(next_no, len(fresh)), strict=True))
    )
    ev = pd.DataFrame(events, columns=["event", "person_key", "other_key", "records"])
    return df.drop(columns="cluster"), ev
