"""Landing file -> raw.<file> + quarantine.<file> (CONTRACT.md §1, §8).

File-level faults raise `ContractError` before the warehouse is touched, so a
bad file never replaces a month that loaded before (read.py). Row-level faults
send the row, with its original text, the rules it broke and the report month, to
quarantine; the rest is typed and staged (rules.py). Soft faults are counted only.

All of it runs inside DuckDB: a county's largest file is millions of rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from contract import SourceFile
from orchestration.defs.ingest.read import (
    ContractError,
    find_source,
    read_as_text,
    sql_ident,
    sql_text,
)
from orchestration.defs.ingest.rules import row_rules, typed_columns
from orchestration.lib.warehouse import DuckDBWarehouse, Warehouse, scalar

# what the ingest asset and its tests use of the reading step, from here
__all__ = ["ContractError", "LoadResult", "find_source", "replace_month", "split"]


@dataclass
class LoadResult:
    file: str
    rows_read: int
    rows_staged: int
    rows_quarantined: int
    quarantined_by_rule: dict[str, int] = field(default_factory=dict)
    soft_faults: dict[str, int] = field(default_factory=dict)
    extra_columns: list[str] = field(default_factory=list)
    source_path: str = ""

    @property
    def quarantine_rate(self) -> float:
        return self.rows_quarantined / self.rows_read if self.rows_read else 0.0


def split(
    con: duckdb.DuckDBPyConnection,
    path: Path | None,
    spec: SourceFile,
    month: str,
    as_of: str,
) -> LoadResult:
    """Read, check and split one file into temp tables `staged` and `rejected`."""
    found = read_as_text(con, path, spec)
    by_lower = {h.strip().lower(): h for h in found}
    missing = [c for c in spec.column_names if c not in by_lower]
    if missing:
        raise ContractError(
            spec.name, "required column missing", len(missing), ", ".join(missing)
        )
    extras = [h for k, h in by_lower.items() if k not in spec.column_names]
    renames = ", ".join(f'{sql_ident(by_lower[c])} as "{c}"' for c in spec.column_names)
    con.execute(
        f"create or replace temp table src as select {renames}, _source_row from src"
    )

    rules = row_rules(spec, as_of)
    broken = ", ".join(
        f"case when coalesce({sql}, false) then {sql_text(text)} end"
        for text, sql in rules
    )
    con.execute(
        "create or replace temp table checked as select *, "
        f"array_to_string(list_filter([{broken}], lambda x: x is not null), '; ') as _broken_rules from src"
    )
    typed, soft = typed_columns(spec)
    con.execute(
        f"create or replace temp table staged as select '{month}' as report_month, {typed},"
        " _source_row from checked where _broken_rules = ''"
    )
    cols = ", ".join(f'"{c}"' for c in spec.column_names)
    con.execute(
        f"create or replace temp table rejected as select '{month}' as report_month, _source_row,"
        f" {cols}, _broken_rules as broken_rules from checked where _broken_rules <> ''"
    )
    read = scalar(con, "select count(*) from src")
    staged = scalar(con, "select count(*) from staged")
    by_rule = dict(
        con.execute(
            "select r, count(*) from (select unnest(string_split(broken_rules, '; ')) as r"
            " from rejected) group by r order by r"
        ).fetchall()
    )
    soft_counts = {name: scalar(con, sql) for name, sql in soft.items()}
    return LoadResult(
        file=spec.name,
        rows_read=read,
        rows_staged=staged,
        rows_quarantined=read - staged,
        quarantined_by_rule=by_rule,
        soft_faults=soft_counts,
        extra_columns=extras,
        source_path=str(path) if path else "",
    )


def replace_month(
    con: duckdb.DuckDBPyConnection,
    spec: SourceFile,
    month: str,
    warehouse: Warehouse | None = None,
) -> None:
    """Swap this month's rows of raw.<file> and quarantine.<file> for the new ones
    split wrote to `con`: in `warehouse` (default: the DuckDB `con` itself)."""
    warehouse = warehouse or DuckDBWarehouse(con)
    for schema, temp in (("raw", "staged"), ("quarantine", "rejected")):
        warehouse.replace_month_from(con, f"{schema}.{spec.name}", month, temp)
