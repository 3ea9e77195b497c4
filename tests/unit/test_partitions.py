"""The month arithmetic every stage uses, in one place (orchestration/lib/partitions.py)."""

from orchestration.lib.partitions import as_of, month_of, previous_month


def test_as_of_is_the_months_last_day():
    assert as_of("2026-10") == "2026-10-31"
    assert as_of("2024-02") == "2024-02-29"  # leap year
    assert as_of("2025-02") == "2025-02-28"


def test_previous_month_crosses_the_year():
    assert previous_month("2026-01") == "2025-12"
    assert previous_month("2026-10") == "2026-09"


def test_month_of_a_moment():
    assert month_of("2026-11-03T06:00:00-08:00") == "2026-11"
    # the schedule's report month: the month before the one it runs in
    assert previous_month(month_of("2026-01-03")) == "2025-12"
