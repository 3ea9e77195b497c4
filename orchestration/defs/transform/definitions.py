import dagster as dg

from orchestration.defs.transform.assets import build_dbt_assets, dbt_resource
from orchestration.defs.transform.daily_notices import build_daily_notices


def transform_definitions(partitions: dg.PartitionsDefinition) -> dg.Definitions:
    return dg.Definitions(
        assets=[build_dbt_assets(partitions), build_daily_notices(partitions)],
        resources={"dbt": dbt_resource()},
    )
