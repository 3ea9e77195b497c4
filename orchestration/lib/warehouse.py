"""Short-lived DuckDB connections to the warehouse file, and the run lock.

DuckDB allows one writer at a time: every asset that writes opens, writes and
closes inside one `with` block, and all writers share one concurrency pool.
Across processes (a `linkages run` beside a run the UI launched) a step that
finds the file locked waits for it; two `linkages run` on one warehouse do not
interleave at all: the second stops at once (`run_lock`).
"""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pandas as pd

WAREHOUSE_POOL = "duckdb_warehouse"
WAIT_ENV = "LINKAGES_WAREHOUSE_WAIT_SECONDS"
DEFAULT_WAIT_SECONDS = 1800  # longer than any one step of a state-size month


class WarehouseBusy(RuntimeError):
    """The warehouse is held by another process; names the file, never data."""


@contextmanager
def connect(
    path: str | Path, read_only: bool = False, wait_seconds: float | None = None
) -> Iterator[duckdb.DuckDBPyConnection]:
    """wait_seconds: how long to wait for another process's lock (default
    LINKAGES_WAREHOUSE_WAIT_SECONDS, else 30 minutes); then WarehouseBusy."""
    path = Path(path)
    if not read_only:
        path.parent.mkdir(parents=True, exist_ok=True)
    if wait_seconds is None:
        wait_seconds = float(os.environ.get(WAIT_ENV, DEFAULT_WAIT_SECONDS))
    con = _open_when_free(path, read_only, wait_seconds)
    try:
        yield con
    finally:
        con.close()


def _open_when_free(
    path: Path, read_only: bool, wait_seconds: float
) -> duckdb.DuckDBPyConnection:
    deadline = time.monotonic() + wait_seconds
    while True:
        old = os.umask(
            0o077
        )  # personal data inside: the file and its WAL are owner-only
        try:
            return duckdb.connect(str(path), read_only=read_only)
        except duckdb.IOException as exc:
            if "Could not set lock" not in str(exc):
                raise
            if time.monotonic() >= deadline:
                raise WarehouseBusy(
                    f"warehouse {path} is still in use by another process after {wait_seconds:.0f} s "
                    f"(set {WAIT_ENV} to wait longer)"
                ) from None
        finally:
            os.umask(old)
        time.sleep(0.5)


@contextmanager
def run_lock(warehouse: str | Path) -> Iterator[None]:
    """Hold `<warehouse>.lock` for a whole run. The kernel drops the lock when
    the process ends, however it ends, so a killed run never leaves it stale."""
    path = Path(str(warehouse) + ".lock")
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 200, 0).decode(errors="replace").strip() or "unknown"
            raise WarehouseBusy(
                f"another `linkages run` is using the warehouse {warehouse} ({holder}); "
                "this run stopped before touching it — run it again when that one has finished"
            ) from None
        os.ftruncate(fd, 0)
        started = datetime.now(UTC).isoformat(timespec="seconds")
        os.pwrite(fd, f"pid {os.getpid()}, started {started}".encode(), 0)
        yield
    finally:
        os.close(fd)


@contextmanager
def open_warehouse(config, read_only: bool = False) -> Iterator:
    """The warehouse of `config.engine`: a DuckDB connection to the file, or the
    Spark session's tables (orchestration/lib/spark.py) answering the same calls."""
    if config.engine == "spark":
        from orchestration.lib.spark import SparkWarehouse, session

        yield SparkWarehouse(session(config.warehouse_path))
        return
    if config.engine != "duckdb":
        raise ValueError(f"engine must be duckdb or spark, got {config.engine!r}")
    with connect(config.warehouse_path, read_only=read_only) as con:
        yield con


def scalar(con: duckdb.DuckDBPyConnection, sql: str, params=None):
    """The single value a query returns. fetchall, not fetchone: DuckDB 2 keeps
    a partly fetched result open and refuses the connection's next `register`."""
    return con.execute(sql, params or []).fetchall()[0][0]


def native_frame(con, sql: str, params=None):
    """A query's rows as the engine's own frame, for Great Expectations: pandas
    from DuckDB; a Spark DataFrame from Spark, validated where it lies."""
    result = con.execute(sql, params)
    return result.frame if hasattr(result, "frame") else result.df()


def table_exists(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> bool:
    if hasattr(con, "table_exists"):  # Spark
        return con.table_exists(schema, table)
    return bool(
        scalar(
            con,
            "select count(*) from information_schema.tables where table_schema = ? and table_name = ?",
            [schema, table],
        )
    )


def replace_month_frame(
    con: duckdb.DuckDBPyConnection, table: str, month: str, frame
) -> None:
    """replace_month from a pandas frame, stamped with the month. Text columns are
    typed explicitly: an empty object column becomes DuckDB's NULL type, and the
    next month's values could not be inserted into it."""
    if hasattr(con, "replace_month_frame"):  # Spark
        con.replace_month_frame(table, month, frame)
        return
    text = {c: "string" for c in frame.columns if frame[c].dtype == object}
    con.register("_month_frame", frame.astype(text).assign(report_month=month))
    try:
        replace_month(con, table, month, "_month_frame")
    finally:
        con.unregister("_month_frame")


AUDIT_LOG = "audit.export_log"


def append_audit(con, month: str, rows) -> None:
    """Add rows to the audit log, never removing any: a rerun adds its own with its
    run id. On Spark (no row appends to a partition) the month's partition is
    rewritten with its earlier rows kept."""
    frame = rows.assign(report_month=month)
    if hasattr(con, "replace_month_frame"):  # Spark
        if con.table_exists(*AUDIT_LOG.split(".")):
            earlier = con.execute(
                f"select * from {AUDIT_LOG} where report_month = ?", [month]
            ).df()
            frame = pd.concat([earlier, frame], ignore_index=True)
        con.replace_month_frame(AUDIT_LOG, month, frame)
        return
    text = {c: "string" for c in frame.columns if frame[c].dtype == object}
    con.register("_audit_rows", frame.astype(text))
    try:
        con.execute("create schema if not exists audit")
        con.execute(
            f"create table if not exists {AUDIT_LOG} as select * from _audit_rows limit 0"
        )
        _add_new_columns(con, AUDIT_LOG, "_audit_rows")
        con.execute(
            f"insert into {AUDIT_LOG} by name select * from _audit_rows"
        ).fetchall()
    finally:
        con.unregister("_audit_rows")


def replace_month(
    con: duckdb.DuckDBPyConnection, table: str, month: str, relation: str
) -> None:
    """Swap `table`'s rows of `month` for `relation`'s (a table or view name):
    a rerun replaces exactly its month, other months stay as they were."""
    schema = table.split(".")[0]
    con.execute(f"create schema if not exists {schema}")
    con.execute(
        f"create table if not exists {table} as select * from {relation} limit 0"
    )
    _add_new_columns(con, table, relation)
    # fetch each count: DuckDB 2 refuses new work while a result is unread
    con.execute(f"delete from {table} where report_month = ?", [month]).fetchall()
    con.execute(f"insert into {table} by name select * from {relation}").fetchall()


def _add_new_columns(con: duckdb.DuckDBPyConnection, table: str, relation: str) -> None:
    """A column a newer version writes is added to a table an older one made,
    so a warehouse carries over upgrades (earlier months' rows get NULL)."""
    have = {row[0] for row in con.execute(f"describe {table}").fetchall()}
    for name, kind, *_ in con.execute(f"describe {relation}").fetchall():
        if name not in have:
            con.execute(f'alter table {table} add column "{name}" {kind}')
