"""pandas -> Arrow for Spark, shared by Splink's Spark input and the Spark warehouse."""

import pandas as pd
import pyarrow as pa


def arrow_table(frame: pd.DataFrame | pa.Table) -> pa.Table:
    """Arrow with every untyped (all-NULL) column as text, as DuckDB types it: Spark
    cannot store a column of no type (VOID), and a month may have no value in one
    (no name suffix at all). Large strings become plain strings for Spark."""
    table = frame if isinstance(frame, pa.Table) else pa.Table.from_pandas(frame, preserve_index=False)
    for i, field in enumerate(table.schema):
        if pa.types.is_null(field.type) or pa.types.is_large_string(field.type):
            table = table.set_column(i, field.name, table.column(i).cast(pa.string()))
    return table
