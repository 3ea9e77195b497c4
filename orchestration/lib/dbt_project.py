"""The dbt project's place and the rules it names once for Python too.

dbt_project.yml's vars hold what the SQL and the Python side both need: the four
match lists (their tables and the label each export carries). Python reads them
from the file, so a list is named in one place.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import yaml

DBT_DIR = Path(__file__).resolve().parents[2] / "dbt_project"


@cache
def dbt_vars() -> dict:
    """The project's vars (dbt_project.yml), as dbt reads them without --vars."""
    return yaml.safe_load((DBT_DIR / "dbt_project.yml").read_text())["vars"]


# table -> label of its exports, in the project's order
MATCH_LISTS: dict[str, str] = {
    table: spec["label"] for table, spec in dbt_vars()["match_lists"].items()
}
