"""A month's dbt run starts from the parse dbt saved last, and the month itself is not
part of the parse (dbt would otherwise parse the whole project again every month)."""

import os
import re
import time

import pytest

from orchestration.defs.transform import assets
from orchestration.lib.dbt_project import DBT_DIR, dbt_vars


@pytest.fixture
def months(tmp_path, monkeypatch):
    """A months' artifacts folder of the test's own, in place of dbt_project/target/months."""
    monkeypatch.setattr(assets, "MONTHS_TARGET", tmp_path)
    return tmp_path


def _saved(folder, content: bytes, age_s: float):
    folder.mkdir(parents=True)
    path = folder / "partial_parse.msgpack"
    path.write_bytes(content)
    stamp = time.time() - age_s
    os.utime(path, (stamp, stamp))
    return path


def test_a_new_month_gets_the_latest_saved_parse(months):
    _saved(months / "2026-08", b"older", age_s=60)
    _saved(months / "2026-09", b"latest", age_s=1)
    assets.reuse_latest_parse(months / "2026-10")
    assert (months / "2026-10" / "partial_parse.msgpack").read_bytes() == b"latest"


def test_a_rerun_month_gets_a_later_months_parse_over_its_own(months):
    _saved(months / "2026-08", b"its own", age_s=60)
    _saved(months / "2026-09", b"latest", age_s=1)
    assets.reuse_latest_parse(months / "2026-08")
    assert (months / "2026-08" / "partial_parse.msgpack").read_bytes() == b"latest"


def test_the_latest_parse_being_the_months_own_is_left_as_it_is(months):
    own = _saved(months / "2026-10", b"its own", age_s=1)
    assets.reuse_latest_parse(months / "2026-10")
    assert own.read_bytes() == b"its own"


def test_no_saved_parse_leaves_the_folder_to_dbt(months):
    assets.reuse_latest_parse(months / "2026-10")
    assert not (months / "2026-10").exists()


def test_the_month_is_no_dbt_variable_of_the_project():
    """dbt compares its variables with the saved parse's: a month among them, or a
    default for it, would make each month's run parse everything again."""
    assert "report_month" not in dbt_vars()
    month_var = re.compile(r"""var\((["'])report_month\1\)""")
    reading_it = [
        p.relative_to(DBT_DIR)
        for folder in ("models", "macros", "tests")
        for p in (DBT_DIR / folder).rglob("*.sql")
        if month_var.search(p.read_text())
    ]
    assert reading_it == []


def test_no_config_reads_the_month_while_dbt_parses():
    """A config (a test's `where`) is rendered as dbt parses: one reading the month from
    the environment makes dbt parse its file again every month; __report_month__ in
    its place is filled in as the test runs."""
    reads_month = re.compile(
        r"""LINKAGES_REPORT_MONTH|LINKAGES_AS_OF_DATE|var\((["'])report_month\1"""
    )
    reading_it = [
        p.relative_to(DBT_DIR)
        for p in (DBT_DIR / "models").rglob("*.yml")
        if reads_month.search(p.read_text())
    ]
    assert reading_it == []
