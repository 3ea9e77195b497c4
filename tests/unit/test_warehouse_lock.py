"""Two processes on one warehouse: a step waits for the file, a second
`linkages run` stops at once, a killed run leaves no stale lock, and a failure
the sensor cannot record yet is kept, not lost."""

import signal
import subprocess
import sys
import time

import duckdb
import pandas as pd
import pytest

from orchestration.lib.config import PipelineConfig
from orchestration.lib.warehouse import WarehouseBusy, connect, run_lock
from orchestration.sensors import RUN_FAILURES_TABLE, record_failures

HOLD_FILE = """
import sys, time, duckdb
con = duckdb.connect(sys.argv[1])
print("ready", flush=True)
time.sleep(float(sys.argv[2]))
"""
HOLD_RUN_LOCK = """
import sys, time
from orchestration.lib.warehouse import run_lock
with run_lock(sys.argv[1]):
    print("ready", flush=True)
    time.sleep(float(sys.argv[2]))
"""


def hold(script: str, path, seconds: float) -> subprocess.Popen:
    proc = subprocess.Popen(
        [sys.executable, "-c", script, str(path), str(seconds)],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout.readline().strip() == "ready"
    return proc


def test_a_step_waits_for_the_warehouse_another_process_holds(tmp_path):
    path = tmp_path / "wh.duckdb"
    holder = hold(HOLD_FILE, path, 2)
    started = time.monotonic()
    with connect(path, wait_seconds=60) as con:
        assert con.execute("select 1").fetchall() == [(1,)]
    assert time.monotonic() - started >= 1.0  # it waited for the holder to let go
    assert holder.wait(timeout=30) == 0


def test_a_step_gives_up_after_its_wait_with_a_message_naming_the_file(tmp_path):
    path = tmp_path / "wh.duckdb"
    holder = hold(HOLD_FILE, path, 30)
    try:
        with pytest.raises(
            WarehouseBusy,
            match=r"wh\.duckdb is still in use by another process after 1 s",
        ):
            with connect(path, wait_seconds=1):
                pass
    finally:
        holder.kill()
        holder.wait()


def test_a_second_run_stops_at_once_and_a_killed_run_leaves_no_stale_lock(tmp_path):
    path = tmp_path / "wh.duckdb"
    holder = hold(HOLD_RUN_LOCK, path, 60)
    with pytest.raises(
        WarehouseBusy,
        match=rf"another `linkages run` is using .* \(pid {holder.pid}, started ",
    ):
        with run_lock(path):
            pass
    holder.send_signal(signal.SIGKILL)
    holder.wait()
    with run_lock(path):  # the kernel released the dead run's lock
        pass


def test_a_failure_the_sensor_cannot_record_yet_is_kept_for_the_next(
    tmp_path, monkeypatch
):
    path = str(tmp_path / "wh.duckdb")

    def row(run_id):
        return pd.DataFrame(
            [
                {
                    "run_id": run_id,
                    "job_name": "monthly_pipeline",
                    "report_month": "2026-10",
                    "step_key": "x",
                    "message": "m",
                    "failed_at": pd.Timestamp("2026-11-01"),
                }
            ]
        )

    holder = hold(HOLD_FILE, path, 60)
    monkeypatch.setattr("orchestration.sensors.WAIT_SECONDS", 0.5)
    config = PipelineConfig(warehouse_path=path)
    try:
        with pytest.raises(WarehouseBusy):
            record_failures(config, row("run-1"))
    finally:
        holder.kill()
        holder.wait()
    record_failures(config, row("run-2"))
    with duckdb.connect(path, read_only=True) as con:
        runs = con.execute(
            f"select run_id from {RUN_FAILURES_TABLE} order by 1"
        ).fetchall()
    assert runs == [("run-1",), ("run-2",)]
    assert not (tmp_path / "wh.duckdb.pending_failures.csv").exists()


def test_after_one_full_wait_the_next_step_gives_up_at_once_until_the_file_is_free(
    tmp_path,
):
    path = tmp_path / "wh.duckdb"
    holder = hold(HOLD_FILE, path, 60)
    try:
        with pytest.raises(WarehouseBusy, match="after 1 s"):
            with connect(path, wait_seconds=1):
                pass
        started = time.monotonic()
        # the run's next step: the same message at once, not a second wait
        with pytest.raises(WarehouseBusy, match="after 30 s: close the program"):
            with connect(path, wait_seconds=30):
                pass
        assert time.monotonic() - started < 5
    finally:
        holder.kill()
        holder.wait()
    with connect(path, wait_seconds=30) as con:  # free again: opens as before
        assert con.execute("select 1").fetchall() == [(1,)]
