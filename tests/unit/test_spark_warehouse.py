"""The pipeline's DuckDB-style SQL as the Spark warehouse sends it (no Spark needed)."""

import pandas as pd
import pyarrow as pa

from matching.arrow import arrow_table
from orchestration.lib.spark import SparkWarehouse


class RecordingSpark:
    def __init__(self):
        self.calls = []

    def sql(self, sql, args=None):
        self.calls.append((sql, args))
        return "frame"


def test_named_parameters_and_quoted_identifiers_become_spark_syntax_but_text_does_not():
    spark = RecordingSpark()
    SparkWarehouse(spark).execute(
        'select c."case_number" from raw.x c where c.report_month = $month and note = \'a "b" $month\'',
        {"month": "2026-10"},
    )
    sql, args = spark.calls[0]
    assert (
        sql
        == "select c.`case_number` from raw.x c where c.report_month = :month and note = 'a \"b\" $month'"
    )
    assert args == {"month": "2026-10"}


def test_positional_parameters_pass_through():
    spark = RecordingSpark()
    SparkWarehouse(spark).execute(
        "select count(*) from raw.x where report_month = ?", ["2026-10"]
    )
    assert spark.calls == [
        ("select count(*) from raw.x where report_month = ?", ["2026-10"])
    ]


def test_a_column_with_no_value_goes_to_spark_as_text():
    frame = pd.DataFrame({"id": ["a", "b"], "suffix": [None, None], "n": [1, 2]})
    table = arrow_table(frame)
    assert table.schema.field("suffix").type == pa.string()
    assert table.schema.field("id").type == pa.string()
    assert table.schema.field("n").type == pa.int64()
    assert table.column("suffix").null_count == 2
