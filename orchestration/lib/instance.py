"""The Dagster instance runs are recorded in, and its event log.

`recorded_instance()`: the instance in $DAGSTER_HOME, the home made when missing and
given the project's dagster.yaml (the warehouse's concurrency pool, this event log).

The event log is Dagster's own SQLite storage, its files kept open.

Dagster's SqliteEventLogStorage makes a new SQLAlchemy engine, and a new SQLite
connection, for every read and write. A demo month's run writes ~900 events (every dbt
test is a check: planned, its output, its evaluation), most of them two to four times
over (the run's file, then the cross-run index), and reads the index for each
materialization's inputs: ~7 s of a 29 s month. This class keeps one engine per file
open instead; everything else is Dagster's. The class it extends is not Dagster's public
API: tests/unit/test_instance.py reads runs back against Dagster's own storage, so an
upgrade that changes it fails there.

The UI follows a running run by watching the run's file for changes, and SQLite's
write-ahead log holds a kept-open connection's writes apart from the file until a
checkpoint: each write to a run's file is checkpointed at once, so the UI still sees
every event as it happens (tests/unit/test_instance.py).
"""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import dagster as dg
from dagster._core.storage.event_log.sqlite.sqlite_event_log import (
    INDEX_SHARD_NAME,
    SqliteEventLogStorage,
)
from dagster._core.storage.sqlite import SQLITE_BUSY_TIMEOUT_SECONDS
from sqlalchemy import Connection, Engine, create_engine

CONFIG = Path(__file__).resolve().parents[1] / "dagster.yaml"
# run files whose engines stay open besides the index: the runs being written or read now
# (a UI process reads many runs one after another; older engines are closed)
OPEN_RUN_FILES = 4


class PooledSqliteEventLogStorage(SqliteEventLogStorage):
    def __init__(self, base_dir: str, inst_data: Any = None):
        self._engines: dict[str, Engine] = {}  # by file (shard), oldest first
        self._tables: set[str] = set()  # index tables known to exist
        super().__init__(base_dir, inst_data)

    @classmethod
    def config_type(cls) -> dict:
        return {"base_dir": dg.Field(dg.StringSource, is_required=False)}

    @classmethod
    def from_config_value(cls, inst_data, config_value: dict):
        """`base_dir` defaults to where Dagster keeps the event log of a home without a
        storage setting, so a home that had Dagster's storage keeps its runs."""
        base_dir = config_value.get("base_dir")
        if base_dir is None:
            home = os.environ.get("DAGSTER_HOME")
            if not home:
                raise dg.DagsterInvariantViolationError(
                    f"{cls.__name__}: set base_dir in dagster.yaml, or DAGSTER_HOME"
                )
            base_dir = os.path.join(home, "history", "runs")
        return cls(base_dir, inst_data=inst_data)

    def _engine(self, shard: str) -> Engine:
        engine = self._engines.pop(shard, None)
        if engine is None:
            engine = create_engine(
                self.conn_string_for_shard(shard),
                connect_args={"timeout": SQLITE_BUSY_TIMEOUT_SECONDS},
            )
            runs = [s for s in self._engines if s != INDEX_SHARD_NAME]
            for old in runs[: max(0, len(runs) + 1 - OPEN_RUN_FILES)]:
                self._engines.pop(old).dispose()
        self._engines[shard] = engine  # now the newest
        return engine

    @contextlib.contextmanager
    def _connect(self, shard: str) -> Iterator[Connection]:
        with self._db_lock:
            engine = self._engine(shard)
            if shard not in self._initialized_dbs:
                self._initdb(engine)
                self._initialized_dbs.add(shard)
            with engine.connect() as conn:
                sqlite = conn.connection.dbapi_connection
                changes = sqlite.total_changes
                with conn.begin():
                    yield conn
                if shard != INDEX_SHARD_NAME and sqlite.total_changes != changes:
                    # into the run's file itself, where the UI's watcher sees it
                    conn.exec_driver_sql("PRAGMA wal_checkpoint(PASSIVE)")

    def has_table(self, table_name: str) -> bool:
        # asked on every check event; a table, once made, stays
        if table_name not in self._tables and super().has_table(table_name):
            self._tables.add(table_name)
        return table_name in self._tables

    def _close_engines(self) -> None:
        with self._db_lock:
            while self._engines:
                self._engines.popitem()[1].dispose()

    def wipe(self) -> None:
        self._close_engines()  # before Dagster deletes the run files under them
        super().wipe()

    def dispose(self) -> None:
        self._close_engines()
        super().dispose()


def recorded_instance() -> dg.DagsterInstance | None:
    """The instance in $DAGSTER_HOME (the UI shows its runs); None when it is not set."""
    home = os.environ.get("DAGSTER_HOME")
    if not home:
        return None
    Path(home).mkdir(parents=True, exist_ok=True)  # Dagster refuses a missing home
    if not (Path(home) / "dagster.yaml").exists():
        shutil.copyfile(CONFIG, Path(home) / "dagster.yaml")
    return dg.DagsterInstance.get()
