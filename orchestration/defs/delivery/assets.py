"""Exports for the offices (the month's lists; the daily route's notices), and the
audit log of every file written."""

from pathlib import Path

import dagster as dg
import pandas as pd

from orchestration.defs.delivery.export import (
    NOTICE_ROWS,
    OFFICE_LIST_ROWS,
    audit_rows,
    export_month,
    export_notices,
    manifest_files,
    notice_families,
)
from orchestration.defs.delivery.mail import MAIL_LOG, log_rows, notices, send, unsent
from orchestration.lib.catalog import EXPORTS_GROUP, OWNERS
from orchestration.lib.config import PipelineConfig
from orchestration.lib.dbt_project import MATCH_LISTS
from orchestration.lib.partitions import ONE_MONTH_PER_RUN, Snapshot
from orchestration.lib.warehouse import WAREHOUSE_POOL, append_audit, open_warehouse

# the dbt model the files are written from
OFFICE_LIST_ROWS_KEY = dg.AssetKey(OFFICE_LIST_ROWS.split("."))


def build_list_exports(partitions: dg.PartitionsDefinition) -> dg.AssetsDefinition:
    @dg.asset(
        key=dg.AssetKey(["exports", "office_lists"]),
        group_name=EXPORTS_GROUP,
        owners=OWNERS,
        partitions_def=partitions,
        backfill_policy=ONE_MONTH_PER_RUN,
        deps=[OFFICE_LIST_ROWS_KEY],
        kinds={"csv", "xlsx"},
        pool=WAREHOUSE_POOL,
        description="Each list for each office as CSV and XLSX under <exports>/<YYYY-MM>/<office>/, "
        "a manifest with rows and SHA-256 per file, and one audit.export_log row per file "
        "(appended: a rerun adds its own rows, with its run id).",
    )
    def office_lists(
        context: dg.AssetExecutionContext, config: PipelineConfig
    ) -> dg.MaterializeResult:
        month = context.partition_key
        with open_warehouse(config) as con:
            files = export_month(con, month, Path(config.exports_dir))
            append_audit(con, month, audit_rows(context.run_id, files))
        offices = sorted({f.office_code for f in files})
        return dg.MaterializeResult(
            metadata={
                "files": len(files),
                "offices": len(offices),
                **{
                    f"rows: {name}": sum(
                        f.rows
                        for f in files
                        if f.list_name == name and f.path.suffix == ".csv"
                    )
                    for name in MATCH_LISTS
                },
                "folder": dg.MetadataValue.path(str(Path(config.exports_dir) / month)),
            }
        )

    return office_lists


def build_notice_exports(
    partitions: dg.PartitionsDefinition, prefix: str
) -> dg.AssetsDefinition:
    """The daily route's notice files (orchestration/daily.py; its keys under `prefix`)."""

    @dg.asset(
        key=dg.AssetKey([prefix, "exports", "new_mutual_families"]),
        group_name=EXPORTS_GROUP,
        owners=OWNERS,
        partitions_def=partitions,
        backfill_policy=ONE_MONTH_PER_RUN,
        deps=[dg.AssetKey([prefix, *NOTICE_ROWS.split(".")])],
        kinds={"csv", "xlsx"},
        pool=WAREHOUSE_POOL,
        description="The day's newly mutual families for each office as CSV and XLSX under "
        "<exports>/daily/<day>/<office>/, a manifest with rows and SHA-256 per file, and one "
        "audit.export_log row per file.",
    )
    def new_mutual_families(
        context: dg.AssetExecutionContext, config: PipelineConfig
    ) -> dg.MaterializeResult:
        snapshot = Snapshot(context.partition_key)
        with open_warehouse(config) as con:
            files = export_notices(con, snapshot.key, Path(config.exports_dir))
            append_audit(con, snapshot.report_month, audit_rows(context.run_id, files))
        csvs = [f for f in files if f.path.suffix == ".csv"]
        return dg.MaterializeResult(
            metadata={
                "families' rows": sum(f.rows for f in csvs),
                "offices": len(csvs),
                "folder": dg.MetadataValue.path(
                    str(Path(config.exports_dir) / snapshot.folder)
                ),
            }
        )

    return new_mutual_families


def build_notice_mail(
    partitions: dg.PartitionsDefinition, prefix: str
) -> dg.AssetsDefinition:
    """The daily route's office inbox notice (delivery/mail.py)."""

    @dg.asset(
        key=dg.AssetKey([prefix, "exports", "office_mail"]),
        group_name=EXPORTS_GROUP,
        owners=OWNERS,
        partitions_def=partitions,
        backfill_policy=ONE_MONTH_PER_RUN,
        deps=[dg.AssetKey([prefix, "exports", "new_mutual_families"])],
        kinds={"email"},
        pool=WAREHOUSE_POOL,
        description="One message to each office with new mutual families that day (its "
        "address in office_mail): how many and where the file is, never a name, id or "
        "birth date. No SMTP host configured: no mail. A rerun mails an office again only "
        f"when its file changed ({MAIL_LOG}).",
    )
    def office_mail(
        context: dg.AssetExecutionContext, config: PipelineConfig
    ) -> dg.MaterializeResult:
        snapshot = Snapshot(context.partition_key)
        if not config.smtp_host:
            return dg.MaterializeResult(metadata={"sent": 0, "mail": "not configured"})
        folder = Path(config.exports_dir) / snapshot.folder
        with open_warehouse(config) as con:
            today = notices(
                manifest_files(folder), notice_families(con, snapshot.key), snapshot.key
            )
            sent_before = (
                con.native_frame(
                    f"select office_code, cast(as_of_date as varchar) as as_of_date,"
                    f" sha256 from {MAIL_LOG}"
                )
                if con.table_exists(*MAIL_LOG.split("."))
                else pd.DataFrame(columns=["office_code", "as_of_date", "sha256"])
            )
            outgoing = unsent(today, sent_before)
            sent, missing = send(config, outgoing)
            if sent:
                con.append_rows(MAIL_LOG, log_rows(context.run_id, sent))
        if missing:
            context.log.warning(
                f"no office_mail address for office(s) {', '.join(missing)}: "
                "their files are written, no message sent"
            )
        return dg.MaterializeResult(
            metadata={
                "sent": len(sent),
                "already sent for the same file": len(today) - len(outgoing),
                "offices without an address": ", ".join(missing) or "none",
            }
        )

    return office_mail
