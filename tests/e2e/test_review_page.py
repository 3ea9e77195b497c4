"""The review page as a reviewer uses it: `linkages review serve`'s application on a
local port over a recorded two-month run, driven by Debian's Chromium (launched as
the Dagster UI test launches it). A reviewer signs in, decides three pairs by
keyboard, and the next month's run applies the decisions."""

import io
import logging
import os
import shutil
import threading
import time
from pathlib import Path

import duckdb
import pandas as pd
import pytest
import uvicorn
from playwright.sync_api import sync_playwright

from orchestration.cli import main
from orchestration.lib.config import PipelineConfig
from orchestration.review.app import create_app
from tests.e2e.test_ui import SCREENSHOTS, chromium, free_port

PASSWORD = "a long pass phrase for RV001"
NEXT_MONTH = "2026-01"  # the recorded run is 2025-11 and 2025-12
# the reviewer works in January, on December's queue: the January run applies it
REVIEW_DAY = pd.Timestamp("2026-01-12T16:30:00Z").timestamp()


class Clock:
    """Real time from REVIEW_DAY on; `skip` moves it forward (an idle session)."""

    def __init__(self):
        self.started, self.skipped = time.time(), 0.0

    def __call__(self) -> float:
        return REVIEW_DAY + time.time() - self.started + self.skipped


class Collect(logging.Handler):
    def __init__(self):
        super().__init__()
        self.lines: list[str] = []

    def emit(self, record):
        self.lines.append(record.getMessage())


@pytest.fixture(scope="module")
def served(recorded_run, tmp_path_factory, monkeypatch_module):
    """A copy of the recorded run (its landing folder and warehouse), one reviewer
    account added by the command line, and the page on a free local port."""
    root = tmp_path_factory.mktemp("review")
    landing, warehouse = root / "landing", root / "warehouse.duckdb"
    shutil.copytree(recorded_run.landing, landing)
    shutil.copy(recorded_run.warehouse, warehouse)
    monkeypatch_module.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    args = ["review", "add-reviewer", "RV001", "--landing", str(landing)]
    assert main([*args, "--password-stdin"]) == 0
    config = PipelineConfig.from_env(
        warehouse_path=str(warehouse), landing_dir=str(landing)
    )
    clock, log = Clock(), Collect()
    logging.getLogger("linkages.review").addHandler(log)
    logging.getLogger("linkages.review").setLevel(logging.INFO)
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(
            create_app(config, clock=clock),
            host="127.0.0.1",
            port=port,
            access_log=False,
            log_level="warning",
        )
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    try:
        yield {
            "url": f"http://127.0.0.1:{port}",
            "landing": landing,
            "warehouse": warehouse,
            "clock": clock,
            "log": log,
        }
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        logging.getLogger("linkages.review").removeHandler(log)


@pytest.fixture(scope="module")
def monkeypatch_module():
    mp = pytest.MonkeyPatch()
    yield mp
    mp.undo()


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium(), args=["--no-sandbox"])
        yield browser
        browser.close()


def _sign_in(page, url, password=PASSWORD):
    page.goto(url + "/")
    page.get_by_label("Reviewer id").fill("RV001")
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def _views(landing: Path) -> pd.DataFrame:
    log = pd.read_csv(landing / "reviews" / "access_log.csv", dtype=str)
    return log.loc[log["event"] == "VIEW"]


@pytest.fixture(scope="module")
def reviewed(served, browser):
    """Sign in (a wrong password first), open the queue, decide three pairs with the
    keyboard only: M, N, then a note and U. Returns what the page showed."""
    if SCREENSHOTS:
        Path(SCREENSHOTS).mkdir(parents=True, exist_ok=True)
    page = browser.new_page(viewport={"width": 1500, "height": 1100})
    page.set_default_timeout(30_000)
    url = served["url"]
    response = page.goto(url + "/")
    assert response.status == 401 and page.get_by_label("Password").is_visible()

    _sign_in(page, url, password="not the password")
    page.get_by_text("Wrong reviewer id or password.").wait_for()
    assert page.get_by_text("Signed in as").count() == 0

    _sign_in(page, url)
    page.get_by_text("Signed in as RV001").wait_for()
    if SCREENSHOTS:
        page.screenshot(path=str(Path(SCREENSHOTS) / "review-queue.png"))
    assert page.get_by_text("pairs to review of").count() == 1
    page.keyboard.press("Enter")
    page.get_by_text("Same person?").wait_for()
    shown = []
    for key in ["m", "n", "u"]:
        page.get_by_text("pair 1 of ").wait_for()
        shown.append(page.url.rsplit("/", 1)[1])
        if key == "u":
            page.keyboard.press("/")
            page.keyboard.type("mother's maiden name? ask CWS")
            page.keyboard.press("Escape")
        with page.expect_navigation():
            page.keyboard.press(key)
    page.get_by_text("Same person?").wait_for()
    shown.append(page.url.rsplit("/", 1)[1])
    yield {"page": page, "tokens": shown}
    page.close()


def test_three_pairs_decided_by_keyboard_are_appended_with_reviewer_and_time(
    served, reviewed
):
    decisions = pd.read_csv(served["landing"] / "reviews" / "decisions.csv", dtype=str)
    assert decisions["decision"].tolist() == ["MATCH", "NON_MATCH", "UNSURE"]
    assert (decisions["reviewer_id"] == "RV001").all()
    assert decisions["note"].fillna("").tolist() == [
        "",
        "",
        "mother's maiden name? ask CWS",
    ]
    at = pd.to_datetime(decisions["decided_at"], utc=True)
    assert (
        (at >= pd.Timestamp(REVIEW_DAY, unit="s", tz="UTC")) & (at.dt.month == 1)
    ).all()
    assert set(decisions["sample"]) <= {"REVIEW_BAND", "QA"}


def test_the_access_log_holds_one_row_per_pair_viewed(served, reviewed):
    """Four pairs opened (the three decided and the one shown after), each once,
    the first three being the decided ones."""
    views = _views(served["landing"])
    decisions = pd.read_csv(served["landing"] / "reviews" / "decisions.csv", dtype=str)
    pairs = list(zip(views["calworks_person_id"], views["cws_client_id"], strict=True))
    assert len(pairs) == 4 and len(set(pairs)) == 4
    decided = list(
        zip(decisions["calworks_person_id"], decisions["cws_client_id"], strict=True)
    )
    assert pairs[:3] == decided
    assert (views["reviewer_id"] == "RV001").all()
    assert (views["report_month"] == "2025-12").all()


def test_a_form_posted_without_its_csrf_token_is_refused(served, reviewed):
    page = reviewed["page"]
    before = (served["landing"] / "reviews" / "decisions.csv").read_text()
    # the browser's own cookies, the form's fields, no token
    response = page.request.post(page.url, form={"decision": "MATCH", "note": ""})
    assert response.status == 403
    assert (served["landing"] / "reviews" / "decisions.csv").read_text() == before


def test_the_server_log_has_routes_and_statuses_only(served, reviewed):
    lines = served["log"].lines
    assert "GET /pair/{token} 200" in lines and "POST /signin 401" in lines
    for line in lines:
        method, route, status = line.split(" ")
        assert method in ("GET", "POST") and status.isdigit()
        assert route in {"/", "/signin", "/signout", "/next", "/pair/{token}", "-"}
    for token in reviewed["tokens"]:
        assert all(token not in line for line in lines)


def test_an_expired_session_is_refused(served, reviewed):
    page = reviewed["page"]
    served["clock"].skipped += 31 * 60  # the configured 30 minutes idle, and one
    response = page.reload()
    assert response.status == 401
    page.get_by_text("Your session has ended: sign in again.").wait_for()
    assert page.get_by_text("Same person?").count() == 0


def test_a_review_pair_shows_its_score_and_waterfall_a_qa_pair_neither(
    served, reviewed, browser
):
    page = browser.new_page(viewport={"width": 1500, "height": 1000})
    _sign_in(page, served["url"])
    page.get_by_role("row").filter(has_text="Review").first.get_by_role(
        "link", name="Open"
    ).click()
    page.get_by_text("How the match weight adds up").wait_for()
    assert page.get_by_text("match score ").count() == 1
    assert (
        page.get_by_text("Starting point (two records picked at random)").count() == 1
    )
    if SCREENSHOTS:
        page.screenshot(path=str(Path(SCREENSHOTS) / "review-pair.png"), full_page=True)
    page.goto(served["url"] + "/")
    page.get_by_role("row").filter(has_text="Quality check").first.get_by_role(
        "link", name="Open"
    ).click()
    page.get_by_text("the score is hidden").wait_for()
    assert page.get_by_text("How the match weight adds up").count() == 0
    assert page.get_by_text("match score").count() == 0
    page.close()


def test_the_next_run_applies_the_decisions(served, reviewed):
    os.environ.pop("DAGSTER_HOME", None)
    args = ["run", "--landing", str(served["landing"]), "--month", NEXT_MONTH]
    assert main([*args, "--warehouse", str(served["warehouse"])]) == 0
    decisions = pd.read_csv(served["landing"] / "reviews" / "decisions.csv", dtype=str)
    con = duckdb.connect(str(served["warehouse"]), read_only=True)
    try:
        links = con.execute(
            "select calworks_person_id, cws_client_id, link_basis from "
            "linkage.person_links where report_month = ?",
            [NEXT_MONTH],
        ).df()
        queue = con.execute(
            "select calworks_person_id, cws_client_id, sample from "
            "linkage.review_queue where report_month = ?",
            [NEXT_MONTH],
        ).df()
        quality = con.execute(
            "select sum(qa_pairs_decided), sum(qa_matches) from "
            "reporting.rpt_link_quality where report_month = ?",
            [pd.Timestamp(f"{NEXT_MONTH}-01").date()],
        ).fetchall()[0]
    finally:
        con.close()

    def basis(row):
        hit = links.loc[
            (links["calworks_person_id"] == row.calworks_person_id)
            & (links["cws_client_id"] == row.cws_client_id),
            "link_basis",
        ]
        return hit.iloc[0] if len(hit) else None

    def queued(row):
        return bool(
            (
                (queue["calworks_person_id"] == row.calworks_person_id)
                & (queue["cws_client_id"] == row.cws_client_id)
            ).any()
        )

    # January's QA verdicts (MATCH or NON_MATCH on December's QA pairs) are counted
    verdicts = decisions.loc[
        (decisions["sample"] == "QA") & (decisions["decision"] != "UNSURE")
    ]
    if len(verdicts):
        assert quality == (len(verdicts), int((verdicts["decision"] == "MATCH").sum()))
    else:
        assert quality == (None, None)
    match, non_match, unsure = decisions.itertuples()
    assert basis(match) == "REVIEWER" and not queued(match)
    assert basis(non_match) is None and not queued(non_match)
    # UNSURE changes nothing: a review-band pair stays in the queue, a QA link stays
    if unsure.sample == "REVIEW_BAND":
        assert basis(unsure) is None and queued(unsure)
    else:
        assert basis(unsure) in ("MODEL", "HOUSEHOLD")
