"""The Dagster home runs are recorded in, and its event log with files kept open
(orchestration/lib/instance.py): what Dagster's own storage records, read back alike;
the UI's watch on a running run still sees each event as it is written."""

import threading
import time

import dagster as dg
import pytest
from dagster._core.events.log import EventLogEntry

from orchestration.lib.instance import (
    OPEN_RUN_FILES,
    PooledSqliteEventLogStorage,
    recorded_instance,
)


@dg.asset(check_specs=[dg.AssetCheckSpec("positive", asset="numbers")])
def numbers():
    yield dg.Output([1, 2, 3])
    yield dg.AssetCheckResult(check_name="positive", passed=True)


@dg.asset
def total(numbers):
    return sum(numbers)


def _recorded(instance) -> list[tuple[str, str | None]]:
    """(event type, step) of each of the last run's events, in order."""
    run = instance.get_runs(limit=1)[0]
    return [
        (e.dagster_event.event_type_value, e.dagster_event.step_key)
        for e in instance.all_logs(run.run_id)
        if e.dagster_event and e.dagster_event.event_type_value != "LOGS_CAPTURED"
    ]


@pytest.fixture
def home(tmp_path, monkeypatch):
    """A Dagster home that does not exist yet, as on a fresh machine."""
    home = tmp_path / "dagster_home"
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    return home


def test_a_new_home_gets_the_projects_config_and_its_event_log(home):
    instance = recorded_instance()
    assert (home / "dagster.yaml").exists()
    assert isinstance(instance.event_log_storage, PooledSqliteEventLogStorage)
    # where Dagster's own storage keeps a home's event log: an existing home keeps its runs
    assert (home / "history" / "runs" / "index.db").exists()


def test_no_home_no_recorded_instance(monkeypatch):
    monkeypatch.delenv("DAGSTER_HOME", raising=False)
    assert recorded_instance() is None


def test_runs_read_back_as_dagsters_own_storage_records_them(home):
    instance = recorded_instance()
    for _ in range(2):
        assert dg.materialize([numbers, total], instance=instance).success
    with dg.DagsterInstance.ephemeral() as theirs:
        assert dg.materialize([numbers, total], instance=theirs).success
        expected = _recorded(theirs)
    assert _recorded(instance) == expected
    key = dg.AssetKey("numbers")
    assert len(instance.fetch_materializations(key, limit=10).records) == 2
    check = instance.event_log_storage.get_latest_asset_check_execution_by_key(
        [dg.AssetCheckKey(key, "positive")]
    )[dg.AssetCheckKey(key, "positive")]
    assert check.status.value == "SUCCEEDED"


def test_open_files_stay_few_however_many_runs_are_read(home):
    instance = recorded_instance()
    runs = [dg.materialize([numbers], instance=instance).run_id for _ in range(7)]
    for run_id in runs:  # as the UI reads one run after another
        assert instance.all_logs(run_id)
    storage = instance.event_log_storage
    assert len(storage._engines) == OPEN_RUN_FILES + 1  # and the index


def _entry(run_id: str, message: str) -> EventLogEntry:
    return EventLogEntry(
        error_info=None,
        level="INFO",
        user_message=message,
        run_id=run_id,
        timestamp=time.time(),
        step_key=None,
        job_name=None,
        dagster_event=None,
    )


def test_a_watched_run_sees_each_event_as_it_is_written(tmp_path):
    """The UI follows a running run by watching its file: each write must reach it then,
    not when a kept-open connection is closed."""
    storage = PooledSqliteEventLogStorage(str(tmp_path / "events"))
    run_id = "a1b2c3"
    storage.store_event(_entry(run_id, "before the watch"))
    seen, arrived = [], threading.Event()

    def callback(entry, cursor):
        seen.append(entry.user_message)
        arrived.set()

    cursor = storage.get_records_for_run(run_id).cursor
    storage.watch(run_id, cursor, callback)
    try:
        for message in ["first", "second", "third"]:
            arrived.clear()
            storage.store_event(_entry(run_id, message))
            assert arrived.wait(timeout=10), f"the watch did not see {message!r}"
        assert seen == ["first", "second", "third"]
    finally:
        storage.end_watch(run_id, callback)
        storage.dispose()


def test_wipe_leaves_no_events_and_storage_goes_on(tmp_path):
    storage = PooledSqliteEventLogStorage(str(tmp_path / "events"))
    storage.store_event(_entry("r1", "one"))
    storage.wipe()
    assert storage.get_records_for_run("r1").records == []
    storage.store_event(_entry("r1", "again"))
    assert [
        r.event_log_entry.user_message
        for r in storage.get_records_for_run("r1").records
    ] == ["again"]
    storage.dispose()
