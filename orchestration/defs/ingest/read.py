"""A landing file read into DuckDB as text (CONTRACT.md §1): file-level faults
raise ContractError before the warehouse is touched, naming the file, the rule
and a count, never a value from the file."""

from __future__ import annotations

import codecs
import csv
from pathlib import Path

import duckdb

from contract import SourceFile
from orchestration.lib.landing import source_path


class ContractError(Exception):
    """A file-level fault. The message names the file, the rule and a count,
    never a value from the file."""

    def __init__(
        self, file: str, rule: str, count: int | None = None, detail: str = ""
    ):
        self.file, self.rule, self.count = file, rule, count
        counted = "" if count is None else f" (count: {count:,})"
        super().__init__(f"{file}: {rule}{counted}{': ' + detail if detail else ''}")


def find_source(month_dir: Path, spec: SourceFile) -> Path | None:
    """The month's file; None for an optional file that is absent (no data)."""
    path = source_path(month_dir, spec.name)
    if path is not None or spec.optional:
        return path
    raise ContractError(spec.name, "required file missing", 0, f"looked in {month_dir}")


def check_utf8(path: Path, file: str) -> None:
    """Fail on bytes that are not UTF-8, naming the line (not its content)."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    line = 1
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 20):
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError as exc:
                line += chunk[: exc.start].count(b"\n")
                raise ContractError(
                    file, "file is not UTF-8", 1, f"first bad byte on line {line}"
                ) from None
            line += chunk.count(b"\n")
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            raise ContractError(
                file, "file is not UTF-8", 1, "truncated character at end"
            ) from None


def read_as_text(
    con: duckdb.DuckDBPyConnection, path: Path | None, spec: SourceFile
) -> list[str]:
    """Create temp table `src` (every column text, plus `_source_row`), return
    the header's column names as found. No path (an optional file absent): the
    contract's columns and no rows, so the month's rows are replaced by none."""
    if path is None:
        cols = ", ".join(f"{sql_ident(c)} varchar" for c in spec.column_names)
        con.execute(f"create or replace temp table src ({cols}, _source_row bigint)")
        return spec.column_names
    if path.suffix == ".csv":
        if path.stat().st_size == 0:
            raise ContractError(spec.name, "file is empty (no header row)", 0)
        check_utf8(path, spec.name)
        reader = (
            "read_csv(?, all_varchar = true, header = true, delim = ',', quote = '\"',"
            " escape = '\"', strict_mode = true, null_padding = false,"
            " auto_detect = false, columns = {cols})"
        )
        header = _csv_header(con, path, spec)
        cols = "{" + ", ".join(f"{sql_text(h)}: 'VARCHAR'" for h in header) + "}"
        relation = reader.format(cols=cols)
    else:
        relation = "read_parquet(?)"
    try:
        con.execute(
            f"create or replace temp table src as select *, row_number() over () as _source_row"
            f" from {relation}",
            [str(path)],
        )
    except duckdb.Error as exc:
        # DuckDB's message can quote a line of the file: keep only its first words
        kind = str(exc).split(":")[0][:80]
        form = "CSV (RFC 4180)" if path.suffix == ".csv" else "Parquet"
        raise ContractError(
            spec.name, f"file is unreadable as {form}", 1, kind
        ) from None
    names = [
        r[0] for r in con.execute("describe src").fetchall() if r[0] != "_source_row"
    ]
    if path.suffix != ".csv":
        casts = ", ".join(
            f"cast({sql_ident(n)} as varchar) as {sql_ident(n)}" for n in names
        )
        con.execute(
            f"create or replace temp table src as select {casts}, _source_row from src"
        )
    return names


def _csv_header(con, path: Path, spec: SourceFile) -> list[str]:
    with path.open("r", encoding="utf-8-sig", newline="") as fh:
        first = fh.readline().rstrip("\r\n")
    header = next(csv.reader([first]), [])
    if not header or all(not h.strip() for h in header):
        raise ContractError(spec.name, "file has no header row", 0)
    dupes = len(header) - len({h.strip().lower() for h in header})
    if dupes:
        raise ContractError(spec.name, "header repeats a column name", dupes)
    return header


def sql_text(value: str) -> str:
    """A single-quoted SQL literal: only ' is doubled inside it."""
    return "'" + value.replace("'", "''") + "'"


def sql_ident(name: str) -> str:
    """A double-quoted SQL identifier: only " is doubled inside it (a header may
    hold either quote; doubling both renamed a column with ' in its name)."""
    return '"' + name.replace('"', '""') + '"'
