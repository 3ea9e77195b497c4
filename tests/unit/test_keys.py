"""Person keys stay with their records; merges keep the older key; splits are logged."""

import pandas as pd

from matching.keys import assign_keys, clusters, key_edges


def recs(*ids):
    return pd.DataFrame(
        {
            "system": [i.split(":")[0] for i in ids],
            "record_id": [i.split(":")[1] for i in ids],
        }
    )


def pairs(*edges, p=0.99):
    rows = [
        (a.split(":")[0], a.split(":")[1], b.split(":")[0], b.split(":")[1], p)
        for a, b in edges
    ]
    return pd.DataFrame(
        rows,
        columns=[
            "source_dataset_l",
            "unique_id_l",
            "source_dataset_r",
            "unique_id_r",
            "match_probability",
        ],
    )


NO_KEYS = pd.DataFrame(columns=["system", "record_id", "person_key"])


def keyed(result):
    df, _ = result
    return dict(
        zip(df["system"] + ":" + df["record_id"], df["person_key"], strict=True)
    )


def test_first_month_gives_one_key_per_cluster():
    r = recs("calworks:1", "cws:a", "cws:b", "calworks:2")
    # 1-a linked; b a second client id of the same person; 2 alone
    c = clusters(r, pairs(("calworks:1", "cws:a"), ("cws:a", "cws:b")))
    keys = keyed(assign_keys(r, c, NO_KEYS))
    assert keys["calworks:1"] == keys["cws:a"] == keys["cws:b"]
    assert keys["calworks:2"] != keys["calworks:1"]
    assert sorted(set(keys.values())) == ["PK0000000001", "PK0000000002"]


def links(*edges):
    return pd.DataFrame(
        [(a.split(":")[1], b.split(":")[1]) for a, b in edges],
        columns=["calworks_person_id", "cws_client_id"],
    )


def test_links_join_across_systems_and_strong_pairs_within_one():
    r = recs(
        "calworks:1",
        "cws:a",
        "calworks:2",
        "cws:b",
        "cws:c",
        "calworks:3",
        "calworks:4",
    )
    scored = pd.concat(
        [
            pairs(("cws:a", "cws:b")),  # one person's two client ids: joins
            pairs(
                ("cws:b", "cws:c"), ("calworks:3", "calworks:4"), p=0.6
            ),  # weak within a system: does not
            pairs(
                ("calworks:2", "cws:c")
            ),  # strong, but not a link (a reviewer said NON_MATCH): does not
        ]
    )
    # 1-a by the model; 3-c by household context, whatever its own probability
    c = clusters(
        r,
        key_edges(
            scored, links(("calworks:1", "cws:a"), ("calworks:3", "cws:c")), 0.95
        ),
    )
    by = dict(zip(r["system"] + ":" + r["record_id"], c, strict=True))
    assert by["calworks:1"] == by["cws:a"] == by["cws:b"]
    assert by["calworks:3"] == by["cws:c"]
    assert (
        len({by["calworks:1"], by["calworks:2"], by["calworks:3"], by["calworks:4"]})
        == 4
    )


def test_keys_are_stable_and_new_records_join_existing_keys():
    previous = pd.DataFrame(
        {
            "system": ["calworks", "cws"],
            "record_id": ["1", "a"],
            "person_key": ["PK0000000007", "PK0000000007"],
        }
    )
    r = recs("calworks:1", "cws:a", "cws:new", "calworks:9")
    c = clusters(r, pairs(("calworks:1", "cws:a"), ("cws:new", "calworks:1")))
    keys, events = assign_keys(r, c, previous)
    k = dict(
        zip(keys["system"] + ":" + keys["record_id"], keys["person_key"], strict=True)
    )
    assert k["calworks:1"] == k["cws:a"] == k["cws:new"] == "PK0000000007"
    assert k["calworks:9"] == "PK0000000008"  # next after the largest ever issued
    assert events.empty


def test_merge_keeps_the_older_key_and_logs_both():
    previous = pd.DataFrame(
        {
            "system": ["calworks", "cws"],
            "record_id": ["1", "a"],
            "person_key": ["PK0000000003", "PK0000000002"],
        }
    )
    r = recs("calworks:1", "cws:a")
    keys, events = assign_keys(r, clusters(r, pairs(("calworks:1", "cws:a"))), previous)
    assert set(keys["person_key"]) == {"PK0000000002"}
    assert events.values.tolist() == [["MERGE", "PK0000000002", "PK0000000003", 2]]


def test_split_keeps_the_key_with_the_larger_group():
    previous = pd.DataFrame(
        {
            "system": ["calworks", "cws", "cws"],
            "record_id": ["1", "a", "b"],
            "person_key": ["PK0000000004"] * 3,
        }
    )
    r = recs("calworks:1", "cws:a", "cws:b")
    # a reviewer broke b away: only 1-a remain linked
    keys, events = assign_keys(r, clusters(r, pairs(("calworks:1", "cws:a"))), previous)
    k = dict(zip(keys["record_id"], keys["person_key"], strict=True))
    assert k["1"] == k["a"] == "PK0000000004"
    assert k["b"] == "PK0000000005"
    assert events.values.tolist() == [["SPLIT", "PK0000000004", None, 1]]


def test_new_keys_do_not_depend_on_the_order_rows_arrive_in():
    ids = ("cws:b", "calworks:2", "cws:a", "calworks:1")
    edges = (("calworks:1", "cws:a"),)
    r = recs(*ids)
    forward = keyed(assign_keys(r, clusters(r, pairs(*edges)), NO_KEYS))
    r = recs(*reversed(ids))
    backward = keyed(assign_keys(r, clusters(r, pairs(*edges)), NO_KEYS))
    assert forward == backward
    # numbered by each person's first record: calworks:1 < calworks:2 < cws:b
    assert forward["calworks:1"] == forward["cws:a"] == "PK0000000001"
    assert forward["calworks:2"] == "PK0000000002"
    assert forward["cws:b"] == "PK0000000003"


def test_a_month_with_a_three_key_merge_a_tied_split_and_a_new_record():
    previous = pd.DataFrame(
        {
            "system": ["calworks", "cws", "cws", "calworks", "cws"],
            "record_id": ["1", "a", "b", "2", "c"],
            "person_key": [
                "PK0000000005",
                "PK0000000003",
                "PK0000000009",
                "PK0000000006",
                "PK0000000006",
            ],
        }
    )
    r = recs("cws:c", "calworks:3", "cws:b", "calworks:2", "cws:a", "calworks:1")
    # 1, a and b are now one person; 2 and c are no longer linked; 3 is new
    c = clusters(r, pairs(("calworks:1", "cws:a"), ("cws:a", "cws:b")))
    keys, events = assign_keys(r, c, previous)
    k = keyed((keys, events))
    assert k["calworks:1"] == k["cws:a"] == k["cws:b"] == "PK0000000003"
    # a tie (one record each): the person whose first record sorts first keeps it
    assert k["calworks:2"] == "PK0000000006"
    # new keys after the largest issued, in the order of each person's first record
    assert k["calworks:3"] == "PK0000000010"
    assert k["cws:c"] == "PK0000000011"
    # a split has no other key (missing)
    assert events.fillna({"other_key": "-"}).values.tolist() == [
        ["SPLIT", "PK0000000006", "-", 1],
        ["MERGE", "PK0000000003", "PK0000000005", 3],
        ["MERGE", "PK0000000003", "PK0000000009", 3],
    ]
