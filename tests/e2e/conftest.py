import os
from dataclasses import dataclass
from pathlib import Path

import pytest

from orchestration.cli import main

MONTHS = ["2025-11", "2025-12"]


@dataclass
class RecordedRun:
    landing: Path
    warehouse: Path
    dagster_home: Path  # the runs, as the Dagster UI shows them


@pytest.fixture(scope="session")
def recorded_run(generated, tmp_path_factory) -> RecordedRun:
    """`linkages run` over two months, recorded in a Dagster home that does not
    exist yet (as on a fresh machine: the run creates it)."""
    root = tmp_path_factory.mktemp("run")
    run = RecordedRun(
        generated / "landing", root / "warehouse.duckdb", root / "dagster_home"
    )
    os.environ["DAGSTER_HOME"] = str(run.dagster_home)
    try:
        code = main(
            [
                "run",
                "--landing",
                str(run.landing),
                "--month",
                f"{MONTHS[0]}..{MONTHS[-1]}",
                "--warehouse",
                str(run.warehouse),
            ]
        )
    finally:
        del os.environ["DAGSTER_HOME"]
    assert code == 0
    return run


@pytest.fixture(scope="session")
def warehouse(recorded_run) -> Path:
    return recorded_run.warehouse
