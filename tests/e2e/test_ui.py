"""The Dagster UI, as an operator sees it: `dagster dev` on localhost, driven by
headless Chromium (Debian's package; `make test` installs it when missing)."""

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from tests.e2e.conftest import MONTHS

REPO = Path(__file__).resolve().parents[2]
# LINKAGES_SCREENSHOTS=docs/screenshots refreshes the pictures the README shows
SCREENSHOTS = os.environ.get("LINKAGES_SCREENSHOTS")


def chromium() -> str:
    path = (
        os.environ.get("LINKAGES_CHROMIUM")
        or shutil.which("chromium")
        or shutil.which("chromium-browser")
    )
    assert path, "Chromium not found: run `make browser` (Debian's chromium package)"
    return path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def dagster_ui(recorded_run, tmp_path_factory):
    port = free_port()
    env = dict(
        os.environ,
        DAGSTER_HOME=str(recorded_run.dagster_home),
        LINKAGES_LANDING_DIR=str(recorded_run.landing),
        LINKAGES_WAREHOUSE_PATH=str(recorded_run.warehouse),
        LINKAGES_EXPORTS_DIR=str(recorded_run.warehouse.parent / "exports"),
        LINKAGES_REPORTS_DIR=str(recorded_run.warehouse.parent / "reports"),
        # the landing sensor must not start the generated third month meanwhile
        LINKAGES_LANDING_SETTLE_SECONDS=str(10**9),
    )
    log = (tmp_path_factory.mktemp("ui") / "dagster_dev.log").open("w")
    server = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("dagster")),
            "dev",
            "-w",
            "workspace.yaml",
            "-h",
            "127.0.0.1",
            "-p",
            str(port),
        ],
        cwd=REPO,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 180
        while True:
            assert server.poll() is None, f"dagster dev exited, see {log.name}"
            try:
                urllib.request.urlopen(url + "/server_info", timeout=2)
                break
            except OSError:
                assert time.time() < deadline, (
                    "dagster dev did not answer within 3 minutes"
                )
                time.sleep(1)
        yield url
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except (
            subprocess.TimeoutExpired
        ):  # its daemon can hang on shutdown: it holds nothing we need
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(timeout=30)
        log.close()


@pytest.fixture(scope="module")
def page(dagster_ui):
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium(), args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1600, "height": 1000})
        page.set_default_timeout(60_000)
        page.goto(dagster_ui + "/locations/linkages/asset-groups/lists")
        page.get_by_text("Reload definitions").first.wait_for()
        page.wait_for_timeout(2000)
        skip = page.get_by_role(
            "button", name="Skip"
        )  # a new instance's newsletter prompt
        if skip.is_visible():
            skip.click()
        yield page
        browser.close()


def snapshot(page, name: str) -> None:
    if SCREENSHOTS:
        Path(SCREENSHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SCREENSHOTS) / f"{name}.png"))


def test_the_asset_graph_shows_the_lists(page, dagster_ui):
    page.goto(dagster_ui + "/locations/linkages/asset-groups/lists")
    page.get_by_text("match_list_mutual_cases").first.wait_for()
    # the checks' status comes by a query of its own, after the graph (a fixed wait
    # missed it once in a full `make test`)
    page.get_by_text("Passed").first.wait_for()
    page.wait_for_timeout(2000)  # the graph lays itself out
    graph = page.inner_text("body")
    assert "match_list_mutual_cases" in graph and "Passed" in graph
    snapshot(page, "asset-graph-lists")


@pytest.mark.parametrize(
    "name",
    [
        "match_list_homeless",
        "match_list_sanction",
        "match_list_mutual_cases",
        "match_list_mutual_clients",
    ],
)
def test_each_list_is_materialized_with_its_dbt_tests_passed(page, dagster_ui, name):
    page.goto(f"{dagster_ui}/assets/marts/{name}?view=checks")
    page.get_by_text("Succeeded").first.wait_for()
    checks = page.inner_text("body")
    assert checks.count("Succeeded") >= 4 and "Failed" not in checks


def test_an_ingest_asset_shows_its_blocking_gates_passed(page, dagster_ui):
    page.goto(dagster_ui + "/assets/raw/cws_clients?view=checks")
    # the checks' rows come in one by one: wait for each (reading the page as soon as
    # the first showed missed the second once in CI)
    names = ("contract_gate", "quarantine_within_limit", "rows_reconciled")
    for name in names:
        page.get_by_text(name).first.wait_for()
    page.get_by_text("This is a blocking asset check.").wait_for()
    page.get_by_text("Succeeded").nth(2).wait_for()
    checks = page.inner_text("body")
    for name in names:
        assert name in checks, name
    assert checks.count("Succeeded") >= 3 and "Failed" not in checks
    snapshot(page, "asset-checks-cws-clients")


def test_the_job_shows_both_months_run(page, dagster_ui):
    page.goto(dagster_ui + "/runs")
    page.get_by_text("monthly_pipeline").first.wait_for()
    runs = page.inner_text("body")
    assert runs.count("monthly_pipeline") >= len(MONTHS)
    assert "Failure" not in runs
