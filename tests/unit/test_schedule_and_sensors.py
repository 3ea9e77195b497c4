"""The monthly schedule, the landing sensor and the run-failure sensor."""

import json
import os
import time
from datetime import datetime
from zoneinfo import ZoneInfo

import dagster as dg
import duckdb
import pytest

from contract import SOURCE_FILES
from orchestration.daily import DAILY_JOB, DAILY_SENSOR, build_daily_definitions
from orchestration.definitions import MONTHLY_JOB, build_definitions
from orchestration.lib.config import PipelineConfig
from orchestration.schedules import SCHEDULE_NAME
from orchestration.sensors import (
    FAILURE_SENSOR,
    LANDING_SENSOR,
    RUN_FAILURES_TABLE,
    landing_requests,
)

LA = ZoneInfo("America/Los_Angeles")
HOUR = 3600


def land(landing, month, files=None, age_seconds=2 * HOUR):
    """Write a month's extract files (content does not matter to the sensor), aged."""
    folder = landing / month
    folder.mkdir(parents=True, exist_ok=True)
    for spec in SOURCE_FILES if files is None else files:
        path = folder / f"{spec.name}.csv"
        path.write_text("header\n")
        then = time.time() - age_seconds
        os.utime(path, (then, then))
    return folder


@pytest.fixture
def config(tmp_path):
    return PipelineConfig(
        landing_dir=str(tmp_path / "landing"),
        warehouse_path=str(tmp_path / "warehouse.duckdb"),
        first_month="2026-01",
        landing_settle_seconds=600,
    )


def test_schedule_runs_the_previous_month_on_the_3rd_at_6_pacific(config):
    defs = build_definitions(config)
    schedule = defs.get_schedule_def(SCHEDULE_NAME)
    assert schedule.cron_schedule == "0 6 3 * *"
    assert schedule.execution_timezone == "America/Los_Angeles"
    assert schedule.job_name == MONTHLY_JOB
    repo = defs.get_repository_def()

    def run_for(when):
        context = dg.build_schedule_context(
            scheduled_execution_time=when, repository_def=repo
        )
        (request,) = schedule.evaluate_tick(context).run_requests
        return request.partition_key

    assert run_for(datetime(2026, 11, 3, 6, tzinfo=LA)) == "2026-10"
    # January's run is for December of the year before
    assert run_for(datetime(2027, 1, 3, 6, tzinfo=LA)) == "2026-12"


def test_a_complete_settled_month_is_requested_once(config, tmp_path):
    land(tmp_path / "landing", "2026-09")
    keys = {"2026-09", "2026-10"}
    requests, cursor = landing_requests(config, keys, {}, time.time())
    assert [r.partition_key for r in requests] == ["2026-09"]
    assert set(cursor) == {"2026-09"}
    # the next tick, nothing changed: no new run
    again, cursor2 = landing_requests(config, keys, cursor, time.time())
    assert again == [] and cursor2 == cursor


def test_an_incomplete_month_is_not_requested(config, tmp_path):
    land(tmp_path / "landing", "2026-09", files=SOURCE_FILES[:-1])
    requests, cursor = landing_requests(config, {"2026-09"}, {}, time.time())
    assert requests == [] and cursor == {}


def test_a_month_still_being_copied_waits_for_the_settling_period(config, tmp_path):
    land(tmp_path / "landing", "2026-09", age_seconds=60)  # written a minute ago
    assert landing_requests(config, {"2026-09"}, {}, time.time())[0] == []
    # ten minutes later it has settled
    requests, _ = landing_requests(config, {"2026-09"}, {}, time.time() + 600)
    assert [r.partition_key for r in requests] == ["2026-09"]


def test_a_changed_file_requests_the_month_again(config, tmp_path):
    folder = land(tmp_path / "landing", "2026-09")
    requests, cursor = landing_requests(config, {"2026-09"}, {}, time.time())
    (folder / "cws_cases.csv").write_text("header\nreplacement row\n")
    then = time.time() - HOUR
    os.utime(folder / "cws_cases.csv", (then, then))
    again, cursor2 = landing_requests(config, {"2026-09"}, cursor, time.time())
    assert [r.partition_key for r in again] == ["2026-09"]
    assert again[0].run_key != requests[0].run_key
    assert again[0].tags["linkages/trigger"] == "landing-changed"
    assert cursor2["2026-09"] != cursor["2026-09"]


def test_a_month_already_run_since_its_files_changed_is_not_run_again(config, tmp_path):
    land(tmp_path / "landing", "2026-08")
    land(tmp_path / "landing", "2026-09")
    ran = {
        "2026-08": time.time() - 60,
        "2026-09": time.time() - 3 * HOUR,
    }  # 09 ran before it changed
    requests, cursor = landing_requests(
        config, {"2026-08", "2026-09"}, {}, time.time(), ran.get
    )
    assert [r.partition_key for r in requests] == ["2026-09"]
    assert set(cursor) == {"2026-08", "2026-09"}


def test_months_without_a_partition_are_left_alone(config, tmp_path):
    land(tmp_path / "landing", "2026-11")  # the current month has not ended
    land(tmp_path / "landing", "not-a-month")
    assert landing_requests(config, {"2026-10"}, {}, time.time())[0] == []


def test_the_sensor_keeps_its_cursor_between_ticks(config, tmp_path):
    land(tmp_path / "landing", "2026-01")
    defs = build_definitions(config)
    sensor = defs.get_sensor_def(LANDING_SENSOR)
    instance = dg.DagsterInstance.ephemeral()
    tick = dict(
        instance=instance,
        resources={"config": config},
        repository_def=defs.get_repository_def(),
    )
    first = sensor.evaluate_tick(dg.build_sensor_context(**tick))
    assert [r.partition_key for r in first.run_requests] == ["2026-01"]
    context = dg.build_sensor_context(cursor=first.cursor, **tick)
    second = sensor.evaluate_tick(context)
    assert second.run_requests == [] and json.loads(second.cursor) == json.loads(
        first.cursor
    )


def test_partitions_start_at_the_first_landed_month(tmp_path):
    land(tmp_path / "landing", "2025-11")
    land(tmp_path / "landing", "2026-02")
    config = PipelineConfig(landing_dir=str(tmp_path / "landing"))
    keys = (
        build_definitions(config)
        .resolve_job_def(MONTHLY_JOB)
        .partitions_def.get_partition_keys()
    )
    assert keys[0] == "2025-11"


def test_a_failed_run_is_recorded_without_its_error_text(config):
    @dg.asset
    def fails_with_a_value():
        # an unexpected error whose text could hold data: only its class is kept
        raise ValueError("Could not convert 'MARIA' to a date")

    instance = dg.DagsterInstance.ephemeral()
    result = dg.materialize(
        [fails_with_a_value],
        instance=instance,
        raise_on_error=False,
        tags={"dagster/partition": "2026-09"},
    )
    assert not result.success
    failure = result.get_run_failure_event()
    context = dg.build_run_status_sensor_context(
        sensor_name=FAILURE_SENSOR,
        dagster_event=failure,
        dagster_instance=instance,
        dagster_run=result.dagster_run,
        resources={"config": config},
    ).for_run_failure()
    sensor = build_definitions(config).get_sensor_def(FAILURE_SENSOR)
    sensor(context)
    with duckdb.connect(config.warehouse_path, read_only=True) as con:
        rows = con.execute(
            f"select report_month, step_key, message from {RUN_FAILURES_TABLE}"
        ).fetchall()
    assert rows == [
        ("2026-09", "fails_with_a_value", "ValueError (details in the Dagster run log)")
    ]


def test_the_daily_route_has_its_own_sensor_on_the_landed_days(config, tmp_path):
    days = tmp_path / "landing" / "daily"
    land(days, "2026-10-04")
    land(days, "2026-10-05", files=SOURCE_FILES[:-1])  # still incomplete
    land(tmp_path / "landing", "2026-09")  # a month: not the daily route's
    config = config.replaced(first_day="2026-10-01")
    defs = build_daily_definitions(config)
    sensor = defs.get_sensor_def(DAILY_SENSOR)
    assert sensor.job_name == DAILY_JOB
    tick = sensor.evaluate_tick(
        dg.build_sensor_context(
            instance=dg.DagsterInstance.ephemeral(),
            resources={"config": config.for_days()},
            repository_def=defs.get_repository_def(),
        )
    )
    assert [r.partition_key for r in tick.run_requests] == ["2026-10-04"]
    assert defs.get_sensor_def(FAILURE_SENSOR)  # its failures are recorded too


def test_dbts_monthly_list_day_is_the_schedules_day(config):
    """The monthly route's identification day in the daily-vs-monthly comparison
    (dbt var monthly_list_day) is the day the schedule runs."""
    from orchestration.lib.dbt_project import dbt_vars

    cron = build_definitions(config).get_schedule_def(SCHEDULE_NAME).cron_schedule
    assert int(cron.split()[2]) == dbt_vars()["monthly_list_day"]


def test_the_daily_route_ingests_and_gates_only_the_files_its_lists_read(config):
    """A day builds what its notices are built from: the eight landing files the
    lists and the linkage read, each with its rows check and contract gate; the
    evaluation's files are the monthly route's alone."""
    defs = build_daily_definitions(config.replaced(first_day="2026-10-01"))
    graph = defs.resolve_job_def(DAILY_JOB).asset_layer.asset_graph
    ingested = {
        k.path[-1]
        for k in graph.executable_asset_keys
        if k.path[:2] == ["daily", "raw"]
    }
    assert ingested == {
        "calworks_cases",
        "calworks_persons",
        "wtw_status",
        "cws_clients",
        "cws_referrals",
        "cws_allegations",
        "cws_cases",
        "cws_case_participants",
    }
    gated = {
        c.asset_key.path[-1]
        for c in graph.asset_check_keys
        if c.name == "contract_gate"
    }
    assert gated == ingested
    # the UI's code location holds nothing the job does not build
    assert set(defs.resolve_asset_graph().materializable_asset_keys) == set(
        graph.executable_asset_keys
    )
    assert (
        dg.AssetKey(["daily", "exports", "office_mail"]) in graph.executable_asset_keys
    )
