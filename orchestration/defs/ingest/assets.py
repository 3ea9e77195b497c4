"""One month-partitioned asset per landing file: raw.<file> + quarantine.<file>."""

import dagster as dg

from contract import SOURCE_FILES, SourceFile
from orchestration.defs.ingest.load import (
    ContractError,
    LoadResult,
    find_source,
    replace_month,
    split,
)
from orchestration.lib.catalog import INGEST_GROUP, OWNERS
from orchestration.lib.config import PipelineConfig
from orchestration.lib.partitions import ONE_MONTH_PER_RUN, Snapshot
from orchestration.lib.warehouse import WAREHOUSE_POOL, open_warehouse

ROWS_RECONCILED = "rows_reconciled"
QUARANTINE_WITHIN_LIMIT = "quarantine_within_limit"


def raw_key(file: str) -> dg.AssetKey:
    return dg.AssetKey(["raw", file])


def _metadata(r: LoadResult) -> dict:
    meta = {
        "source_file": dg.MetadataValue.path(r.source_path)
        if r.source_path
        else "absent: an optional file, no data this month",
        "rows_read": r.rows_read,
        "rows_staged": r.rows_staged,
        "rows_quarantined": r.rows_quarantined,
        "quarantine_rate": round(r.quarantine_rate, 4),
        "extra_columns_ignored": ", ".join(r.extra_columns) or "none",
    }
    for rule, n in r.quarantined_by_rule.items():
        meta[f"quarantined: {rule}"] = n
    for fault, n in r.soft_faults.items():
        meta[f"soft: {fault}"] = n
    return meta


def _checks(r: LoadResult, config: PipelineConfig) -> list[dg.AssetCheckResult]:
    return [
        dg.AssetCheckResult(
            check_name=ROWS_RECONCILED,
            passed=r.rows_read == r.rows_staged + r.rows_quarantined,
            metadata={
                "rows_read": r.rows_read,
                "rows_staged": r.rows_staged,
                "rows_quarantined": r.rows_quarantined,
            },
        ),
        dg.AssetCheckResult(
            check_name=QUARANTINE_WITHIN_LIMIT,
            passed=r.quarantine_rate <= config.max_quarantine_rate,
            metadata={
                "quarantine_rate": round(r.quarantine_rate, 4),
                "limit": config.max_quarantine_rate,
                "rule": f"{r.file}: more than {config.max_quarantine_rate:.0%} of rows quarantined"
                f" (count: {r.rows_quarantined:,} of {r.rows_read:,})"
                if r.quarantine_rate > config.max_quarantine_rate
                else "within limit",
            },
        ),
    ]


def ingest_asset(
    spec: SourceFile, partitions: dg.PartitionsDefinition, config: PipelineConfig
) -> dg.AssetsDefinition:
    key = raw_key(spec.name)
    parents = sorted(
        {fk.ref_file for fk in spec.foreign_keys if fk.ref_file != spec.name}
    )

    @dg.asset(
        key=key,
        group_name=INGEST_GROUP,
        owners=OWNERS,
        partitions_def=partitions,
        backfill_policy=ONE_MONTH_PER_RUN,
        deps=[raw_key(p) for p in parents],
        kinds={"duckdb", "great_expectations"},
        pool=WAREHOUSE_POOL,
        description=f"{spec.description} Landing file `{spec.name}.csv` (or .parquet), typed;"
        f" rejected rows go to `quarantine.{spec.name}` with the rule they broke."
        + (" Optional: when absent, the month has no rows." if spec.optional else ""),
        check_specs=[
            dg.AssetCheckSpec(
                ROWS_RECONCILED,
                asset=key,
                blocking=True,
                description="rows read = rows staged + rows quarantined",
            ),
            dg.AssetCheckSpec(
                QUARANTINE_WITHIN_LIMIT,
                asset=key,
                blocking=True,
                description=f"at most {config.max_quarantine_rate:.0%} of the file's"
                " rows quarantined",
            ),
        ],
    )
    def _ingest(
        context: dg.AssetExecutionContext, config: PipelineConfig
    ) -> dg.MaterializeResult:
        snapshot = Snapshot(context.partition_key)
        month = snapshot.report_month
        try:
            path = find_source(config.month_dir(snapshot.key), spec)
            # the file is read and checked in DuckDB (the warehouse's own, or in
            # memory beside Spark), then its rows replace the month's
            with open_warehouse(config) as warehouse, warehouse.scratch() as con:
                result = split(con, path, spec, month, snapshot.as_of)
                replace_month(con, spec, month, warehouse)
        except ContractError as exc:
            raise dg.Failure(
                description=str(exc),
                metadata={"file": exc.file, "rule": exc.rule, "count": exc.count or 0},
                allow_retries=False,
            ) from None
        return dg.MaterializeResult(
            metadata=_metadata(result), check_results=_checks(result, config)
        )

    return _ingest


def build_ingest_assets(
    partitions: dg.PartitionsDefinition, config: PipelineConfig
) -> list[dg.AssetsDefinition]:
    """config: the limits the checks' descriptions state (each run checks against
    the configuration it is given)."""
    return [ingest_asset(spec, partitions, config) for spec in SOURCE_FILES]
