from __future__ import annotations

import dagster as dg

from orchestration.defs.ingest.assets import build_ingest_assets
from orchestration.defs.ingest.checks import build_ingest_checks


def ingest_definitions(partitions: dg.PartitionsDefinition) -> dg.Definitions:
    return dg.Definitions(
        assets=build_ingest_assets(partitions),
        asset_checks=build_ingest_checks(partitions),
    )
