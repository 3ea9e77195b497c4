"""The analysts' copy: the outcome and reporting tables, every month, in a DuckDB
file of their own (config.analyst_copy_path, `analytics.duckdb` beside the
warehouse by default).

An analyst's program that holds the warehouse file open, even read-only, keeps
every writer out of it (DuckDB's lock); one holding this copy blocks nothing:
the pipeline never opens it, it writes a new file beside it and renames it over
the old one. On Linux a program with the old file open keeps reading the old
rows (its open file survives the rename); the next open sees the new ones.
"""

from __future__ import annotations

import os
from pathlib import Path

import duckdb

from orchestration.lib.privacy import personal_columns
from orchestration.lib.warehouse import Warehouse

# read-only for everyone: analysts open it with `duckdb -readonly` or
# read_only=True; it holds no personal data (docs/security.md)
COPY_MODE = 0o444


class PersonalColumnError(RuntimeError):
    """A table bound for the analysts has a personal column; names the column only."""


def publish(warehouse: Warehouse, tables: list[str], path: Path) -> dict[str, int]:
    """Copy `tables` ('schema.table', those that exist) into a new file and swap
    it in for `path` at once (os.replace). Returns the rows per table copied."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.unlink(missing_ok=True)  # a killed run's leftover
    rows: dict[str, int] = {}
    try:
        with duckdb.connect(str(tmp)) as out:
            for table in tables:
                if warehouse.table_exists(*table.split(".")):
                    rows[table] = _copy(warehouse, out, table)
        os.chmod(tmp, COPY_MODE)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return rows


def _copy(warehouse: Warehouse, out: duckdb.DuckDBPyConnection, table: str) -> int:
    data = warehouse.arrow(f"select * from {table}")
    personal = personal_columns(data.column_names)
    if personal:  # checked on every copy, not trusted to the models' authors
        raise PersonalColumnError(
            f"{table} has personal columns ({', '.join(personal)}): "
            "the analysts' copy was not replaced"
        )
    out.execute(f"create schema if not exists {table.split('.')[0]}")
    out.register("_rows", data)
    try:
        out.execute(f"create table {table} as select * from _rows")
    finally:
        out.unregister("_rows")
    return data.num_rows
