"""The daily route's notices, brought into the monthly warehouse (#19): a family the
daily route noticed is identified on the day of its notice, so the monthly history
and outcome marts (mutual_family_history, fct_identified_families) date it so.

The daily route keeps its own warehouse (orchestration/daily.py) and never writes
the monthly one; this monthly asset reads it, read-only, and replaces the report
month's rows of raw.daily_notices with the notices of the month's days. No daily
warehouse, or a month the route did not run: no rows, and every family is dated as
the monthly route dates it.
"""

from pathlib import Path

import dagster as dg
import pyarrow as pa

from orchestration.lib.catalog import INGEST_GROUP, OWNERS
from orchestration.lib.config import PipelineConfig
from orchestration.lib.partitions import ONE_MONTH_PER_RUN
from orchestration.lib.warehouse import (
    WAREHOUSE_POOL,
    DuckDBWarehouse,
    connect,
    open_warehouse,
)

DAILY_NOTICES = "raw.daily_notices"
# the notices as the daily route's dbt model keeps them (models/daily)
SOURCE = "daily.daily_new_mutual_families"
COLUMNS = pa.schema(
    [
        ("as_of_date", pa.date32()),
        ("calworks_case_number", pa.string()),
        ("cws_case_id", pa.string()),
        ("referral_id", pa.string()),
        ("event", pa.string()),
    ]
)


def month_notices(daily_warehouse: Path, month: str) -> pa.Table:
    """The notices of the month's days in the daily warehouse (none when it is absent)."""
    if not daily_warehouse.is_file():
        return COLUMNS.empty_table()
    with connect(daily_warehouse, read_only=True) as con:
        daily = DuckDBWarehouse(con)
        if not daily.table_exists(*SOURCE.split(".")):
            return COLUMNS.empty_table()
        rows = daily.arrow(
            f"select {', '.join(COLUMNS.names)} from {SOURCE}"
            " where strftime(as_of_date, '%Y-%m') = ? order by all",
            [month],
        )
    return rows.cast(COLUMNS)


def build_daily_notices(partitions: dg.PartitionsDefinition) -> dg.AssetsDefinition:
    @dg.asset(
        key=dg.AssetKey(DAILY_NOTICES.split(".")),
        group_name=INGEST_GROUP,
        owners=OWNERS,
        partitions_def=partitions,
        backfill_policy=ONE_MONTH_PER_RUN,
        kinds={"duckdb"},
        pool=WAREHOUSE_POOL,
        description="The daily route's notices of newly mutual families on the month's "
        "days, read from its warehouse (daily_warehouse_path): each noticed family's "
        "identification date is its notice day. No daily route: no rows.",
    )
    def daily_notices(
        context: dg.AssetExecutionContext, config: PipelineConfig
    ) -> dg.MaterializeResult:
        month = context.partition_key
        source = Path(config.for_days().warehouse_path)
        rows = month_notices(source, month)
        rows = rows.append_column(
            "report_month", pa.array([month] * rows.num_rows, pa.string())
        )
        with open_warehouse(config) as warehouse:
            warehouse.replace_month_frame(DAILY_NOTICES, month, rows)
        days = len(set(rows.column("as_of_date").to_pylist()))
        return dg.MaterializeResult(
            metadata={
                "notices": rows.num_rows,
                "days with notices": days,
                "daily warehouse": dg.MetadataValue.path(str(source))
                if source.is_file()
                else "none: the daily route has not run",
            }
        )

    return daily_notices
