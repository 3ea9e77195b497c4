"""Report months: partition keys YYYY-MM (a month exists once it has ended), and
the month arithmetic every stage uses -- its as-of date, the month before it, the
month a moment falls in -- written once here (dbt's twin: macros/report_month.sql)."""

from __future__ import annotations

from dataclasses import dataclass

import dagster as dg
import pandas as pd

from orchestration.lib.config import PipelineConfig
from orchestration.lib.landing import DAY_DIR, landed_days, landed_months


def first_month(config: PipelineConfig) -> str:
    """The configured first month, else the oldest landed one, else last month."""
    if config.first_month:
        return config.first_month
    landed = landed_months(config.landing_dir)
    return landed[0] if landed else previous_month(month_of(pd.Timestamp.now()))


# Every asset of the monthly job: a backfill is one run per month (dbt gets one report
# month per invocation). One policy for all, set on each asset: with mixed policies
# (dagster-dbt's default is one run for all months) Dagster warns on every run.
ONE_MONTH_PER_RUN = dg.BackfillPolicy.multi_run(max_partitions_per_run=1)


def monthly_partitions(config: PipelineConfig) -> dg.MonthlyPartitionsDefinition:
    # a month's partition exists once the month has ended
    return dg.MonthlyPartitionsDefinition(start_date=first_month(config), fmt="%Y-%m")


def first_day(config: PipelineConfig) -> str:
    """The daily route's first day: configured, else the oldest landed, else yesterday."""
    if config.first_day:
        return config.first_day
    landed = landed_days(config.landing_dir)
    return (
        landed[0] if landed else f"{pd.Timestamp.now() - pd.Timedelta(days=1):%Y-%m-%d}"
    )


def daily_partitions(config: PipelineConfig) -> dg.DailyPartitionsDefinition:
    # a day's partition exists once the day has ended
    return dg.DailyPartitionsDefinition(start_date=first_day(config), fmt="%Y-%m-%d")


@dataclass(frozen=True)
class Snapshot:
    """What a partition key stands for. A report month `YYYY-MM`: as of its last
    day, its files in `<landing>/<YYYY-MM>/`. A day `YYYY-MM-DD` (the daily route,
    contract v2): as of that day, its files in `<landing>/daily/<YYYY-MM-DD>/`, its
    rows kept under the report month that contains it -- every rule reads "as of
    that day" and the recent-referral window stays that month's (contract §6)."""

    key: str

    @property
    def is_day(self) -> bool:
        return bool(DAY_DIR.match(self.key))

    @property
    def report_month(self) -> str:
        return self.key[:7]

    @property
    def as_of(self) -> str:
        return self.key if self.is_day else as_of(self.key)

    @property
    def folder(self) -> str:
        """Where its files are under the landing folder (and its reports go)."""
        return f"daily/{self.key}" if self.is_day else self.key


def as_of(month: str) -> str:
    """The as-of date of a report month: its last day (YYYY-MM-DD)."""
    return pd.Period(month, "M").end_time.strftime("%Y-%m-%d")


def previous_month(month: str) -> str:
    """The report month before `month` (YYYY-MM)."""
    return str(pd.Period(month, "M") - 1)


def month_of(when) -> str:
    """The calendar month (YYYY-MM) a date or timestamp falls in."""
    return pd.Timestamp(when).strftime("%Y-%m")
