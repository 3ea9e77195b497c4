"""Short-lived DuckDB connections to the warehouse file.

DuckDB allows one writer at a time: every asset that writes opens, writes and
closes inside one `with` block, and all writers share one concurrency pool.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

WAREHOUSE_POOL = "duckdb_warehouse"


@contextmanager
def connect(path: str | Path, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
    path = Path(path)
    if read_only:
        con = duckdb.connect(str(path), read_only=True)
    else:
        path.parent.mkdir(parents=True, exist_ok=True)
        # personal data inside: the file and its WAL are created owner-only
        old = os.umask(0o077)
        try:
            con = duckdb.connect(str(path))
        finally:
            os.umask(old)
    try:
        yield con
    finally:
        con.close()


def scalar(con: duckdb.DuckDBPyConnection, sql: str, params=None):
    """The single value a query returns. fetchall, not fetchone: DuckDB 2 keeps
    a partly fetched result open and refuses the connection's next `register`."""
    return con.execute(sql, params or []).fetchall()[0][0]


def table_exists(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> bool:
    return bool(
        scalar(
            con,
            "select count(*) from information_schema.tables where table_schema = ? and table_name = ?",
            [schema, table],
        )
    )


def replace_month_frame(con: duckdb.DuckDBPyConnection, table: str, month: str, frame) -> None:
    """replace_month from a pandas frame, stamped with the month. Text columns are
    typed explicitly: an empty object column becomes DuckDB's NULL type, and the
    next month's values could not be inserted into it."""
    text = {c: "string" for c in frame.columns if frame[c].dtype == object}
    con.register("_month_frame", frame.astype(text).assign(report_month=month))
    try:
        replace_month(con, table, month, "_month_frame")
    finally:
        con.unregister("_month_frame")


def replace_month(con: duckdb.DuckDBPyConnection, table: str, month: str, relation: str) -> None:
    """Swap `table`'s rows of `month` for `relation`'s (a table or view name):
    a rerun replaces exactly its month, other months stay as they were."""
    schema = table.split(".")[0]
    con.execute(f"create schema if not exists {schema}")
    con.execute(f"create table if not exists {table} as select * from {relation} limit 0")
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
