"""The evaluation report asset: reports/<YYYY-MM>/evaluation.html."""

import os
from pathlib import Path

import dagster as dg

from orchestration.defs.report.render import TABLES, render
from orchestration.lib.catalog import OWNERS, REPORT_GROUP
from orchestration.lib.config import PipelineConfig
from orchestration.lib.partitions import ONE_MONTH_PER_RUN
from orchestration.lib.warehouse import open_warehouse


def build_evaluation_report(partitions: dg.PartitionsDefinition) -> dg.AssetsDefinition:
    @dg.asset(
        key=dg.AssetKey(["report", "evaluation"]),
        group_name=REPORT_GROUP,
        owners=OWNERS,
        partitions_def=partitions,
        backfill_policy=ONE_MONTH_PER_RUN,
        deps=[dg.AssetKey(["reporting", table]) for table in TABLES],
        kinds={"html", "python"},
        description="The Linkages evaluation measures of the month as one self-contained HTML page "
        "(tables and charts), from the suppressed reporting schema only.",
    )
    def evaluation(
        context: dg.AssetExecutionContext, config: PipelineConfig
    ) -> dg.MaterializeResult:
        month = context.partition_key
        with open_warehouse(config, read_only=True) as con:
            page, pictures = render(con, month)
        path = Path(config.reports_dir) / month / "evaluation.html"
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(page, encoding="utf-8")
        os.replace(tmp, path)  # a reader never sees half a report
        metadata = {
            "report": dg.MetadataValue.path(str(path)),
            "figures": len(pictures),
        }
        for name, png in pictures.items():
            metadata[name] = dg.MetadataValue.md(
                f"![{name}](data:image/png;base64,{png})"
            )
        return dg.MaterializeResult(metadata=metadata)

    return evaluation
