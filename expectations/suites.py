"""One Great Expectations suite per source file, built from the contract.

The suite runs over the month's staged rows (raw.<file>), read from DuckDB
into pandas (GX's SQL source returns nothing on DuckDB). What a month needs
from outside the file comes in with the frame or as arguments: for each
foreign key a boolean column `found_column(fk)` (null where the key is
empty), and last month's row count. The suite never holds data values, so
neither do the Data Docs rendered from it.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable

import great_expectations.expectations as gxe

from contract import COLLAB_ACTIVITY, DATE, Column, ForeignKey, SourceFile


def build_suite(
    spec: SourceFile,
    *,
    as_of: dt.date,
    foreign_keys: Iterable[ForeignKey] = (),
    previous_rows: int | None = None,
    max_dangling_fk_rate: float = 0.01,
    min_rows_vs_previous_month: float = 0.5,
    parser: str = "pandas",
) -> list[gxe.Expectation]:
    """parser: how GX reads row conditions, "pandas" or "spark" (the frame it validates)."""
    suite = [e for col in spec.columns for e in _column_expectations(col, as_of)]
    suite += _key_expectations(spec)
    suite += [_foreign_key_found(fk, max_dangling_fk_rate) for fk in foreign_keys]
    if previous_rows:
        suite.append(_no_shrink(previous_rows, min_rows_vs_previous_month))
    if "case_review_consistency" in spec.row_rules:
        suite += _case_review_expectations(parser)
    return suite


def _column_expectations(col: Column, as_of: dt.date) -> list[gxe.Expectation]:
    """The column is there; required, coded and dated as the contract says."""
    out: list[gxe.Expectation] = [
        gxe.ExpectColumnToExist(
            column=col.name, meta=_says(f"{col.name}: column missing")
        )
    ]
    if col.required:
        out.append(
            gxe.ExpectColumnValuesToNotBeNull(
                column=col.name, meta=_says(f"{col.name}: required value missing")
            )
        )
    if col.codes:
        out.append(
            gxe.ExpectColumnValuesToBeInSet(
                column=col.name,
                value_set=list(col.codes),
                meta=_says(f"{col.name}: code outside its set"),
            )
        )
    if col.kind == DATE:
        latest = dt.datetime.combine(as_of, dt.time()) if col.not_after_as_of else None
        out.append(
            gxe.ExpectColumnValuesToBeBetween(
                column=col.name,
                min_value=dt.datetime(1900, 1, 1),
                max_value=latest,
                meta=_says(f"{col.name}: date before 1900 or after the as-of date"),
            )
        )
    return out


def _key_expectations(spec: SourceFile) -> list[gxe.Expectation]:
    if len(spec.key) == 1:
        return [
            gxe.ExpectColumnValuesToBeUnique(
                column=spec.key[0], meta=_says(f"duplicate primary key ({spec.key[0]})")
            )
        ]
    if spec.key:
        return [
            gxe.ExpectCompoundColumnsToBeUnique(
                column_list=list(spec.key),
                meta=_says(f"duplicate primary key ({', '.join(spec.key)})"),
            )
        ]
    return []


def _foreign_key_found(fk: ForeignKey, max_dangling: float) -> gxe.Expectation:
    return gxe.ExpectColumnValuesToBeInSet(
        column=found_column(fk),
        value_set=[True],
        mostly=1 - max_dangling,
        meta=_says(
            f"{fk.column}: dangling foreign key to {fk.ref_file}.{fk.ref_column}"
            f" (at most {max_dangling:.0%} allowed)"
        ),
    )


def _no_shrink(
    previous_rows: int, min_rows_vs_previous_month: float
) -> gxe.Expectation:
    floor = math.ceil(previous_rows * min_rows_vs_previous_month)
    return gxe.ExpectTableRowCountToBeBetween(
        min_value=floor,
        meta=_says(
            f"extract shrank by more than {1 - min_rows_vs_previous_month:.0%}:"
            f" fewer than {floor:,} rows (last month {previous_rows:,})"
        ),
    )


def _case_review_expectations(parser: str) -> list[gxe.Expectation]:
    """A collaboration level of SOME or FULL only where its activity was not N."""
    out = []
    for level, activities in COLLAB_ACTIVITY.items():
        if parser == "spark":
            condition = " and ".join(f"{a} = 'N'" for a in activities)
        else:
            condition = " & ".join(f'{a}=="N"' for a in activities)
        out.append(
            gxe.ExpectColumnValuesToBeInSet(
                column=level,
                value_set=["NONE", "U"],
                row_condition=condition,
                condition_parser=parser,
                meta=_says(f"{level}: SOME or FULL where its activity was N"),
            )
        )
    return out


def found_column(fk: ForeignKey) -> str:
    """The frame column saying whether `fk`'s value exists in its parent file."""
    return f"{fk.column}__found_in_{fk.ref_file}"


def _says(rule: str) -> dict:
    """The rule in plain words, shown when the expectation fails."""
    return {"rule": rule}
