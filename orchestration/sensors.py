"""Sensors: run a month (or, on the daily route, a day) when its extracts have
landed; record failed runs."""

import json
import os
import time
from collections.abc import Callable
from pathlib import Path

import dagster as dg
import pandas as pd

from orchestration.lib.config import PipelineConfig
from orchestration.lib.landing import landed_months, last_change, month_fingerprint
from orchestration.lib.warehouse import WarehouseBusy, open_warehouse

LANDING_SENSOR = "landing_sensor"
FAILURE_SENSOR = "record_run_failures"
RUN_FAILURES_TABLE = "ops.run_failures"
# how long a failure waits for a warehouse another run holds (a sensor tick has 60 s)
WAIT_SECONDS = 40


# a month is done when its exports are: the last asset of the run
DONE_ASSET = dg.AssetKey(["exports", "office_lists"])


def landing_requests(
    config: PipelineConfig,
    partition_keys: set[str],
    cursor: dict[str, str],
    now: float,
    done_at=lambda month: None,
    landed: Callable[[str], list[str]] = landed_months,
) -> tuple[list[dg.RunRequest], dict[str, str]]:
    """Run requests for months whose files are complete, settled and new or
    changed since the cursor; the updated cursor (month -> fingerprint).
    `done_at(month)` is when the month last ran to the end: a month already
    run since its files last changed (by the CLI, say) is not run again.
    `landed`: the landing's folders to watch (the daily route: its days)."""
    requests, seen = [], dict(cursor)
    for month in landed(config.landing_dir):
        if month not in partition_keys:  # not ended yet, or before the first month
            continue
        folder = config.month_dir(month)
        fingerprint = month_fingerprint(folder, now, config.landing_settle_seconds)
        if fingerprint is None or cursor.get(month) == fingerprint:
            continue
        done = done_at(month)
        if month not in cursor and done is not None and done > last_change(folder):
            seen[month] = fingerprint
            continue
        requests.append(
            dg.RunRequest(
                run_key=f"landing:{month}:{fingerprint[:16]}",
                partition_key=month,
                tags={
                    "linkages/trigger": "landing"
                    if month not in cursor
                    else "landing-changed"
                },
            )
        )
        seen[month] = fingerprint
    return requests, seen


def landing_sensor(
    job,
    partitions: dg.PartitionsDefinition,
    name: str = LANDING_SENSOR,
    landed: Callable[[str], list[str]] = landed_months,
    done_asset: dg.AssetKey = DONE_ASSET,
    folder: str = "<landing>/<YYYY-MM>/",
    period: str = "month",
):
    """The sensor of one route: the monthly one by default; the daily route's
    (orchestration/daily.py) watches <landing>/daily/ for its days."""

    @dg.sensor(
        name=name,
        job=job,
        minimum_interval_seconds=60,
        default_status=dg.DefaultSensorStatus.RUNNING,
        description=f"Starts a {period}'s run once every required extract is in "
        f"{folder} and none has changed for the settling period; "
        f"again whenever a file of that {period} changes.",
    )
    def _sensor(context: dg.SensorEvaluationContext, config: PipelineConfig):
        cursor = json.loads(context.cursor) if context.cursor else {}
        keys = set(partitions.get_partition_keys())
        requests, cursor = landing_requests(
            config,
            keys,
            cursor,
            time.time(),
            lambda key: _done_at(context.instance, done_asset, key),
            landed,
        )
        context.update_cursor(json.dumps(cursor, sort_keys=True))
        if not requests:
            return dg.SkipReason(f"no {period} newly complete or changed")
        return requests

    return _sensor


def _done_at(
    instance: dg.DagsterInstance, asset: dg.AssetKey, key: str
) -> float | None:
    records = instance.fetch_materializations(
        dg.AssetRecordsFilter(asset_key=asset, asset_partitions=[key]), limit=1
    ).records
    return records[0].timestamp if records else None


def failure_rows(context: dg.RunFailureSensorContext) -> pd.DataFrame:
    """One row per failed step. Only messages our own code raised (dg.Failure,
    which never carry personal data) are kept; other errors by class name."""
    run = context.dagster_run
    rows = []
    for event in context.get_step_failure_events() or [None]:
        data = event.step_failure_data if event else None
        user = data.user_failure_data if data else None
        if user and user.description:
            message = user.description
        elif data and data.error:
            error = (
                data.error.cause or data.error
            )  # Dagster wraps the error the step raised
            message = f"{error.cls_name} (details in the Dagster run log)"
        else:
            message = "run failed before any step"
        rows.append(
            {
                "run_id": run.run_id,
                "job_name": run.job_name,
                "report_month": run.tags.get("dagster/partition"),
                "step_key": event.step_key if event else None,
                "message": message,
                "failed_at": pd.Timestamp.now(tz="UTC").tz_localize(None),
            }
        )
    return pd.DataFrame(rows)


def _pending_path(warehouse_path: str) -> Path:
    return Path(warehouse_path + ".pending_failures.csv")


def record_failures(config: PipelineConfig, rows: pd.DataFrame) -> None:
    """Insert the rows, with any left pending before. A sensor tick has 60 s and
    Dagster does not offer a failed run twice: when a run holds the warehouse
    longer, the rows wait in a file beside it for the next failure."""
    pending = _pending_path(config.warehouse_path)
    if pending.exists():
        rows = pd.concat(
            [pd.read_csv(pending, parse_dates=["failed_at"]), rows], ignore_index=True
        )
    try:
        with open_warehouse(config, wait_seconds=WAIT_SECONDS) as warehouse:
            warehouse.append_rows(RUN_FAILURES_TABLE, rows)
    except WarehouseBusy:
        fd = os.open(pending, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as out:
            rows.to_csv(out, index=False)
        raise
    pending.unlink(missing_ok=True)


@dg.run_failure_sensor(
    name=FAILURE_SENSOR,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description=f"Every failed run's failed steps go to {RUN_FAILURES_TABLE} in the warehouse.",
)
def record_run_failures(context: dg.RunFailureSensorContext, config: PipelineConfig):
    record_failures(config, failure_rows(context))
