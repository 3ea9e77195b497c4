import dagster as dg

from orchestration.defs.transform.assets import build_dbt_assets, dbt_resource


def transform_definitions(partitions: dg.PartitionsDefinition) -> dg.Definitions:
    return dg.Definitions(
        assets=[build_dbt_assets(partitions)], resources={"dbt": dbt_resource()}
    )
