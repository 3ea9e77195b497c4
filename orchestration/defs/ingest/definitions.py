from __future__ import annotations

import dagster as dg

from orchestration.defs.ingest.assets import build_ingest_assets
from orchestration.defs.ingest.checks import build_ingest_checks
from orchestration.lib.config import PipelineConfig


def ingest_definitions(
    partitions: dg.PartitionsDefinition, config: PipelineConfig
) -> dg.Definitions:
    return dg.Definitions(
        assets=build_ingest_assets(partitions, config),
        asset_checks=build_ingest_checks(partitions, config),
    )
