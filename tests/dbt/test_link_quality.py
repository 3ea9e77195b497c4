"""reporting.rpt_link_quality and rpt_list_false_links on the hand-worked month of
tests/fixtures/rules_case.py: empty without QA verdicts; with them, each list row
whose pair is a link counts (1 - precision) of its stratum."""

import duckdb
import pytest

from tests.dbt.conftest import load_links, load_raw, read, run_dbt
from tests.dbt.test_list_rules import MONTH, _fixture_frames, true_links


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    folder = tmp_path_factory.mktemp("quality")
    warehouse = folder / "warehouse.duckdb"
    with duckdb.connect(str(warehouse)) as con:
        load_raw(con, MONTH, _fixture_frames())
        load_links(con, MONTH, true_links())  # every link MODEL at 0.99
    proc = run_dbt(warehouse, MONTH, folder / "target")
    assert proc.returncode == 0, proc.stdout[-3000:]
    return warehouse, folder


def test_no_qa_verdicts_give_empty_tables_with_the_agreed_columns(built):
    warehouse, _ = built
    quality = read(warehouse, "select * from reporting.rpt_link_quality")
    false_links = read(warehouse, "select * from reporting.rpt_list_false_links")
    assert quality.empty and false_links.empty
    assert list(quality.columns) == [
        "report_month",
        "score_band",
        "qa_pairs_decided",
        "qa_matches",
        "precision",
        "precision_low",
        "precision_high",
    ]
    assert list(false_links.columns) == [
        "report_month",
        "list_name",
        "listed_rows",
        "estimated_false_links",
    ]
    types = read(
        warehouse,
        "select column_name, data_type from information_schema.columns "
        "where table_schema = 'reporting' and table_name = 'rpt_link_quality'",
    ).set_index("column_name")["data_type"]
    assert types["report_month"] == "DATE" and types["precision"] == "DOUBLE"
    assert types["qa_pairs_decided"] == "INTEGER"


def test_false_links_per_list_from_the_precision_of_each_rows_stratum(built):
    """Auto links 0.99-1.00: 2 of 3 QA pairs confirmed, so each such row is false
    with 1/3. Homeless 1 row, sanction 1: 1/3 each. Mutual cases 6 rows: the 4
    parents' pairs are links (4/3); the 2 caretaker rows pair the caretaker with the
    child's client, no link: 0. Mutual clients 9 rows, all links: 9/3 = 3."""
    warehouse, folder = built
    with duckdb.connect(str(warehouse)) as con:
        con.execute(
            "insert into linkage.link_quality values (?, 'auto 0.99-1.00', 'MODEL', "
            "0.99, 1.0, 3, 2, 2 / 3, 0.2077, 0.9385)",
            [MONTH],
        )
    select = "rpt_link_quality rpt_list_false_links"
    proc = run_dbt(warehouse, MONTH, folder / "target2", select=select)
    assert proc.returncode == 0, proc.stdout[-3000:]
    rows = read(warehouse, "select * from reporting.rpt_list_false_links")
    got = {
        r.list_name: (r.listed_rows, round(r.estimated_false_links, 4))
        for r in rows.itertuples()
    }
    assert got == {
        "match_list_homeless": (1, 0.3333),
        "match_list_sanction": (1, 0.3333),
        "match_list_mutual_cases": (6, 1.3333),
        "match_list_mutual_clients": (9, 3.0),
    }
    quality = read(warehouse, "select * from reporting.rpt_link_quality")
    assert quality[
        ["score_band", "qa_pairs_decided", "qa_matches"]
    ].values.tolist() == [["auto 0.99-1.00", 3, 2]]
    assert str(quality["report_month"].iloc[0])[:10] == f"{MONTH}-01"
