"""Run a suite over a pandas frame; turn the result into plain words.

Only counts and rates leave this module. GX is asked for no sample values
(`partial_unexpected_count: 0`), so neither its results nor the Data Docs it
renders can carry personal data.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import great_expectations as gx
import pandas as pd
from great_expectations.data_context.types.base import ProgressBarsConfig

# GX logs progress at INFO; it does not belong in our logs
logging.getLogger("great_expectations").setLevel(logging.WARNING)

RESULT_FORMAT = {"result_format": "SUMMARY", "partial_unexpected_count": 0}


@dataclass
class GateResult:
    success: bool
    evaluated: int
    rows: int
    failures: list[str] = field(default_factory=list)
    data_docs: str | None = None

    def metadata(self) -> dict:
        meta = {
            "expectations_evaluated": self.evaluated,
            "expectations_failed": len(self.failures),
            "failed_expectations": "\n".join(self.failures) or "none",
        }
        if self.data_docs:
            meta["data_docs"] = self.data_docs
        return meta


@cache
def _context(docs_dir: str | None):
    """Ephemeral without Data Docs; file-backed in `docs_dir` with them, so
    each file's validation adds to one site for the month."""
    if docs_dir is None:
        context = gx.get_context(mode="ephemeral")
    else:
        context = gx.get_context(mode="file", project_root_dir=docs_dir)
    # progress bars would flood `linkages run` and the Dagster logs
    context.variables.progress_bars = ProgressBarsConfig(
        globally=False, metric_calculations=False
    )
    return context


def validate(
    frame, name: str, expectations: list, docs_dir: Path | None = None
) -> GateResult:
    """frame: pandas, or a Spark DataFrame (engine spark), validated where it lies."""
    context = _context(str(docs_dir) if docs_dir else None)
    suite = context.suites.add_or_update(
        gx.ExpectationSuite(name=name, expectations=expectations)
    )
    is_pandas = isinstance(frame, pd.DataFrame)
    if is_pandas:
        frame = _nanosecond_dates(frame)
    add_source = (
        context.data_sources.add_or_update_pandas
        if is_pandas
        else context.data_sources.add_or_update_spark
    )
    source = add_source(f"{name}_source")
    asset = next(
        (a for a in source.assets if a.name == name), None
    ) or source.add_dataframe_asset(name)
    batch_def = next(
        iter(asset.batch_definitions), None
    ) or asset.add_batch_definition_whole_dataframe("whole")
    definition = context.validation_definitions.add_or_update(
        gx.ValidationDefinition(name=name, data=batch_def, suite=suite)
    )
    # the definition stores its result for the Data Docs itself; a Checkpoint around it
    # (no actions here) cost ~0.15 s a file in bookkeeping
    try:
        result = definition.run(
            batch_parameters={"dataframe": frame}, result_format=RESULT_FORMAT
        )
    finally:
        # the source's execution engine keeps every frame it validated for as long
        # as the (process-wide) context lives: a state month's files, 0.7 GiB, held
        # through the linkage step. The stored result and the Data Docs do not need
        # the source; the next validation of this file makes it anew.
        context.data_sources.delete(source.name)
    failures = [_plain(r) for r in result.results if not r.success]
    return GateResult(
        success=result.success,
        evaluated=len(result.results),
        rows=len(frame) if is_pandas else frame.count(),
        failures=failures,
        data_docs=str(data_docs_index(docs_dir)) if docs_dir else None,
    )


# the range of pandas' nanosecond timestamps, a day inside each end
NS_FIRST, NS_LAST = pd.Timestamp.min.ceil("D"), pd.Timestamp.max.floor("D")


def _nanosecond_dates(frame: pd.DataFrame) -> pd.DataFrame:
    """Date columns as datetime64[ns]: GX compares those in one vectorized step, and
    DuckDB's datetime64[us] value by value in Python (~8 s on a county's files a
    day). A date outside the nanosecond range (years 1677-2262) is clipped to its
    end first: the contract's dates must lie between 1900 and the as-of date, so a
    clipped date passes or fails that check exactly as the keyed one does."""
    dates = [
        c
        for c, dtype in frame.dtypes.items()
        if pd.api.types.is_datetime64_dtype(dtype) and dtype != "datetime64[ns]"
    ]
    if not dates:
        return frame
    frame = frame.copy()
    for c in dates:
        frame[c] = frame[c].clip(NS_FIRST, NS_LAST).astype("datetime64[ns]")
    return frame


def data_docs_index(docs_dir: Path) -> Path:
    return Path(docs_dir, "gx", "uncommitted", "data_docs", "local_site", "index.html")


def build_data_docs(docs_dir: Path) -> Path | None:
    """Render the Data Docs of every validation stored under `docs_dir` (one
    render per month: per check it cost ~0.7 s each)."""
    if not Path(docs_dir, "gx").is_dir():
        return None
    _context(str(docs_dir)).build_data_docs()
    return data_docs_index(docs_dir)


def _plain(r) -> str:
    rule = (r.expectation_config.meta or {}).get("rule", r.expectation_config.type)
    res = r.result or {}
    if r.exception_info and r.exception_info.get("raised_exception"):
        return f"{rule}: could not be evaluated"
    if "unexpected_count" in res:
        return f"{rule}: {res['unexpected_count']:,} rows ({res.get('unexpected_percent', 0):.2f}%)"
    if isinstance(res.get("observed_value"), int | float):
        return f"{rule}: observed {res['observed_value']:,}"
    return rule
