"""The PostgreSQL engine (`engine: postgres`): a county's shared warehouse, where
analysts, list readers and the pipeline each have a role (`linkages db grant`,
docs/security.md).

`PostgresWarehouse` is the Warehouse (orchestration/lib/warehouse.py) on a
PostgreSQL database: the assets' SQL, written in DuckDB's dialect, is translated
by sqlglot; frames are written with COPY, a month replaced by delete and insert in
one transaction per `with` block, so readers see the old month or the new one.
Landing files are read and checked in an in-memory DuckDB (`scratch`), and the
linkage runs Splink on DuckDB in memory over the frames read from here (its
`splink_engine`): the month's records are a few hundred thousand rows, which
DuckDB scores far faster than SQL on the server would, and the saved model and
its decisions stay exactly those of the embedded engine (docs/postgres.md).

Connection: host, port, database and user from the configuration
(`LINKAGES_PG_HOST`, ...); the password from `LINKAGES_PG_PASSWORD` or libpq's
own `~/.pgpass`, never from a configuration file.
"""

from __future__ import annotations

import io
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from typing import ClassVar

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pa_csv

from matching.arrow import arrow_table

PASSWORD_ENV = "LINKAGES_PG_PASSWORD"

# PostgreSQL type oids (pg_type) the result frames type as DuckDB's .df() would
# (date, timestamp without time zone; a timestamptz stays as psycopg gives it)
_DATES = {1082}
_TIMESTAMPS = {1114}
_INTEGERS = {20, 21, 23}
_FLOATS = {700, 701, 1700}
_BOOLEANS = {16}
_ARROW_TYPES = {
    **dict.fromkeys(_DATES, pa.date32()),
    **dict.fromkeys(_TIMESTAMPS, pa.timestamp("us")),
    1184: pa.timestamp("us", tz="UTC"),
    **dict.fromkeys(_INTEGERS, pa.int64()),
    **dict.fromkeys(_FLOATS, pa.float64()),
    **dict.fromkeys(_BOOLEANS, pa.bool_()),
}


@lru_cache(maxsize=512)
def postgres_sql(sql: str) -> str:
    """DuckDB's dialect as PostgreSQL's: `$name` and `?` become psycopg's
    `%(name)s` and `%s` (a literal % doubled); any_value (PostgreSQL 16+) becomes
    max, which picks the same value where the callers use it (one per group);
    round(x, digits) rounds x as a numeric."""
    import sqlglot
    from sqlglot import exp

    def portable(node):
        if isinstance(
            node, exp.IgnoreNulls
        ):  # DuckDB's any_value ignores nulls: so does max
            node = node.this
        if isinstance(node, exp.AnyValue):
            return exp.Max(this=node.this)
        if isinstance(node, exp.Round) and node.args.get("decimals") is not None:
            # PostgreSQL rounds to digits only numerics: round x as one, give a double
            number = exp.cast(node.this, "numeric")
            rounded = exp.Round(this=number, decimals=node.args["decimals"])
            return exp.cast(rounded, "double precision")
        if isinstance(node, exp.Placeholder):  # a marker no SQL text contains
            return exp.var(f"__linkages_param_{node.this or ''}__")
        return node

    text = "; ".join(
        tree.transform(portable).sql(dialect="postgres")
        for tree in sqlglot.parse(sql, read="duckdb")
        if tree is not None
    )
    text = text.replace("%", "%%")
    return _PARAM.sub(lambda m: f"%({m[1]})s" if m[1] else "%s", text)


_PARAM = re.compile(r"__linkages_param_(\w*?)__")


def connect_args(config) -> dict:
    args = {
        "host": config.pg_host,
        "port": config.pg_port,
        "dbname": config.pg_database,
        "user": config.pg_user,
        "application_name": "linkages",
    }
    password = os.environ.get(PASSWORD_ENV)
    return {**args, "password": password} if password else args


class PostgresResult:
    """A query's rows, answering as DuckDB's result does (df, fetchall)."""

    def __init__(self, cursor):
        self.rows = cursor.fetchall() if cursor.description else []
        self.columns = [(d.name, d.type_code) for d in cursor.description or []]

    def fetchall(self) -> list[tuple]:
        return self.rows

    def df(self) -> pd.DataFrame:
        """Typed as DuckDB's .df(): dates as datetime64, numerics as floats,
        integers with nulls as nullable integers."""
        frame = pd.DataFrame.from_records(
            self.rows, columns=[name for name, _ in self.columns]
        )
        for i, (name, oid) in enumerate(self.columns):
            col = frame.iloc[:, i]
            if oid in _DATES or oid in _TIMESTAMPS:
                frame[name] = pd.to_datetime(col).astype("datetime64[us]")
            elif oid in _FLOATS:
                frame[name] = col.astype("float64")
            elif oid in _INTEGERS and col.isna().any():
                frame[name] = col.astype("Int64")
        return frame

    def arrow(self) -> pa.Table:
        """As df(), each column typed by its PostgreSQL type: dates stay dates
        and a column of nulls only keeps its type, for the copy they go to."""
        table = pa.Table.from_pandas(self.df(), preserve_index=False)
        for i, (name, oid) in enumerate(self.columns):
            kind = _ARROW_TYPES.get(oid, pa.string())
            if oid in _DATES or pa.types.is_null(table.schema.field(i).type):
                table = table.set_column(i, name, table.column(i).cast(kind))
        return table


class PostgresWarehouse:
    """The warehouse as one PostgreSQL database (config.pg_*)."""

    dbt_target: ClassVar[str] = "postgres"
    dbt_in_process: ClassVar[bool] = False
    gx_condition_parser: ClassVar[str] = "pandas"
    # Splink on DuckDB in memory over the month's frames (see the module's note)
    splink_engine: ClassVar[str] = "duckdb"

    def __init__(self, con):
        self.con = con

    @classmethod
    @contextmanager
    def open(
        cls, config, read_only: bool = False, wait_seconds: float | None = None
    ) -> Iterator[PostgresWarehouse]:
        """One transaction: committed when the block ends, rolled back when it
        fails, so a month is replaced whole or not at all. PostgreSQL serves
        many readers and writers at once: nothing is waited for here."""
        import psycopg2

        from orchestration.lib.warehouse import WarehouseBusy

        try:
            con = psycopg2.connect(**connect_args(config))
        except psycopg2.OperationalError as exc:
            # libpq's first line says why (refused, no such role); it holds no data
            first = (str(exc).strip().splitlines() or [""])[0]
            raise WarehouseBusy(
                f"postgres warehouse {config.pg_database} on {config.pg_host}:"
                f"{config.pg_port} cannot be reached as {config.pg_user}: {first}"
            ) from None
        con.set_session(readonly=read_only)
        try:
            with con:  # commit, or roll back on an exception
                yield cls(con)
        finally:
            con.close()

    @staticmethod
    def exists(config) -> bool:
        """The catalog answers table by table (table_exists)."""
        return True

    @staticmethod
    def end_process() -> None:
        """Nothing outlives a connection."""

    @staticmethod
    def release_dbt() -> None:
        """dbt runs in its own process (dbt_in_process False)."""

    @staticmethod
    def dbt_env(config) -> dict[str, str]:
        """What dbt's profile (target postgres) reads from the environment."""
        return {
            "LINKAGES_PG_HOST": config.pg_host,
            "LINKAGES_PG_PORT": str(config.pg_port),
            "LINKAGES_PG_DATABASE": config.pg_database,
            "LINKAGES_PG_USER": config.pg_user,
        }

    def execute(self, sql: str, params=None) -> PostgresResult:
        with self.con.cursor() as cur:
            cur.execute(postgres_sql(sql), params or None)
            return PostgresResult(cur)

    def native_frame(self, sql: str, params=None) -> pd.DataFrame:
        return self.execute(sql, params).df()

    def arrow(self, sql: str, params=None) -> pa.Table:
        return self.execute(sql, params).arrow()

    def table_exists(self, schema: str, table: str) -> bool:
        with self.con.cursor() as cur:
            cur.execute(
                "select count(*) from information_schema.tables"
                " where table_schema = %s and table_name = %s",
                [schema, table],
            )
            return cur.fetchone()[0] > 0

    @contextmanager
    def scratch(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """An in-memory DuckDB: a landing file is read and checked there, then its
        rows are copied here."""
        with duckdb.connect() as con:
            yield con

    def replace_month_from(
        self, scratch: duckdb.DuckDBPyConnection, table: str, month: str, relation: str
    ) -> None:
        self.replace_month_frame(
            table, month, scratch.sql(f"select * from {relation}").to_arrow_table()
        )

    def replace_month_frame(self, table: str, month: str, frame) -> None:
        data = arrow_table(frame)
        if "report_month" not in data.column_names:
            data = data.append_column(
                "report_month", pa.array([month] * data.num_rows, pa.string())
            )
        self._prepare(table, data)
        with self.con.cursor() as cur:
            cur.execute(f"delete from {table} where report_month = %s", [month])
        self._copy(table, data)

    def append_rows(self, table: str, frame: pd.DataFrame) -> None:
        data = arrow_table(frame)
        self._prepare(table, data)
        self._copy(table, data)

    def _prepare(self, table: str, data: pa.Table) -> None:
        """The schema and table, created as `data` is typed when missing; a
        column a newer version writes is added (earlier months read NULL)."""
        schema, name = table.split(".")
        with self.con.cursor() as cur:
            cur.execute(f"create schema if not exists {schema}")
            cur.execute(
                "select column_name from information_schema.columns"
                " where table_schema = %s and table_name = %s",
                [schema, name],
            )
            have = {row[0] for row in cur.fetchall()}
            columns = [(f.name, _pg_type(f.type)) for f in data.schema]
            if not have:
                spec = ", ".join(f'"{n}" {kind}' for n, kind in columns)
                cur.execute(f"create table if not exists {table} ({spec})")
                return
            for n, kind in columns:
                if n not in have:
                    cur.execute(f'alter table {table} add column "{n}" {kind}')

    def _copy(self, table: str, data: pa.Table) -> None:
        """COPY in CSV: an unquoted empty field is NULL, a quoted one empty text."""
        if not data.num_rows:
            return
        out = io.BytesIO()
        pa_csv.write_csv(data, out, pa_csv.WriteOptions(include_header=False))
        out.seek(0)
        names = ", ".join(f'"{n}"' for n in data.column_names)
        with self.con.cursor() as cur:
            cur.copy_expert(f"copy {table} ({names}) from stdin with (format csv)", out)


def _pg_type(kind: pa.DataType) -> str:
    if pa.types.is_boolean(kind):
        return "boolean"
    if pa.types.is_integer(kind):
        return "bigint" if kind.bit_width > 32 else "integer"
    if pa.types.is_floating(kind):
        return "double precision"
    if pa.types.is_decimal(kind):
        return f"numeric({kind.precision}, {kind.scale})"
    if pa.types.is_date(kind):
        return "date"
    if pa.types.is_timestamp(kind):
        return "timestamptz" if kind.tz else "timestamp"
    if pa.types.is_string(kind) or pa.types.is_large_string(kind):
        return "text"
    raise TypeError(f"no PostgreSQL column type for Arrow's {kind}")
