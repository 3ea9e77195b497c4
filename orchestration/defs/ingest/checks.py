"""The Great Expectations gate on every ingested file, as a blocking check."""

from pathlib import Path

import dagster as dg
import pandas as pd

from contract import SOURCE_FILES, SourceFile
from expectations.runner import validate
from expectations.suites import build_suite, found_column
from orchestration.defs.ingest.assets import raw_key
from orchestration.lib.config import PipelineConfig
from orchestration.lib.partitions import Snapshot, previous_month
from orchestration.lib.warehouse import open_warehouse, scalar

CONTRACT_GATE = "contract_gate"


def _gate_inputs(con, spec: SourceFile, month: str) -> tuple:
    """The month's staged rows, a found-in-parent flag per checkable foreign
    key (computed in the warehouse: parents hold up to millions of keys), and last
    month's row count."""
    cols = [f'c."{c}"' for c in spec.column_names]
    joins, checkable = [], []
    for i, fk in enumerate(spec.foreign_keys):
        if not con.table_exists("raw", fk.ref_file):
            continue
        checkable.append(fk)
        cols.append(
            f'case when c."{fk.column}" is null then null else p{i}.k is not null end'
            f' as "{found_column(fk)}"'
        )
        joins.append(
            f'left join (select distinct "{fk.ref_column}" as k from raw.{fk.ref_file}'
            f' where report_month = $month) p{i} on p{i}.k = c."{fk.column}"'
        )
    sql = (
        f"select {', '.join(cols)} from raw.{spec.name} c {' '.join(joins)}"
        " where c.report_month = $month"
    )
    frame = con.native_frame(sql, {"month": month})
    prev_rows = scalar(
        con,
        f"select count(*) from raw.{spec.name} where report_month = ?",
        [previous_month(month)],
    )
    return frame, checkable, prev_rows or None


def contract_gate(
    spec: SourceFile, partitions: dg.PartitionsDefinition, config: PipelineConfig
) -> dg.AssetChecksDefinition:
    parents = sorted(
        {fk.ref_file for fk in spec.foreign_keys if fk.ref_file != spec.name}
    )

    @dg.asset_check(
        asset=raw_key(spec.name),
        name=CONTRACT_GATE,
        blocking=True,
        partitions_def=partitions,
        additional_deps=[raw_key(p) for p in parents],
        description=f"Great Expectations suite `{spec.name}_contract`: columns, required"
        " values, code sets, unique keys, foreign keys (at most"
        f" {config.max_dangling_fk_rate:.0%} dangling), date sanity, and no shrink by"
        f" more than {1 - config.min_rows_vs_previous_month:.0%} against last month.",
    )
    def _gate(
        context: dg.AssetCheckExecutionContext, config: PipelineConfig
    ) -> dg.AssetCheckResult:
        snapshot = Snapshot(context.partition_key)
        with open_warehouse(config, read_only=True) as con:
            frame, foreign_keys, prev_rows = _gate_inputs(
                con, spec, snapshot.report_month
            )
        suite = build_suite(
            spec,
            as_of=pd.Timestamp(snapshot.as_of).date(),
            foreign_keys=foreign_keys,
            previous_rows=prev_rows,
            max_dangling_fk_rate=config.max_dangling_fk_rate,
            min_rows_vs_previous_month=config.min_rows_vs_previous_month,
            parser=con.gx_condition_parser,
        )
        docs = Path(config.reports_dir) / snapshot.folder / "data_quality"
        result = validate(frame, f"{spec.name}_contract", suite, docs_dir=docs)
        return dg.AssetCheckResult(
            passed=result.success,
            metadata={
                "file": spec.name,
                "rows_checked": result.rows,
                **result.metadata(),
            },
        )

    return _gate


def build_ingest_checks(
    partitions: dg.PartitionsDefinition, config: PipelineConfig
) -> list[dg.AssetChecksDefinition]:
    return [contract_gate(spec, partitions, config) for spec in SOURCE_FILES]
