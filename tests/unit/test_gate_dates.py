"""The contract gate's date check on dates as DuckDB hands them to pandas
(datetime64[us]), including keyed years outside pandas' nanosecond range, which
the gate converts before Great Expectations compares them (expectations/runner.py)."""

import datetime as dt

import numpy as np
import pandas as pd

from contract import DATE
from contract.columns import Column
from expectations.runner import validate
from expectations.suites import _column_expectations


def _dates(values: list[str | None]) -> pd.DataFrame:
    return pd.DataFrame({"received_date": np.array(values, dtype="datetime64[us]")})


def _gate(frame: pd.DataFrame):
    column = Column("received_date", DATE, not_after_as_of=True)
    return validate(frame, "dates", _column_expectations(column, dt.date(2026, 10, 2)))


def test_dates_outside_1900_to_as_of_fail_whatever_their_year():
    # 0201 (before pandas' 1677), 1899, 2026-10-03 (the day after the as-of date) and
    # 9999 (after pandas' 2262) fail; 1900-01-01, the as-of date itself and a missing
    # date (not required here) pass: 4 rows, 4 of the 6 dated (GX leaves nulls out of
    # the share)
    frame = _dates(
        [
            "0201-05-01",
            "1899-12-31",
            "1900-01-01",
            "2026-10-02",
            "2026-10-03",
            "9999-12-31",
            None,
        ]
    )
    result = _gate(frame)
    assert not result.success
    assert result.failures == [
        "received_date: date before 1900 or after the as-of date: 4 rows (66.67%)"
    ]
    # the caller's frame as it was
    assert frame["received_date"].dtype == "datetime64[us]"


def test_dates_inside_the_range_pass():
    result = _gate(_dates(["1900-01-01", "2001-02-03", "2026-10-02", None]))
    assert result.success and result.failures == []
