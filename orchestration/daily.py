"""The daily route (contract v2): ingest and gates, person linkage and the lists as
of each day. The same assets' code as the monthly job, built with day partitions
and put under `daily/` keys, on its own warehouse (`daily_warehouse_path`): a day
replaces its report month's rows there, so the monthly warehouse and its lists are
never touched. Its own code location (workspace.yaml): the two graphs' resources
differ (each run's configuration names its warehouse)."""

from pathlib import Path

import dagster as dg
import pandas as pd

from orchestration.defs.delivery.export import NOTICE_ROWS, audit_rows, export_notices
from orchestration.defs.ingest.definitions import ingest_definitions
from orchestration.defs.linkage.definitions import linkage_definitions
from orchestration.defs.transform.assets import build_dbt_assets, dbt_resource
from orchestration.lib.catalog import EXPORTS_GROUP, OWNERS
from orchestration.lib.config import PipelineConfig
from orchestration.lib.landing import landed_days
from orchestration.lib.partitions import ONE_MONTH_PER_RUN, Snapshot
from orchestration.lib.warehouse import WAREHOUSE_POOL, append_audit, open_warehouse

DAILY_JOB = "daily_pipeline"
PREFIX = "daily"
# the notices and what they are built from (the lists); no outcome measures, reports
# or exports
NOTICES = "+path:models/daily"


def first_day(config: PipelineConfig) -> str:
    """The configured first day, else the oldest landed one, else yesterday."""
    if config.first_day:
        return config.first_day
    landed = landed_days(config.landing_dir)
    return (
        landed[0] if landed else f"{pd.Timestamp.now() - pd.Timedelta(days=1):%Y-%m-%d}"
    )


def daily_partitions(config: PipelineConfig) -> dg.DailyPartitionsDefinition:
    # a day's partition exists once the day has ended
    return dg.DailyPartitionsDefinition(start_date=first_day(config), fmt="%Y-%m-%d")


def _prefixed(defs: dg.Definitions) -> list:
    """Every asset and check of `defs` under daily/, its dependencies too."""
    assets = [a for a in defs.assets or [] if isinstance(a, dg.AssetsDefinition)]
    specs = [a for a in defs.assets or [] if isinstance(a, dg.AssetSpec)]
    checks = list(defs.asset_checks or [])
    keys = {k for a in assets + checks for k in (*a.keys, *a.dependency_keys)}
    keys |= {s.key for s in specs}
    new = {k: k.with_prefix(PREFIX) for k in keys}
    out = [a.with_attributes(asset_key_replacements=new) for a in assets]
    out += [s.replace_attributes(key=new[s.key]) for s in specs]
    out += [c.with_attributes(asset_key_replacements=new) for c in checks]
    return out


def build_notice_exports(partitions: dg.PartitionsDefinition) -> dg.AssetsDefinition:
    @dg.asset(
        key=dg.AssetKey([PREFIX, "exports", "new_mutual_families"]),
        group_name=EXPORTS_GROUP,
        owners=OWNERS,
        partitions_def=partitions,
        backfill_policy=ONE_MONTH_PER_RUN,
        deps=[dg.AssetKey([PREFIX, *NOTICE_ROWS.split(".")])],
        kinds={"csv", "xlsx"},
        pool=WAREHOUSE_POOL,
        description="The day's newly mutual families for each office as CSV and XLSX under "
        "<exports>/daily/<day>/<office>/, a manifest with rows and SHA-256 per file, and one "
        "audit.export_log row per file.",
    )
    def new_mutual_families(
        context: dg.AssetExecutionContext, config: PipelineConfig
    ) -> dg.MaterializeResult:
        snapshot = Snapshot(context.partition_key)
        with open_warehouse(config) as con:
            files = export_notices(con, snapshot.key, Path(config.exports_dir))
            append_audit(con, snapshot.report_month, audit_rows(context.run_id, files))
        csvs = [f for f in files if f.path.suffix == ".csv"]
        return dg.MaterializeResult(
            metadata={
                "families' rows": sum(f.rows for f in csvs),
                "offices": len(csvs),
                "folder": dg.MetadataValue.path(
                    str(Path(config.exports_dir) / snapshot.folder)
                ),
            }
        )

    return new_mutual_families


def build_daily_definitions(config: PipelineConfig | None = None) -> dg.Definitions:
    config = (config or PipelineConfig.from_env()).for_days()
    partitions = daily_partitions(config)
    stages = [
        ingest_definitions(partitions, config),
        linkage_definitions(partitions, config),
    ]
    assets = [d for stage in stages for d in _prefixed(stage)]
    assets.append(
        build_dbt_assets(
            partitions, select=NOTICES, exclude="", prefix=PREFIX, name="daily_dbt"
        )
    )
    assets.append(build_notice_exports(partitions))
    job = dg.define_asset_job(
        DAILY_JOB,
        selection=dg.AssetSelection.all(),
        partitions_def=partitions,
        executor_def=dg.in_process_executor,  # DuckDB: one writer at a time
        description="One day (contract v2): ingest and gates, person linkage and the "
        "match lists as of that day, on the daily warehouse.",
    )
    return dg.Definitions(
        assets=[a for a in assets if not isinstance(a, dg.AssetChecksDefinition)],
        asset_checks=[a for a in assets if isinstance(a, dg.AssetChecksDefinition)],
        jobs=[job],
        resources={"config": config, "dbt": dbt_resource()},
    )
