"""`linkages run --month` / `--day`: a period or a range of them, in order."""

import argparse

import pytest

from orchestration.cli import day_range, month_range
from orchestration.lib.partitions import Snapshot


def test_ranges_in_order_across_a_year_and_a_month_end():
    assert month_range("2025-11..2026-02") == [
        "2025-11",
        "2025-12",
        "2026-01",
        "2026-02",
    ]
    assert month_range("2026-10") == ["2026-10"]
    assert day_range("2024-02-28..2024-03-01") == [
        "2024-02-28",
        "2024-02-29",
        "2024-03-01",
    ]


@pytest.mark.parametrize(
    ("parse", "text", "message"),
    [
        (day_range, "2026-02-30", "not a day"),
        (day_range, "2026-10", "not a day"),
        (day_range, "2026-03-02..2026-03-01", "range ends before it starts"),
        (month_range, "2026-10-05", "not a month"),  # pandas would read it as October
        (month_range, "2026-13", "not a month"),
    ],
)
def test_what_is_not_a_period_is_refused(parse, text, message):
    with pytest.raises(argparse.ArgumentTypeError, match=message):
        parse(text)


def test_a_partition_key_is_a_month_or_a_day():
    month, day = Snapshot("2026-02"), Snapshot("2026-02-09")
    assert (month.is_day, month.report_month, month.as_of, month.folder) == (
        False,
        "2026-02",
        "2026-02-28",
        "2026-02",
    )
    assert (day.is_day, day.report_month, day.as_of, day.folder) == (
        True,
        "2026-02",
        "2026-02-09",
        "daily/2026-02-09",
    )
