import dagster as dg

from orchestration.defs.delivery.assets import build_list_exports


def delivery_definitions(partitions: dg.PartitionsDefinition) -> dg.Definitions:
    return dg.Definitions(assets=[build_list_exports(partitions)])
