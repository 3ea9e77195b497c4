"""The contract gate's date check on dates as DuckDB hands them to pandas
(datetime64[us]), including keyed years outside pandas' nanosecond range, which
the gate converts before Great Expectations compares them (expectations/runner.py)."""

import datetime as dt
import gc
import weakref

import numpy as np
import pandas as pd

from contract import DATE
from contract.columns import Column
from expectations.runner import build_data_docs, validate
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


def test_a_validated_frame_is_not_kept_after_its_gate(tmp_path):
    # GX's context lives as long as the process and its data source held every frame
    # it validated (a state month's files through the linkage step): after the gate
    # nothing may hold the frame, a second gate on the same file still runs, and the
    # Data Docs still render both results
    # nanosecond dates: the gate validates this very frame, not a converted copy
    frame = _dates(["2001-02-03"]).astype("datetime64[ns]")
    held = weakref.ref(frame)
    column = Column("received_date", DATE, not_after_as_of=True)

    def gate(f):
        return validate(
            f, "dates", _column_expectations(column, dt.date(2026, 10, 2)), tmp_path
        )

    assert gate(frame).success
    del frame
    gc.collect()
    assert held() is None
    again = gate(_dates(["1899-12-31"]))
    assert not again.success
    index = build_data_docs(tmp_path)
    assert index is not None and index.exists()
    assert len(list(index.parent.glob("validations/dates/**/*.html"))) == 2
