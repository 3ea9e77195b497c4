"""Landing file -> raw.<file> + quarantine.<file> (CONTRACT.md §1, §8).

File-level faults raise `ContractError` before the warehouse is touched, so a
bad file never replaces a month that loaded before. Row-level faults send the
row, with its original text, the rules it broke and the report month, to
quarantine; the rest is typed and staged. Soft faults are counted only.

All of it runs inside DuckDB: a county's largest file is millions of rows.
"""

from __future__ import annotations

import codecs
import csv
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from contract import (
    COLLAB_ACTIVITY,
    DATE,
    DECIMAL,
    FACILITY_TYPES,
    INT,
    MONTH,
    QUARTER,
    STR,
    Column,
    SourceFile,
    ssn_valid_sql,
)
from orchestration.lib.landing import source_path
from orchestration.lib.warehouse import DuckDBWarehouse, Warehouse, scalar

MIN_DATE = "1900-01-01"


class ContractError(Exception):
    """A file-level fault. The message names the file, the rule and a count,
    never a value from the file."""

    def __init__(
        self, file: str, rule: str, count: int | None = None, detail: str = ""
    ):
        self.file, self.rule, self.count = file, rule, count
        counted = "" if count is None else f" (count: {count:,})"
        super().__init__(f"{file}: {rule}{counted}{': ' + detail if detail else ''}")


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


def find_source(month_dir: Path, spec: SourceFile) -> Path:
    path = source_path(month_dir, spec.name)
    if path is not None:
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
    con: duckdb.DuckDBPyConnection, path: Path, spec: SourceFile
) -> list[str]:
    """Create temp table `src` (every column text, plus `_source_row`), return
    the header's column names as found."""
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
        cols = "{" + ", ".join(f"{_text(h)}: 'VARCHAR'" for h in header) + "}"
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
        casts = ", ".join(f"cast({_ident(n)} as varchar) as {_ident(n)}" for n in names)
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


def _text(value: str) -> str:
    """A single-quoted SQL literal: only ' is doubled inside it."""
    return "'" + value.replace("'", "''") + "'"


def _ident(name: str) -> str:
    """A double-quoted SQL identifier: only " is doubled inside it (a header may
    hold either quote; doubling both renamed a column with ' in its name)."""
    return '"' + name.replace('"', '""') + '"'


def _value(col: Column) -> str:
    """The cleaned text of a column: trimmed, empty -> null, codes upper-cased."""
    v = f"nullif(trim(\"{col.name}\"), '')"
    return f"upper({v})" if col.codes and col.kind != INT else v


def _row_rules(spec: SourceFile, as_of: str) -> list[tuple[str, str]]:
    """(rule text, SQL that is true when the row breaks it)."""
    rules = []
    for col in spec.columns:
        v = _value(col)
        if col.required:
            rules.append((f"{col.name}: required value missing", f"{v} is null"))
        if col.kind == DATE:
            parsed = f"try_strptime({v}, '%Y-%m-%d')"
            rules.append(
                (
                    f"{col.name}: unparsable date",
                    f"{v} is not null and {parsed} is null",
                )
            )
            rules.append(
                (f"{col.name}: date before 1900", f"{parsed} < date '{MIN_DATE}'")
            )
            if col.not_after_as_of:
                rules.append(
                    (f"{col.name}: date in the future", f"{parsed} > date '{as_of}'")
                )
        elif col.kind == INT:
            cast = f"try_cast({v} as bigint)"
            rules.append(
                (
                    f"{col.name}: not a whole number",
                    f"{v} is not null and {cast} is null",
                )
            )
            if col.codes:
                codes = ", ".join(str(c) for c in col.codes)
                rules.append(
                    (f"{col.name}: code outside its set", f"{cast} not in ({codes})")
                )
        elif col.kind == DECIMAL:
            cast = f"try_cast({v} as double)"
            rules.append(
                (f"{col.name}: not a number", f"{v} is not null and {cast} is null")
            )
        elif col.kind == MONTH:
            rules.append(
                (
                    f"{col.name}: not a YYYY-MM month",
                    f"not regexp_full_match({v}, '[0-9]{{4}}-(0[1-9]|1[0-2])')",
                )
            )
        elif col.kind == QUARTER:
            rules.append(
                (
                    f"{col.name}: not a YYYYQn quarter",
                    f"not regexp_full_match({v}, '[0-9]{{4}}Q[1-4]')",
                )
            )
        elif col.codes:
            codes = ", ".join(f"'{c}'" for c in col.codes)
            rules.append((f"{col.name}: code outside its set", f"{v} not in ({codes})"))
        if col.kind in (INT, DECIMAL) and col.min_value is not None:
            rules.append(
                (
                    f"{col.name}: below {col.min_value:g}",
                    f"try_cast({v} as double) < {col.min_value}",
                )
            )
        if col.kind in (INT, DECIMAL) and col.max_value is not None:
            rules.append(
                (
                    f"{col.name}: above {col.max_value:g}",
                    f"try_cast({v} as double) > {col.max_value}",
                )
            )
        if col.pattern and col.name not in ("zip", "ssn"):
            rules.append(
                (
                    f"{col.name}: wrong format",
                    f"not regexp_matches({v}, '{col.pattern}')",
                )
            )
    for order in spec.date_orders:
        b = f"try_strptime({_value(spec.column(order.begin))}, '%Y-%m-%d')"
        e = f"try_strptime({_value(spec.column(order.end))}, '%Y-%m-%d')"
        rules.append((f"{order.end}: before {order.begin}", f"{e} < {b}"))
    if "case_review_consistency" in spec.row_rules:
        rules.extend(_case_review_rules(spec))
    return rules


def _case_review_rules(spec: SourceFile) -> list[tuple[str, str]]:
    def v(name):
        return _value(spec.column(name))

    rules = []
    for level, activities in COLLAB_ACTIVITY.items():
        no_activity = " and ".join(f"{v(a)} = 'N'" for a in activities)
        rules.append(
            (
                f"{level}: SOME or FULL where its activity was N",
                f"{v(level)} in ('SOME', 'FULL') and {no_activity}",
            )
        )
    rate = f"try_cast({v('joint_monitoring_per_month')} as double)"
    rules += [
        (
            "cftm_attendance: must be NEITHER when cftm_held = N",
            f"{v('cftm_held')} = 'N' and {v('cftm_attendance')} <> 'NEITHER'",
        ),
        (
            "joint_monitoring_per_month: must be 0 when joint_monitoring = N",
            f"{v('joint_monitoring')} = 'N' and {rate} <> 0",
        ),
        (
            "joint_monitoring_per_month: must be empty when joint_monitoring = U",
            f"{v('joint_monitoring')} = 'U' and {rate} is not null",
        ),
        (
            "needs_shared_date: only when needs_shared = Y",
            f"{v('needs_shared_date')} is not null and {v('needs_shared')} <> 'Y'",
        ),
    ]
    return rules


def _typed(col: Column) -> str:
    v = _value(col)
    if col.kind == DATE:
        return f"cast(try_strptime({v}, '%Y-%m-%d') as date)"
    if col.kind == INT:
        return f"try_cast({v} as bigint)"
    if col.kind == DECIMAL:
        return f"try_cast({v} as decimal(18, 2))"
    return v


def split(
    con: duckdb.DuckDBPyConnection, path: Path, spec: SourceFile, month: str, as_of: str
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
    renames = ", ".join(f'{_ident(by_lower[c])} as "{c}"' for c in spec.column_names)
    con.execute(
        f"create or replace temp table src as select {renames}, _source_row from src"
    )

    rules = _row_rules(spec, as_of)
    broken = ", ".join(
        f"case when coalesce({sql}, false) then {_text(text)} end"
        for text, sql in rules
    )
    con.execute(
        "create or replace temp table checked as select *, "
        f"array_to_string(list_filter([{broken}], lambda x: x is not null), '; ') as _broken_rules from src"
    )
    typed, soft = _typed_columns(spec)
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
        source_path=str(path),
    )


def _typed_columns(spec: SourceFile) -> tuple[str, dict[str, str]]:
    """The typed select list, and SQL counting each soft fault in `checked`."""
    parts, soft = [], {}
    ok = "from checked where _broken_rules = ''"
    for col in spec.columns:
        v = _value(col)
        if col.name in spec.soft_ssn or (col.name == "ssn" and col.kind == STR):
            digits = f"regexp_replace({v}, '[- ]', '', 'g')"
            valid = ssn_valid_sql(digits)
            parts.append(f'case when {valid} then {digits} end as "{col.name}"')
            soft[f"{col.name}: invalid SSN nulled"] = (
                f"select count(*) {ok} and {v} is not null and not {valid}"
            )
        elif col.name == "zip":
            five = f"regexp_extract({v}, '^([0-9]{{5}})(-?[0-9]{{4}})?$', 1)"
            parts.append(f"nullif({five}, '') as \"zip\"")
            soft["zip: not 5 digits, nulled"] = (
                f"select count(*) {ok} and {v} is not null and {five} = ''"
            )
        elif col.name == "facility_type_code":
            codes = ", ".join(str(c) for c in FACILITY_TYPES)
            parts.append(f'try_cast({v} as bigint) as "{col.name}"')
            soft["facility_type_code: unknown code, mapped to OTHER"] = (
                f"select count(*) {ok} and try_cast({v} as bigint) not in ({codes})"
            )
        else:
            parts.append(f'{_typed(col)} as "{col.name}"')
    return ", ".join(parts), soft


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
