"""The review page without a browser: only designated reviewers see anything,
sessions expire, every form needs its CSRF token, each view is in the access log,
QA pairs are blind, and decisions are appended with reviewer and time."""

import logging
import re
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from starlette.routing import Route
from starlette.testclient import TestClient

from matching.review import load_decisions
from orchestration.lib.config import PipelineConfig
from orchestration.review.accounts import (
    AccountError,
    add_reviewer,
    disable_reviewer,
    reviewers_path,
)
from orchestration.review.app import create_app

MONTH = "2026-10"
PASSWORD = "correct horse battery"
# (calworks person, cws client, probability, sample): p1/c1 and p2/c2 in the review
# band, p3/c3 a link drawn for QA (its score must not show)
QUEUE = [
    ("P001", "C001", 0.8731, "REVIEW_BAND"),
    ("P002", "C002", 0.6123, "REVIEW_BAND"),
    ("P003", "C003", 0.9987, "QA"),
]
NAMES = ["ROSALIND", "FRANKLIN", "DOROTHY", "HODGKIN", "BARBARA", "MCCLINTOCK"]


def _warehouse(path: Path) -> None:
    """A month's queue, the two records of each pair, and their families."""
    con = duckdb.connect(str(path))
    for schema in ("linkage", "raw"):
        con.execute(f"create schema {schema}")
    queue = pd.DataFrame(
        QUEUE,
        columns=["calworks_person_id", "cws_client_id", "match_probability", "sample"],
    ).assign(
        report_month=MONTH,
        match_weight=[4.5, 1.2, 12.0],
        # levels counted from 'else' (0) up; first name exact (9 of 0..9), surname
        # exact (5), birth date one day off (3), no SSN (-1), middle initial differs
        # (0), sex the same (1), same address and ZIP (4)
        gamma_first_name=9,
        gamma_last_name=5,
        gamma_dob=3,
        gamma_ssn=-1,
        gamma_middle_initial=0,
        gamma_sex=1,
        gamma_place=4,
        score_band=[None, None, "auto 0.99-1.00"],
    )
    _table(con, "linkage.review_queue", queue)
    people = pd.DataFrame(
        {
            "report_month": MONTH,
            "person_id": ["P001", "P002", "P003"],
            "case_number": ["K1", "K2", "K3"],
            "first_name": NAMES[0::2],
            "middle_name": None,
            "last_name": NAMES[1::2],
            "date_of_birth": ["1990-01-02", "1985-05-06", "1979-07-08"],
            "sex": "F",
            "ssn": None,
            "address_line1": "1 MAIN ST",
            "city": "LOS ANGELES",
            "zip": "90001",
        }
    )
    _table(con, "linkage.calworks_people", people)
    persons = people[["report_month", "person_id", "case_number", "first_name"]].assign(
        last_name=people["last_name"],
        date_of_birth=people["date_of_birth"],
        role="PARENT",
        member_status="ACTIVE",
    )
    _table(con, "raw.calworks_persons", persons)
    clients = pd.DataFrame(
        {
            "report_month": MONTH,
            "client_id": ["C001", "C002", "C003"],
            "first_name": NAMES[0::2],
            "middle_name": "Q",
            "last_name": NAMES[1::2],
            "birth_date": ["1990-01-03", "1985-05-07", "1979-07-09"],
            "sex": "F",
            "ssn": None,
            "address_line1": "1 MAIN ST",
            "city": "LOS ANGELES",
            "zip": "90001",
        }
    )
    _table(con, "raw.cws_clients", clients)
    con.execute(
        "create table raw.cws_case_participants as select ? as report_month, "
        "'CASE1' as case_id, 'C001' as client_id, 'MOTHER' as role",
        [MONTH],
    )
    con.execute(
        "create table raw.cws_allegations (report_month varchar, referral_id varchar, "
        "victim_client_id varchar, perpetrator_client_id varchar)"
    )
    con.execute(
        "create table linkage.person_links as select ? as report_month, 'P003' as "
        "calworks_person_id, 'C003' as cws_client_id, 0.9987 as match_probability, "
        "'MODEL' as link_basis",
        [MONTH],
    )
    con.close()


def _table(con, name: str, frame: pd.DataFrame) -> None:
    con.register("_frame", frame)
    con.execute(f"create table {name} as select * from _frame")
    con.unregister("_frame")


class Clock:
    def __init__(self):
        self.now = 1_793_000_000.0  # 2026-10-26 07:33:20 UTC

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def site(tmp_path):
    landing = tmp_path / "landing"
    _warehouse(tmp_path / "warehouse.duckdb")
    add_reviewer(reviewers_path(landing), "RV001", PASSWORD)
    config = PipelineConfig.from_env(
        warehouse_path=str(tmp_path / "warehouse.duckdb"),
        landing_dir=str(landing),
        review_session_minutes=30,
    )
    clock = Clock()
    app = create_app(config, clock=clock)
    return app, clock, landing / "reviews"


def _csrf(html: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', html).group(1)


def _sign_in(client, reviewer="RV001", password=PASSWORD):
    token = _csrf(client.get("/signin").text)
    return client.post(
        "/signin",
        data={"csrf": token, "reviewer_id": reviewer, "password": password},
        follow_redirects=False,
    )


def _access(reviews: Path) -> pd.DataFrame:
    return pd.read_csv(reviews / "access_log.csv", dtype=str, keep_default_na=False)


def test_every_route_unauthenticated_shows_only_the_sign_in_page_or_401(site):
    app, _, _ = site
    client = TestClient(app)
    seen = 0
    for route in app.routes:
        assert isinstance(route, Route)
        path = route.path.replace("{token}", "0123456789abcdef")
        for method in sorted(route.methods - {"HEAD"}):
            response = client.request(method, path, follow_redirects=False)
            assert response.status_code in (200, 401), (method, route.path)
            if response.status_code == 200:  # only the sign-in page itself
                assert route.path == "/signin" and method == "GET"
            assert "Sign in" in response.text and 'name="password"' in response.text
            for name in NAMES + ["P001", "C001"]:
                assert name not in response.text
            seen += 1
    assert seen == 7  # GET/POST /signin, POST /signout, GET /, /next, GET/POST /pair


def test_a_wrong_password_is_refused_and_logged_without_the_password(site):
    app, _, reviews = site
    client = TestClient(app)
    response = _sign_in(client, password="not the password")
    assert response.status_code == 401
    assert "Wrong reviewer id or password." in response.text
    assert client.get("/", follow_redirects=False).status_code == 401
    log = _access(reviews)
    assert log[["reviewer_id", "event"]].values.tolist() == [
        ["RV001", "SIGN_IN_REFUSED"]
    ]
    assert "not the password" not in (reviews / "access_log.csv").read_text()


def test_a_session_expires_after_the_configured_idle_time(site):
    app, clock, _ = site
    client = TestClient(app)
    assert _sign_in(client).status_code == 303
    clock.now += 29 * 60  # 29 minutes idle: still signed in, and the clock restarts
    assert client.get("/").status_code == 200
    clock.now += 30 * 60 + 1  # 30 minutes and a second: ended
    response = client.get("/", follow_redirects=False)
    assert response.status_code == 401
    assert "Your session has ended: sign in again." in response.text


def test_a_disabled_reviewer_is_signed_out_and_cannot_sign_in(site, tmp_path):
    app, _, _ = site
    client = TestClient(app)
    assert _sign_in(client).status_code == 303
    disable_reviewer(reviewers_path(tmp_path / "landing"), "RV001")
    assert client.get("/", follow_redirects=False).status_code == 401
    assert _sign_in(TestClient(app)).status_code == 401


def test_forms_without_their_csrf_token_are_refused(site):
    app, _, reviews = site
    client = TestClient(app)
    # the sign-in form itself
    response = client.post(
        "/signin", data={"reviewer_id": "RV001", "password": PASSWORD}
    )
    assert response.status_code == 401 and "expired" in response.text
    assert _sign_in(client).status_code == 303
    token = client.get("/next").url.path.rsplit("/", 1)[1]
    for form in ({"decision": "MATCH"}, {"decision": "MATCH", "csrf": "forged"}):
        response = client.post(f"/pair/{token}", data=form, follow_redirects=False)
        assert response.status_code == 403
    assert client.post("/signout", follow_redirects=False).status_code == 403
    assert not (reviews / "decisions.csv").exists()


def test_decisions_are_appended_with_reviewer_time_note_and_sample(site):
    app, clock, reviews = site
    # an earlier, five-column file (before v2): kept byte for byte, rows added under it
    earlier = (
        "calworks_person_id,cws_client_id,decision,reviewer_id,decided_at\n"
        "P9,C9,MATCH,RV000,2026-09-01T00:00:00+00:00\n"
    )
    reviews.mkdir(parents=True, exist_ok=True)
    (reviews / "decisions.csv").write_text(earlier)
    client = TestClient(app)
    _sign_in(client)
    page = client.get("/next")
    response = client.post(
        page.url.path,
        data={"csrf": _csrf(page.text), "decision": "NON_MATCH", "note": "twins\x07"},
        follow_redirects=False,
    )
    assert response.status_code == 303 and response.headers["location"] == "/next"
    text = (reviews / "decisions.csv").read_text()
    assert text.startswith(earlier)
    # the first pair in order is the likeliest review-band pair, p1/c1
    assert text[len(earlier) :] == (
        "P001,C001,NON_MATCH,RV001,2026-10-26T07:33:20+00:00\n"
    )

    # a new file gets v2's seven columns, note and sample included
    (reviews / "decisions.csv").unlink()
    page = client.get("/next")
    client.post(
        page.url.path,
        data={"csrf": _csrf(page.text), "decision": "UNSURE", "note": "ask CWS\x07"},
    )
    decided = load_decisions(reviews / "decisions.csv")
    assert decided.to_dict("records") == [
        {
            "calworks_person_id": "P001",
            "cws_client_id": "C001",
            "decision": "UNSURE",
            "reviewer_id": "RV001",
            "decided_at": pd.Timestamp("2026-10-26T07:33:20Z"),
            "note": "ask CWS",
            "sample": "REVIEW_BAND",
        }
    ]


def test_the_access_log_holds_one_row_per_pair_viewed(site):
    app, _, reviews = site
    client = TestClient(app)
    _sign_in(client)
    for _ in range(3):
        page = client.get("/next")
        client.post(
            page.url.path,
            data={"csrf": _csrf(page.text), "decision": "MATCH"},
            follow_redirects=False,  # each next pair is opened by the loop, once
        )
    views = _access(reviews).query("event == 'VIEW'")
    # each of the three pairs once, in the order shown: review band by score, then QA
    assert views[
        ["reviewer_id", "report_month", "calworks_person_id", "cws_client_id"]
    ].values.tolist() == [
        ["RV001", MONTH, "P001", "C001"],
        ["RV001", MONTH, "P002", "C002"],
        ["RV001", MONTH, "P003", "C003"],
    ]
    assert _access(reviews)["event"].tolist() == ["SIGN_IN", "VIEW", "VIEW", "VIEW"]
    assert oct((reviews / "access_log.csv").stat().st_mode & 0o777) == "0o600"


def test_a_qa_pair_is_blind_and_a_review_pair_shows_its_waterfall(site):
    app, _, _ = site
    client = TestClient(app)
    _sign_in(client)
    review = client.get("/next")
    assert "match score 0.873" in review.text
    assert "How the match weight adds up" in review.text
    assert "one day apart" in review.text  # the birth-date level in plain words
    assert "Case CASE1" in review.text  # the client's CWS family
    page = review
    for _ in range(2):
        page = client.post(
            page.url.path, data={"csrf": _csrf(page.text), "decision": "MATCH"}
        )
    assert "Quality check" in page.text
    assert "0.998" not in page.text and "0.9987" not in page.text
    assert "How the match weight adds up" not in page.text


def test_the_server_log_names_routes_never_people_or_ids(site, caplog):
    app, _, _ = site
    client = TestClient(app)
    with caplog.at_level(logging.INFO, logger="linkages.review"):
        _sign_in(client)
        page = client.get("/next")
        client.post(page.url.path, data={"csrf": _csrf(page.text), "decision": "MATCH"})
    lines = [r.getMessage() for r in caplog.records if r.name == "linkages.review"]
    assert "GET /pair/{token} 200" in lines and "POST /pair/{token} 303" in lines
    token = page.url.path.rsplit("/", 1)[1]
    for line in lines:
        for secret in [*NAMES, "P001", "C001", token]:
            assert secret not in line


def test_accounts_need_a_proper_id_and_a_long_password(tmp_path):
    path = tmp_path / "reviewers.json"
    with pytest.raises(AccountError, match="at least 12 characters"):
        add_reviewer(path, "RV001", "short")
    with pytest.raises(AccountError, match="reviewer id"):
        add_reviewer(path, "R V 1", PASSWORD)
    add_reviewer(path, "RV001", PASSWORD)
    assert PASSWORD not in path.read_text() and "$argon2id$" in path.read_text()
    assert oct(path.stat().st_mode & 0o777) == "0o600"


def test_the_command_line_says_in_one_line_what_is_missing(
    tmp_path, capsys, monkeypatch
):
    import io

    from orchestration.cli import main

    landing = tmp_path / "landing"
    args = ["review", "serve", "--warehouse", str(tmp_path / "none.duckdb")]
    assert main([*args, "--landing", str(landing)]) == 2
    assert (
        capsys.readouterr()
        .err.strip()
        .endswith("none.duckdb: no such warehouse file (run the pipeline first)")
    )
    _warehouse(tmp_path / "w.duckdb")
    args = ["review", "serve", "--warehouse", str(tmp_path / "w.duckdb")]
    assert main([*args, "--landing", str(landing)]) == 2
    assert "no reviewer accounts yet" in capsys.readouterr().err
    monkeypatch.setattr("sys.stdin", io.StringIO("short\n"))
    add = ["review", "add-reviewer", "RV001", "--landing", str(landing)]
    assert main([*add, "--password-stdin"]) == 2
    assert capsys.readouterr().err == "password: at least 12 characters\n"
    disable = ["review", "disable-reviewer", "RV404", "--landing", str(landing)]
    assert main(disable) == 2
    assert capsys.readouterr().err.strip().endswith("no reviewer 'RV404'")


def test_five_wrong_passwords_lock_the_id_for_fifteen_minutes(site):
    app, clock, _ = site
    client = TestClient(app)
    for _ in range(5):
        assert _sign_in(client, password="guess").status_code == 401
    response = _sign_in(client)  # the right password, but locked
    assert response.status_code == 401 and "Too many wrong passwords" in response.text
    clock.now += 15 * 60  # the first failure is 15 minutes old: out of the window
    assert _sign_in(client).status_code == 303
