"""The whole asset graph: each stage's definitions, merged."""

from __future__ import annotations

import dagster as dg

from orchestration.defs.analytics.definitions import analytics_definitions
from orchestration.defs.delivery.definitions import delivery_definitions
from orchestration.defs.ingest.definitions import ingest_definitions
from orchestration.defs.linkage.definitions import linkage_definitions
from orchestration.defs.report.definitions import report_definitions
from orchestration.defs.transform.definitions import transform_definitions
from orchestration.lib.config import PipelineConfig
from orchestration.lib.partitions import monthly_partitions
from orchestration.schedules import monthly_schedule
from orchestration.sensors import landing_sensor, record_run_failures

MONTHLY_JOB = "monthly_pipeline"


def build_definitions(config: PipelineConfig | None = None) -> dg.Definitions:
    config = config or PipelineConfig.from_env()
    partitions = monthly_partitions(config)
    monthly = dg.define_asset_job(
        MONTHLY_JOB,
        selection=dg.AssetSelection.all(),
        partitions_def=partitions,
        # one process, steps in order: DuckDB has one writer at a time
        executor_def=dg.in_process_executor,
        description="Everything for one report month: ingest and gates, person linkage, dbt lists "
        "and outcome measures, exports, the evaluation report, the analysts' copy.",
    )
    return dg.Definitions.merge(
        ingest_definitions(partitions, config),
        linkage_definitions(partitions, config),
        transform_definitions(partitions),
        delivery_definitions(partitions),
        report_definitions(partitions),
        analytics_definitions(partitions),
        dg.Definitions(
            jobs=[monthly],
            schedules=[monthly_schedule(monthly)],
            sensors=[landing_sensor(monthly, partitions), record_run_failures],
            resources={"config": config},
        ),
    )


defs = build_definitions()
