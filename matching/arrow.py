"""pandas -> Arrow with typed empty columns: Splink's inputs (DuckDB and Spark) and
the Spark warehouse."""

import pandas as pd
import pyarrow as pa


def arrow_table(
    frame: pd.DataFrame | pa.Table, list_columns: frozenset[str] = frozenset()
) -> pa.Table:
    """Arrow with every untyped (all-NULL) column as text, as DuckDB types it (or as
    a list of text, for `list_columns`): Spark cannot store a column of no type
    (VOID), SQL cannot compare one, and an input may have no value in one (no name
    suffix at all, no first names). Large strings become plain strings for Spark."""
    table = (
        frame
        if isinstance(frame, pa.Table)
        else pa.Table.from_pandas(frame, preserve_index=False)
    )
    for i, field in enumerate(table.schema):
        if pa.types.is_null(field.type) or pa.types.is_large_string(field.type):
            kind = pa.list_(pa.string()) if field.name in list_columns else pa.string()
            table = table.set_column(i, field.name, table.column(i).cast(kind))
    return table
