import dagster as dg

from orchestration.defs.linkage.assets import build_person_links
from orchestration.defs.linkage.checks import build_linkage_gate


def linkage_definitions(partitions: dg.PartitionsDefinition) -> dg.Definitions:
    return dg.Definitions(
        assets=[build_person_links(partitions)],
        asset_checks=[build_linkage_gate(partitions)],
    )
