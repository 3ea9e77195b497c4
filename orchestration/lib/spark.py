"""The Spark engine (`engine: spark`): one SparkSession per process, and the few
warehouse calls the pipeline makes, on Spark tables.

`SparkWarehouse` is the Warehouse (orchestration/lib/warehouse.py) on Spark: it
answers the calls the assets make (`execute(sql, params).df()/.fetchall()`), so
their portable SQL runs unchanged on either engine; the writes are Spark's own:
month-partitioned Parquet tables whose month is overwritten as a whole
(`replace_month_frame`) or appended to (`append_rows`).

Locally (no SPARK_CONF_DIR) the session runs on this machine, its tables and
metastore beside the warehouse path. On a cluster, SPARK_CONF_DIR holds
spark-defaults.conf (spark.master, executors) and hive-site.xml (the shared
metastore); see docs/spark.md.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import ClassVar

import pandas as pd
import pyarrow as pa

from matching.arrow import arrow_table

SPARK_CONF_ENV = "SPARK_CONF_DIR"
CHECKPOINT_ENV = "LINKAGES_SPARK_CHECKPOINT_DIR"


def spark_home(warehouse_path: str | Path) -> Path:
    """Where a local session keeps its tables and metastore."""
    return Path(warehouse_path).resolve().parent / "spark"


def session(warehouse_path: str | Path):
    """The process's SparkSession, created on first use. dbt-spark's `session`
    method and Splink's SparkAPI take the same one (getOrCreate)."""
    from pyspark.sql import SparkSession
    from splink.backends.spark import similarity_jar_location

    active = SparkSession.getActiveSession()
    if active is not None:
        return active
    builder = (
        SparkSession.builder.appName("linkages")
        .enableHiveSupport()
        .config(
            "spark.jars", similarity_jar_location()
        )  # Splink's string similarity UDFs
        .config(
            "spark.sql.sources.partitionOverwriteMode", "dynamic"
        )  # dbt's insert_overwrite: a month
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .config("spark.sql.session.timeZone", "UTC")
    )
    if not os.environ.get(SPARK_CONF_ENV):
        home = spark_home(warehouse_path)
        home.mkdir(parents=True, exist_ok=True, mode=0o700)
        builder = (
            builder.master("local[*]")
            .config("spark.sql.warehouse.dir", str(home / "warehouse"))
            .config("spark.driver.extraJavaOptions", f"-Dderby.system.home={home}")
            .config(
                "spark.sql.shuffle.partitions", "8"
            )  # 200 by default: made for clusters
            .config("spark.ui.enabled", "false")
            .config(
                "spark.driver.memory",
                os.environ.get("LINKAGES_SPARK_DRIVER_MEMORY", "4g"),
            )
        )
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    if not spark.sparkContext.getCheckpointDir():
        # Splink checkpoints between its stages; on a cluster this must be shared storage
        checkpoints = os.environ.get(CHECKPOINT_ENV) or str(
            spark_home(warehouse_path) / "checkpoints"
        )
        spark.sparkContext.setCheckpointDir(checkpoints)
    return spark


def stop_session() -> None:
    """End the process's session with the run: its JVM, metastore lock and
    checkpoint files are released before the command returns."""
    from pyspark.sql import SparkSession

    active = SparkSession.getActiveSession()
    if active is not None:
        active.stop()


_NAMED = re.compile(r"\$(\w+)")
_QUOTED = re.compile(r'"(\w+)"')
_TEXT = re.compile(r"('(?:[^']|'')*')")  # a single-quoted literal


def spark_sql(sql: str, named: bool) -> str:
    """DuckDB's `$name` parameters as Spark's `:name`, standard SQL's "name"
    identifiers as Spark's `name`; text in single quotes is left as it is."""
    parts = _TEXT.split(sql)
    for i in range(0, len(parts), 2):  # even parts lie outside literals
        if named:
            parts[i] = _NAMED.sub(r":\1", parts[i])
        parts[i] = _QUOTED.sub(r"`\1`", parts[i])
    return "".join(parts)


class SparkResult:
    def __init__(self, frame):
        self.frame = frame

    def df(self) -> pd.DataFrame:
        """As DuckDB's `.df()`: dates come back as datetime64, not Python dates."""
        from pyspark.sql.types import DateType

        out = self.frame.toPandas()
        for field in self.frame.schema.fields:
            if isinstance(field.dataType, DateType):
                out[field.name] = pd.to_datetime(out[field.name])
        return out

    def fetchall(self) -> list[tuple]:
        return [tuple(row) for row in self.frame.collect()]


class SparkWarehouse:
    """The warehouse on Spark, answering the calls the assets make of DuckDB."""

    dbt_target: ClassVar[str] = "spark"
    # dbt-spark's session method takes this process's session: dbt runs in process
    dbt_in_process: ClassVar[bool] = True
    gx_condition_parser: ClassVar[str] = "spark"
    splink_engine: ClassVar[str] = "spark"

    def __init__(self, spark):
        self.spark = spark

    @classmethod
    @contextmanager
    def open(
        cls, config, read_only: bool = False, wait_seconds: float | None = None
    ) -> Iterator[SparkWarehouse]:
        """The process's session (read_only and wait_seconds are DuckDB's)."""
        yield cls(session(config.warehouse_path))

    @staticmethod
    def exists(config) -> bool:
        """The metastore answers table by table (table_exists)."""
        return True

    @staticmethod
    def end_process() -> None:
        stop_session()

    @staticmethod
    def release_dbt() -> None:
        """dbt-spark holds nothing but the process's session, which the run keeps."""

    @staticmethod
    def dbt_env(config) -> dict[str, str]:
        """dbt runs on this process's session; its profile needs nothing."""
        return {}

    def native_frame(self, sql: str, params=None):
        return self.execute(sql, params).frame

    def arrow(self, sql: str, params=None) -> pa.Table:
        return self.execute(sql, params).frame.toArrow()

    @contextmanager
    def scratch(self):
        """An in-memory DuckDB: a landing file is read and checked there, then its
        rows go to Spark as Arrow."""
        import duckdb

        with duckdb.connect() as con:
            yield con

    def replace_month_from(
        self, scratch, table: str, month: str, relation: str
    ) -> None:
        self.replace_month_frame(
            table, month, scratch.sql(f"select * from {relation}").to_arrow_table()
        )

    def append_rows(self, table: str, frame: pd.DataFrame) -> None:
        """Add rows, never removing any (Spark appends to the month's partition)."""
        new = self._frame(arrow_table(frame))
        self.spark.sql(f"create database if not exists {table.split('.')[0]}")
        if not self.spark.catalog.tableExists(table):
            new.write.format("parquet").partitionBy("report_month").saveAsTable(table)
            return
        self._aligned(table, new).write.insertInto(table)

    def _frame(self, data: pa.Table):
        return self.spark.createDataFrame(data) if data.num_rows else self._empty(data)

    def _aligned(self, table: str, new):
        """`new` with the table's columns in its order and types, report_month last
        (its partition column); a column only `new` has is added to the table first."""
        from pyspark.sql import functions as F

        have = {f.name: f.dataType for f in self.spark.table(table).schema.fields}
        added = [f for f in new.schema.fields if f.name not in have]
        if added:  # a newer version's column: earlier months read NULL
            cols = ", ".join(f"`{f.name}` {f.dataType.simpleString()}" for f in added)
            self.spark.sql(f"alter table {table} add columns ({cols})")
            have = {f.name: f.dataType for f in self.spark.table(table).schema.fields}
        columns = [n for n in have if n != "report_month"] + ["report_month"]
        return new.select(
            [
                (F.col(f"`{n}`") if n in new.columns else F.lit(None))
                .cast(have[n])
                .alias(n)
                for n in columns
            ]
        )

    def execute(self, sql: str, params=None) -> SparkResult:
        return SparkResult(
            self.spark.sql(
                spark_sql(sql, isinstance(params, dict)), args=params or None
            )
        )

    def table_exists(self, schema: str, table: str) -> bool:
        return self.spark.catalog.tableExists(f"{schema}.{table}")

    def replace_month_frame(
        self, table: str, month: str, frame: pd.DataFrame | pa.Table
    ) -> None:
        """Overwrite `table`'s partition `month` with `frame` (pandas or Arrow)."""
        data = arrow_table(frame)
        if "report_month" not in data.column_names:
            data = data.append_column(
                "report_month", pa.array([month] * data.num_rows, pa.string())
            )
        new = self._frame(data)
        self.spark.sql(f"create database if not exists {table.split('.')[0]}")
        if not self.spark.catalog.tableExists(table):
            new.write.format("parquet").partitionBy("report_month").saveAsTable(table)
            return
        rows = self._aligned(table, new).drop("report_month")
        rows.createOrReplaceTempView("_month_rows")
        # a static partition: exactly this month is replaced (emptied when no rows),
        # whatever spark.sql.sources.partitionOverwriteMode says
        names = ", ".join(f"`{n}`" for n in rows.columns)
        self.spark.sql(
            f"insert overwrite table {table} partition (report_month = '{month}')"
            f" select {names} from _month_rows"
        )
        self.spark.catalog.dropTempView("_month_rows")

    def _empty(self, data: pa.Table):
        from pyspark.sql.pandas.types import from_arrow_schema
        from pyspark.sql.types import StructType

        schema: StructType = from_arrow_schema(data.schema)
        return self.spark.createDataFrame([], schema)
