import dagster as dg

from orchestration.defs.linkage.assets import (
    build_calworks_people,
    build_person_links,
    person_link_model_spec,
)
from orchestration.defs.linkage.checks import build_linkage_gate
from orchestration.lib.config import PipelineConfig


def linkage_definitions(
    partitions: dg.PartitionsDefinition, config: PipelineConfig
) -> dg.Definitions:
    return dg.Definitions(
        assets=[
            person_link_model_spec(),
            build_calworks_people(partitions),
            build_person_links(partitions),
        ],
        asset_checks=[build_linkage_gate(partitions, config)],
    )
