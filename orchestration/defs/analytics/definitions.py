import dagster as dg

from orchestration.defs.analytics.assets import build_analyst_copy


def analytics_definitions(partitions: dg.PartitionsDefinition) -> dg.Definitions:
    return dg.Definitions(assets=[build_analyst_copy(partitions)])
