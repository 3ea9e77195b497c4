import os

import pytest

from synthetic.generate import generate

DEMO_START = "2025-11"
DEMO_MONTHS = 3


@pytest.fixture(scope="session", autouse=True)
def _throwaway_dagster_instance():
    """Tests never record runs in the operator's Dagster home (set up before any other fixture)."""
    home = os.environ.pop("DAGSTER_HOME", None)
    os.environ.setdefault("LINKAGES_HASH_SECRET", "test-secret-not-for-production")
    yield
    if home is not None:
        os.environ["DAGSTER_HOME"] = home


@pytest.fixture(scope="session")
def generated(tmp_path_factory):
    """A small county, three months, generated once for the whole session."""
    out = tmp_path_factory.mktemp("county")
    generate(out, DEMO_START, DEMO_MONTHS, "small", seed=11, progress=lambda _: None)
    return out
