import dagster as dg

from orchestration.defs.report.assets import build_evaluation_report


def report_definitions(partitions: dg.PartitionsDefinition) -> dg.Definitions:
    return dg.Definitions(assets=[build_evaluation_report(partitions)])
