"""The analysts' copy asset: after the month's outcome and reporting tables are
built, they are published to a file analysts may hold open (publish.py)."""

import json

import dagster as dg

from orchestration.defs.analytics.publish import publish
from orchestration.defs.transform.assets import ensure_manifest
from orchestration.lib.catalog import OWNERS, REPORT_GROUP
from orchestration.lib.config import PipelineConfig
from orchestration.lib.partitions import ONE_MONTH_PER_RUN
from orchestration.lib.warehouse import open_warehouse

# the analysts' tables, by the folder prefix of their dbt models (schema, name)
ANALYST_TABLE_PREFIXES = {("marts", "fct_"), ("reporting", "rpt_")}


def analyst_tables() -> list[str]:
    """'schema.table' of every dbt model analysts may read: marts.fct_* and
    reporting.rpt_* (the list counts are reporting.rpt_list_counts)."""
    manifest = json.loads(ensure_manifest().read_text())
    return sorted(
        f"{node['config']['schema']}.{node['name']}"
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model"
        and (node["config"]["schema"], node["name"][:4]) in ANALYST_TABLE_PREFIXES
    )


def build_analyst_copy(partitions: dg.PartitionsDefinition) -> dg.AssetsDefinition:
    tables = analyst_tables()

    @dg.asset(
        key=dg.AssetKey(["analytics", "analyst_copy"]),
        group_name=REPORT_GROUP,
        owners=OWNERS,
        partitions_def=partitions,
        backfill_policy=ONE_MONTH_PER_RUN,
        deps=[dg.AssetKey(t.split(".")) for t in tables],
        kinds={"duckdb"},
        description="marts.fct_* and reporting.rpt_* (every month; no personal columns) "
        "copied to the analysts' read-only file, analytics.duckdb beside the warehouse: "
        "a new file renamed over the old, so an analyst holding it open never blocks a run.",
    )
    def analyst_copy(
        context: dg.AssetExecutionContext, config: PipelineConfig
    ) -> dg.MaterializeResult:
        path = config.analyst_copy_path
        # read-only: a reader needs no place in the writers' pool
        with open_warehouse(config, read_only=True) as con:
            rows = publish(con, tables, path)
        return dg.MaterializeResult(
            metadata={
                "file": dg.MetadataValue.path(str(path)),
                "tables": len(rows),
                **{f"rows: {table}": n for table, n in rows.items()},
            }
        )

    return analyst_copy
