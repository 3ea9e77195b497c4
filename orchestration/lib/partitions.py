"""Report-month partitions: keys are YYYY-MM; a month exists once it has ended."""

from __future__ import annotations

import dagster as dg
import pandas as pd

from orchestration.lib.config import PipelineConfig


def monthly_partitions(config: PipelineConfig) -> dg.MonthlyPartitionsDefinition:
    return dg.MonthlyPartitionsDefinition(start_date=config.first_month, fmt="%Y-%m")


def as_of(month: str) -> str:
    """The as-of date of a report month: its last day (YYYY-MM-DD)."""
    return pd.Period(month, "M").end_time.strftime("%Y-%m-%d")
