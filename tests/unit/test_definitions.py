"""The asset graph: one lineage from landing files to office exports."""

import os
import subprocess
import sys
from pathlib import Path

import dagster as dg

from contract import SOURCE_FILES
from orchestration.definitions import MONTHLY_JOB, build_definitions, defs
from orchestration.lib.config import PipelineConfig
from orchestration.lib.dbt_project import MATCH_LISTS

LISTS = list(MATCH_LISTS)


def key(*parts):
    return dg.AssetKey(list(parts))


def test_graph_groups_and_lineage():
    graph = defs.resolve_asset_graph()
    groups = {
        k.to_user_string(): graph.get(k).group_name for k in graph.get_all_asset_keys()
    }
    assert {groups[f"raw/{f.name}"] for f in SOURCE_FILES} == {"ingest"}
    assert groups["linkage/person_links"] == "linkage"
    assert {groups[f"marts/{name}"] for name in LISTS} == {"lists"}
    assert groups["exports/office_lists"] == "exports"
    assert groups["staging/stg_cws__clients"] == "staging"
    assert groups["marts/fct_identified_families"] == "outcomes"
    assert (
        groups["reporting/rpt_event_types"] == groups["report/evaluation"] == "report"
    )
    assert {graph.get(k).owners[0] for k in graph.get_all_asset_keys()} == {
        "team:county-analytics"
    }
    assert {"duckdb", "great_expectations"} <= set(
        graph.get(key("raw", "cws_clients")).kinds
    )
    assert "splink" in graph.get(key("linkage", "person_links")).kinds
    assert "dbt" in graph.get(key("marts", "match_list_homeless")).kinds
    # landing -> linkage -> dbt -> exports, one graph
    assert (
        key("raw", "cws_clients")
        in graph.get(key("linkage", "person_links")).parent_keys
    )
    assert (
        key("linkage", "person_links")
        in graph.get(key("staging", "stg_linkage__person_links")).parent_keys
    )
    assert (
        key("raw", "calworks_cases")
        in graph.get(key("staging", "stg_calsaws__cases")).parent_keys
    )
    assert set(graph.get(key("exports", "office_lists")).parent_keys) == {
        key("exports", "office_list_rows")
    }
    assert set(graph.get(key("exports", "office_list_rows")).parent_keys) >= {
        key("marts", n) for n in LISTS
    } | {key("linkage", "calworks_people")}


def test_every_ingest_asset_has_its_blocking_gates():
    checks = {
        (c.asset_key.to_user_string(), c.name): c
        for c in defs.resolve_asset_graph().asset_check_keys
    }
    for spec in SOURCE_FILES:
        for name in ("rows_reconciled", "quarantine_within_limit", "contract_gate"):
            assert (f"raw/{spec.name}", name) in checks
    assert ("linkage/person_links", "linkage_gate") in checks


def test_monthly_job_is_partitioned_by_report_month():
    job = build_definitions(PipelineConfig(first_month="2024-01")).resolve_job_def(
        MONTHLY_JOB
    )
    assert job.partitions_def.get_partition_keys()[0] == "2024-01"
    assert all(len(k) == 7 for k in job.partitions_def.get_partition_keys()[:24])


def test_the_linkage_asset_depends_on_every_raw_table_its_code_reads():
    """A raw table read but not declared may not be loaded yet when linkage runs."""
    import inspect
    import re

    import matching.links
    import matching.people

    read = {
        name
        for module in (matching.links, matching.people)
        for name in re.findall(r"\braw\.(\w+)", inspect.getsource(module))
    }
    parents = defs.resolve_asset_graph().get(key("linkage", "person_links")).parent_keys
    assert read and {key("raw", name) for name in read} <= set(parents)


def test_every_asset_has_one_backfill_policy_so_dagster_does_not_warn():
    """One run per month for every asset; a mixed set made Dagster warn on every run."""
    import warnings

    from orchestration.lib.partitions import ONE_MONTH_PER_RUN

    graph = defs.resolve_asset_graph()
    assert {graph.get(k).backfill_policy for k in graph.materializable_asset_keys} == {
        ONE_MONTH_PER_RUN
    }
    with warnings.catch_warnings():
        warnings.filterwarnings("error", message=".*BackfillPolic.*")
        build_definitions(PipelineConfig(first_month="2024-01")).resolve_job_def(
            MONTHLY_JOB
        )


def test_the_workspace_loads_the_monthly_and_the_daily_code_locations(tmp_path):
    """workspace.yaml, as `dagster dev` (and `make ui`) loads it."""
    repo = Path(__file__).resolve().parents[2]
    env = dict(os.environ, LINKAGES_LANDING_DIR=str(tmp_path / "landing"))
    env.pop("DAGSTER_HOME", None)
    done = subprocess.run(
        [str(Path(sys.executable).with_name("dagster")), "definitions", "validate"]
        + ["-w", "workspace.yaml"],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    out = done.stdout + done.stderr
    assert done.returncode == 0, out[-2000:]
    for location in ("linkages", "linkages_daily"):
        assert f"Validation successful for code location {location}." in out
