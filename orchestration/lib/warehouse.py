"""The warehouse, one interface on either engine, and the run lock.

`Warehouse` is what the pipeline asks of the place its tables live: run SQL,
replace a month of a table, add rows to a log, tell whether a table exists. The
engine is chosen once, by the configuration (`engine`: duckdb, spark or
postgres), in
`open_warehouse`; no caller asks which engine it has, only what the warehouse can
do (`dbt_in_process`, `gx_condition_parser`, ...).

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
from contextlib import AbstractContextManager, contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import ClassVar, Literal, Protocol

import duckdb
import pandas as pd
import pyarrow as pa

from orchestration.lib.postgres import PostgresWarehouse
from orchestration.lib.spark import SparkWarehouse

Engine = Literal["duckdb", "spark", "postgres"]


class Result(Protocol):
    """A query's result, as DuckDB's: all rows at once."""

    def df(self) -> pd.DataFrame: ...

    def fetchall(self) -> list[tuple]: ...


class Warehouse(Protocol):
    """What the pipeline asks of the warehouse (DuckDBWarehouse, SparkWarehouse).
    SQL is DuckDB's dialect with `$name` or `?` parameters; Spark's translates it."""

    # the dbt profile's target for these tables
    dbt_target: ClassVar[str]
    # dbt runs inside this process (Spark: it must share the process's session;
    # DuckDB: no second process to start, ~6 s a run)
    dbt_in_process: ClassVar[bool]
    # how Great Expectations reads the row conditions of a suite over native_frame's
    gx_condition_parser: ClassVar[str]
    # Splink's backend for the linkage (matching.model)
    splink_engine: ClassVar[str]

    @classmethod
    def open(
        cls, config, read_only: bool = False, wait_seconds: float | None = None
    ) -> AbstractContextManager[Warehouse]: ...

    @staticmethod
    def exists(config) -> bool:
        """Whether the configured warehouse has been created at all."""

    @staticmethod
    def end_process() -> None:
        """Release what the process holds for the engine, at the end of a run."""

    @staticmethod
    def release_dbt() -> None:
        """Let go of what an in-process dbt build holds open (dbt_in_process)."""

    @staticmethod
    def dbt_env(config) -> dict[str, str]:
        """The environment dbt's profile reads for this warehouse (profiles.yml)."""

    def execute(self, sql: str, params=None) -> Result: ...

    def native_frame(self, sql: str, params=None):
        """The rows as the engine's own frame (pandas, or a Spark DataFrame), for
        Great Expectations to validate where they lie."""

    def arrow(self, sql: str, params=None) -> pa.Table:
        """The rows as Arrow, every column with its type: for copies out of the
        warehouse (the analysts' file)."""

    def table_exists(self, schema: str, table: str) -> bool: ...

    def replace_month_frame(self, table: str, month: str, frame) -> None:
        """Swap `table`'s rows of `month` for `frame`'s (pandas or Arrow), stamped
        with the month: a rerun replaces exactly its month."""

    def append_rows(self, table: str, frame: pd.DataFrame) -> None:
        """Add rows to a log (audit, failures), never removing any."""

    def scratch(self) -> AbstractContextManager[duckdb.DuckDBPyConnection]:
        """A DuckDB connection to read and check a landing file in (ingest/load.py)."""

    def replace_month_from(
        self, scratch: duckdb.DuckDBPyConnection, table: str, month: str, relation: str
    ) -> None:
        """replace_month_frame from a table or view of the scratch connection."""


WAREHOUSE_POOL = "duckdb_warehouse"
WAIT_ENV = "LINKAGES_WAREHOUSE_WAIT_SECONDS"
DEFAULT_WAIT_SECONDS = 1800  # longer than any one step of a state-size month


class WarehouseBusy(RuntimeError):
    """The warehouse is held by another process; names the file, never data."""


@contextmanager
def connect(
    path: str | Path,
    read_only: bool = False,
    wait_seconds: float | None = None,
    analyst_copy: str | Path | None = None,
) -> Iterator[duckdb.DuckDBPyConnection]:
    """wait_seconds: how long to wait for another process's lock (default
    LINKAGES_WAREHOUSE_WAIT_SECONDS, else 30 minutes); then WarehouseBusy, whose
    message points the holder at `analyst_copy` when there is one."""
    path = Path(path)
    if not read_only:
        path.parent.mkdir(parents=True, exist_ok=True)
    if wait_seconds is None:
        wait_seconds = float(os.environ.get(WAIT_ENV, DEFAULT_WAIT_SECONDS))
    con = _open_when_free(path, read_only, wait_seconds, analyst_copy)
    try:
        yield con
    finally:
        con.close()


# files this process waited for in full and did not get: the next step gives
# up at once instead of waiting as long again (one held file, one wait per run)
_GAVE_UP: set[Path] = set()


def _open_when_free(
    path: Path, read_only: bool, wait_seconds: float, analyst_copy
) -> duckdb.DuckDBPyConnection:
    waited = wait_seconds
    if path in _GAVE_UP:
        wait_seconds = 0
    deadline = time.monotonic() + wait_seconds
    while True:
        old = os.umask(
            0o077
        )  # personal data inside: the file and its WAL are owner-only
        try:
            con = duckdb.connect(str(path), read_only=read_only)
            _GAVE_UP.discard(path)
            return con
        except duckdb.IOException as exc:
            if "Could not set lock" not in str(exc):
                raise
            if time.monotonic() >= deadline:
                _GAVE_UP.add(path)
                raise WarehouseBusy(_held_message(path, waited, analyst_copy)) from None

        finally:
            os.umask(old)
        time.sleep(0.5)


def _held_message(path: Path, waited: float, analyst_copy) -> str:
    """One line: which file, how long it was waited for, what to do. A program
    that holds the file even read-only (the DuckDB CLI, DBeaver, a notebook)
    keeps every writer out."""
    elsewhere = (
        f" or point it at the analyst copy {analyst_copy}" if analyst_copy else ""
    )
    return (
        f"warehouse {path} is still in use by another process after {waited:.0f} s: "
        f"close the program that has it open (a DuckDB CLI, DBeaver, a notebook){elsewhere}, "
        f"then run again (set {WAIT_ENV} to wait longer)"
    )


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


class DuckDBWarehouse:
    """The warehouse as one DuckDB file (config.warehouse_path)."""

    dbt_target: ClassVar[str] = "duckdb"
    dbt_in_process: ClassVar[bool] = True
    gx_condition_parser: ClassVar[str] = "pandas"
    splink_engine: ClassVar[str] = "duckdb"

    def __init__(self, con: duckdb.DuckDBPyConnection):
        self.con = con

    @classmethod
    @contextmanager
    def open(
        cls, config, read_only: bool = False, wait_seconds: float | None = None
    ) -> Iterator[DuckDBWarehouse]:
        with connect(
            config.warehouse_path, read_only, wait_seconds, config.analyst_copy_path
        ) as con:
            yield cls(con)

    @staticmethod
    def exists(config) -> bool:
        return Path(config.warehouse_path).exists()

    @staticmethod
    def end_process() -> None:
        """Nothing outlives a connection."""

    @staticmethod
    def release_dbt() -> None:
        """dbt-duckdb keeps its database open after a build (its handle count reaches
        0, the file stays open): the next step's connection, opened with another
        configuration, would be refused. Closed here."""
        from dbt.adapters.duckdb.connections import DuckDBConnectionManager

        env = DuckDBConnectionManager._ENV
        if env is not None:
            env.close()
        DuckDBConnectionManager.close_all_connections()

    @staticmethod
    def dbt_env(config) -> dict[str, str]:
        return {"LINKAGES_WAREHOUSE_PATH": str(Path(config.warehouse_path).resolve())}

    def execute(self, sql: str, params=None) -> duckdb.DuckDBPyConnection:
        return self.con.execute(sql, params)

    def native_frame(self, sql: str, params=None) -> pd.DataFrame:
        return self.con.execute(sql, params).df()

    def arrow(self, sql: str, params=None) -> pa.Table:
        # a relation, not a cursor's result: DuckDB copies the rows once more
        # to give a cursor's result as Arrow
        return self.con.sql(sql, params=params).to_arrow_table()

    def table_exists(self, schema: str, table: str) -> bool:
        return bool(
            scalar(
                self,
                "select count(*) from information_schema.tables"
                " where table_schema = ? and table_name = ?",
                [schema, table],
            )
        )

    def replace_month_frame(self, table: str, month: str, frame) -> None:
        """Text columns are typed explicitly: an empty object column becomes
        DuckDB's NULL type, and the next month's values could not be inserted."""
        if isinstance(frame, pd.DataFrame):
            frame = _texts_typed(frame).assign(report_month=month)
        self.con.register("_month_frame", frame)
        try:
            replace_month(self.con, table, month, "_month_frame")
        finally:
            self.con.unregister("_month_frame")

    def append_rows(self, table: str, frame: pd.DataFrame) -> None:
        self.con.register("_new_rows", _texts_typed(frame))
        try:
            self.con.execute(f"create schema if not exists {table.split('.')[0]}")
            self.con.execute(
                f"create table if not exists {table} as select * from _new_rows limit 0"
            )
            _add_new_columns(self.con, table, "_new_rows")
            self.con.execute(
                f"insert into {table} by name select * from _new_rows"
            ).fetchall()
        finally:
            self.con.unregister("_new_rows")

    @contextmanager
    def scratch(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """The warehouse's own connection: the checked rows move to the tables in SQL."""
        yield self.con

    def replace_month_from(
        self, scratch: duckdb.DuckDBPyConnection, table: str, month: str, relation: str
    ) -> None:
        replace_month(scratch, table, month, relation)


def _texts_typed(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.astype(
        {c: "string" for c in frame.columns if frame[c].dtype == object}
    )


# the engines, chosen once by config.engine
WAREHOUSES: dict[Engine, type[Warehouse]] = {
    "duckdb": DuckDBWarehouse,
    "spark": SparkWarehouse,
    "postgres": PostgresWarehouse,
}


def warehouse_type(config) -> type[Warehouse]:
    """The warehouse class of `config.engine`: its capabilities without a connection."""
    return WAREHOUSES[config.engine]


def open_warehouse(
    config, read_only: bool = False, wait_seconds: float | None = None
) -> AbstractContextManager[Warehouse]:
    """The configured warehouse, open for one `with` block. wait_seconds: how long a
    DuckDB file locked by another process is waited for (connect)."""
    return warehouse_type(config).open(config, read_only, wait_seconds)


def wait_until_free(config) -> None:
    """Open the warehouse for writing once, as every step will, and let it go:
    a warehouse another program holds stops the run here, in one line
    (WarehouseBusy), before any step fails for it."""
    with open_warehouse(config):
        pass


def scalar(con: Warehouse | duckdb.DuckDBPyConnection, sql: str, params=None):
    """The single value a query returns. fetchall, not fetchone: DuckDB 2 keeps
    a partly fetched result open and refuses the connection's next `register`."""
    return con.execute(sql, params or []).fetchall()[0][0]


AUDIT_LOG = "audit.export_log"


def append_audit(warehouse: Warehouse, month: str, rows: pd.DataFrame) -> None:
    """Add rows to the audit log, never removing any: a rerun adds its own with its
    run id. Nothing written, nothing logged (an empty frame would type the log's
    columns from no values)."""
    if not rows.empty:
        warehouse.append_rows(AUDIT_LOG, rows.assign(report_month=month))


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
