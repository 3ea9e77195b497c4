"""The review page: a Starlette application with Jinja2 templates.

Only designated staff see anything (WIC 10850): every page but the sign-in page
needs a signed-in, active reviewer account (accounts.py), and answers 401 with the
sign-in page otherwise. Sessions live in the server's memory and end after
`review_session_minutes` without a request (or when the account is disabled).
Every form carries the session's CSRF token and a POST without it is refused (403).
Each view of a pair is a row of `<landing>/reviews/access_log.csv` (append-only:
who, which pair, when). The server's own log says only method, route and status:
no names, ids or tokens.
"""

from __future__ import annotations

import csv
import fcntl
import logging
import os
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.base import BaseHTTPMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route
from starlette.templating import Jinja2Templates

from matching.quality import QA, REVIEW_BAND
from matching.review import DECISIONS, append_decisions
from orchestration.lib.warehouse import WarehouseBusy
from orchestration.review import accounts
from orchestration.review.queue import (
    is_qa,
    pair_details,
    read_queue,
    to_do,
    waterfall,
    with_status,
)

log = logging.getLogger("linkages.review")
COOKIE = "linkages_review"
ACCESS_LOG_COLUMNS = [
    "at",
    "reviewer_id",
    "event",
    "report_month",
    "calworks_person_id",
    "cws_client_id",
]
MAX_NOTE = 1000
# wrong passwords for one reviewer id within the window lock it for the window:
# guessing a password becomes a matter of years, a typo costs nothing
MAX_FAILED_SIGN_INS = 5
FAILED_SIGN_IN_WINDOW = 15 * 60.0
# sessions kept in memory at most (sign-in pages opened and left count too)
MAX_SESSIONS = 10_000
TEMPLATES = Jinja2Templates(directory=str(Path(__file__).with_name("templates")))


@dataclass
class Session:
    csrf: str
    last_seen: float
    reviewer_id: str | None = None


@dataclass
class Sessions:
    """Server-side sessions: the cookie holds only a random id."""

    timeout_seconds: float
    clock: Callable[[], float]
    by_id: dict[str, Session] = field(default_factory=dict)

    def new(self, reviewer_id: str | None = None) -> tuple[str, Session]:
        self._prune()
        sid = secrets.token_urlsafe(32)
        session = Session(secrets.token_urlsafe(32), self.clock(), reviewer_id)
        self.by_id[sid] = session
        return sid, session

    def get(self, sid: str | None) -> tuple[Session | None, bool]:
        """(the live session, whether one had expired)."""
        session = self.by_id.get(sid or "")
        if session is None:
            return None, False
        if self.clock() - session.last_seen > self.timeout_seconds:
            del self.by_id[sid]
            return None, session.reviewer_id is not None
        session.last_seen = self.clock()
        return session, False

    def end(self, sid: str | None) -> None:
        self.by_id.pop(sid or "", None)

    def _prune(self) -> None:
        now = self.clock()
        for sid, s in list(self.by_id.items()):
            if now - s.last_seen > self.timeout_seconds:
                del self.by_id[sid]
        while len(self.by_id) >= MAX_SESSIONS:
            self.by_id.pop(next(iter(self.by_id)))


def append_access(path: Path, rows: list[dict]) -> None:
    """Add rows to the access log, never rewriting it (locked like decisions.csv)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    # owner-only from the start: it says who looked at whose records
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    with os.fdopen(fd, "a", newline="", encoding="utf-8") as out:
        fcntl.flock(out, fcntl.LOCK_EX)
        out.seek(0, 2)
        writer = csv.DictWriter(out, ACCESS_LOG_COLUMNS)
        if out.tell() == 0:
            writer.writeheader()
        writer.writerows(rows)


def _clean_note(text: str) -> str:
    """Free text as typed, without control characters, at most MAX_NOTE long."""
    kept = "".join(ch for ch in text if ch in "\n\t" or ch.isprintable())
    return kept.strip()[:MAX_NOTE]


def create_app(config, clock: Callable[[], float] = time.time) -> Starlette:
    """The application over `config`'s warehouse and landing folder; `clock` is
    injectable so a test can let a session expire without waiting."""
    reviews = Path(config.landing_dir) / "reviews"
    reviewers = accounts.reviewers_path(Path(config.landing_dir))
    access_log = reviews / "access_log.csv"
    decisions = reviews / "decisions.csv"
    sessions = Sessions(config.review_session_minutes * 60.0, clock)
    failures: dict[str, list[float]] = {}

    def locked(reviewer_id: str) -> bool:
        recent = [
            t
            for t in failures.get(reviewer_id, [])
            if clock() - t < FAILED_SIGN_IN_WINDOW
        ]
        if recent:
            failures[reviewer_id] = recent
        else:  # nothing recent: forget the id, so typed ids do not pile up
            failures.pop(reviewer_id, None)
        return len(recent) >= MAX_FAILED_SIGN_INS

    def stamp() -> str:
        return datetime.fromtimestamp(clock(), UTC).isoformat(timespec="seconds")

    def page(request, name, context, status=200, session=None, sid=None):
        nonce = secrets.token_urlsafe(16)
        response = TEMPLATES.TemplateResponse(
            request,
            name,
            {**context, "csrf": session.csrf if session else "", "nonce": nonce},
            status_code=status,
        )
        response.headers["Content-Security-Policy"] = (
            "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; "
            f"script-src 'nonce-{nonce}'; form-action 'self'; frame-ancestors 'none'"
        )
        if sid:
            _set_cookie(response, sid)
        return response

    def sign_in_page(request, message="", status=401):
        """The sign-in form, under a fresh anonymous session (its CSRF token)."""
        sid, session = sessions.new()
        return page(request, "signin.html", {"message": message}, status, session, sid)

    def reviewer(request) -> tuple[Session | None, str]:
        """The signed-in session, or None and why not."""
        session, expired = sessions.get(request.cookies.get(COOKIE))
        if session is None or session.reviewer_id is None:
            return None, "Your session has ended: sign in again." if expired else ""
        if not accounts.is_active(reviewers, session.reviewer_id):
            sessions.end(request.cookies.get(COOKIE))
            return None, "This account is disabled."
        return session, ""

    async def csrf_ok(request, session: Session | None) -> tuple[bool, dict]:
        form = dict(await request.form())
        sent = str(form.get("csrf", ""))
        return bool(
            session and sent and secrets.compare_digest(sent, session.csrf)
        ), form

    def signed_in(handler):
        """Every page but the sign-in page: 401 with the sign-in form otherwise;
        a POST must carry the session's CSRF token."""

        async def wrapped(request: Request) -> Response:
            session, why = reviewer(request)
            if session is None:
                return sign_in_page(request, why)
            form = {}
            if request.method == "POST":
                ok, form = await csrf_ok(request, session)
                if not ok:
                    return HTMLResponse(
                        "Refused: this form was not sent from its page (no or wrong "
                        "security token). Reload the page and try again.",
                        status_code=403,
                    )
            try:
                return await handler(request, session, form)
            except WarehouseBusy:
                return HTMLResponse(
                    "The pipeline is writing the warehouse: try again in a minute.",
                    status_code=503,
                )

        return wrapped

    async def signin_get(request: Request) -> Response:
        session, _ = reviewer(request)
        if session is not None:
            return RedirectResponse("/", status_code=303)
        return sign_in_page(request, status=200)

    async def signin_post(request: Request) -> Response:
        sid = request.cookies.get(COOKIE)
        session, _ = sessions.get(sid)
        ok, form = await csrf_ok(request, session)
        if not ok:
            return sign_in_page(request, "The sign-in form had expired: try again.")
        reviewer_id = str(form.get("reviewer_id", "")).strip()[:40]
        if locked(reviewer_id):
            return sign_in_page(
                request, "Too many wrong passwords: try again in 15 minutes."
            )
        if not accounts.verify(reviewers, reviewer_id, str(form.get("password", ""))):
            failures.setdefault(reviewer_id, []).append(clock())
            known = accounts.is_active(reviewers, reviewer_id)
            append_access(
                access_log,
                [_event(stamp(), reviewer_id if known else "", "SIGN_IN_REFUSED")],
            )
            return sign_in_page(request, "Wrong reviewer id or password.")
        sessions.end(sid)  # a new id once signed in: a planted cookie gains nothing
        new_sid, _ = sessions.new(reviewer_id)
        append_access(access_log, [_event(stamp(), reviewer_id, "SIGN_IN")])
        response = RedirectResponse("/", status_code=303)
        _set_cookie(response, new_sid)
        return response

    @signed_in
    async def signout(request, session, form) -> Response:
        sessions.end(request.cookies.get(COOKIE))
        append_access(access_log, [_event(stamp(), session.reviewer_id, "SIGN_OUT")])
        response = RedirectResponse("/signin", status_code=303)
        response.delete_cookie(COOKIE)
        return response

    def current_queue() -> tuple[str | None, pd.DataFrame]:
        month, queue = read_queue(config)
        if queue.empty:
            return month, queue
        return month, with_status(queue, decisions)

    @signed_in
    async def home(request, session, form) -> Response:
        month, queue = current_queue()
        left = to_do(queue) if len(queue) else queue
        rows = [
            {
                "token": row.token,
                "position": i + 1,
                "kind": "Quality check" if row.sample == QA else "Review",
                "changes_a_list": bool(row.changes_a_list),
                "score": "" if row.sample == QA else f"{row.match_probability:.3f}",
                "status": "unsure before" if row.unsure else "new",
            }
            for i, row in enumerate(left.itertuples())
        ]
        return page(
            request,
            "queue.html",
            {
                "month": month,
                "reviewer": session.reviewer_id,
                "rows": rows,
                "total": len(queue),
                "done": int(queue["done"].sum()) if len(queue) else 0,
            },
            session=session,
        )

    @signed_in
    async def next_pair(request, session, form) -> Response:
        _, queue = current_queue()
        left = to_do(queue) if len(queue) else queue
        target = f"/pair/{left.iloc[0]['token']}" if len(left) else "/"
        return RedirectResponse(target, status_code=303)

    def find(queue: pd.DataFrame, token: str) -> dict | None:
        hit = queue.loc[queue["token"] == token] if len(queue) else queue
        return hit.iloc[0].to_dict() if len(hit) else None

    @signed_in
    async def pair_get(request, session, form) -> Response:
        month, queue = current_queue()
        pair = find(queue, request.path_params["token"])
        if pair is None:
            return HTMLResponse("No such pair in this month's queue.", status_code=404)
        append_access(
            access_log,
            [
                _event(
                    stamp(),
                    session.reviewer_id,
                    "VIEW",
                    month,
                    pair["calworks_person_id"],
                    pair["cws_client_id"],
                )
            ],
        )
        left = to_do(queue)
        position = (
            list(left["token"]).index(pair["token"]) + 1 if not pair["done"] else None
        )
        blind = is_qa(pair)
        return page(
            request,
            "pair.html",
            {
                "month": month,
                "reviewer": session.reviewer_id,
                "pair": pair,
                "blind": blind,
                "score": None if blind else f"{pair['match_probability']:.3f}",
                # at or above the threshold yet in review: the relatives' guard held it
                "held": not blind
                and pair["match_probability"] >= config.auto_match_threshold,
                "position": position,
                "left": len(left),
                "waterfall": None if blind else waterfall(pair, config.model_path),
                **pair_details(config, month, pair),
            },
            session=session,
        )

    @signed_in
    async def pair_post(request, session, form) -> Response:
        month, queue = current_queue()
        pair = find(queue, request.path_params["token"])
        decision = str(form.get("decision", "")).upper()
        if pair is None or decision not in DECISIONS:
            return HTMLResponse(
                "Refused: no such pair, or the decision is not MATCH, NON_MATCH or UNSURE.",
                status_code=400,
            )
        append_decisions(
            pd.DataFrame(
                [
                    {
                        "calworks_person_id": pair["calworks_person_id"],
                        "cws_client_id": pair["cws_client_id"],
                        "decision": decision,
                        "reviewer_id": session.reviewer_id,
                        "decided_at": stamp(),
                        "note": _clean_note(str(form.get("note", ""))) or None,
                        "sample": QA if is_qa(pair) else REVIEW_BAND,
                    }
                ]
            ),
            decisions,
        )
        return RedirectResponse("/next", status_code=303)

    routes = [
        Route("/signin", signin_get, methods=["GET"]),
        Route("/signin", signin_post, methods=["POST"]),
        Route("/signout", signout, methods=["POST"]),
        Route("/", home, methods=["GET"]),
        Route("/next", next_pair, methods=["GET"]),
        Route("/pair/{token}", pair_get, methods=["GET"]),
        Route("/pair/{token}", pair_post, methods=["POST"]),
    ]

    async def headers_and_log(request: Request, call_next):
        response = await call_next(request)
        response.headers["Cache-Control"] = "no-store"
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        route = request.scope.get("route")
        # the route's pattern, never the path: a token or value stays out of the log
        log.info(
            "%s %s %s",
            request.method,
            route.path if route else "-",
            response.status_code,
        )
        return response

    return Starlette(
        routes=routes,
        middleware=[Middleware(BaseHTTPMiddleware, dispatch=headers_and_log)],
    )


def _event(at, reviewer_id, event, month="", calworks="", cws="") -> dict:
    return dict(
        zip(
            ACCESS_LOG_COLUMNS,
            [at, reviewer_id, event, month, calworks, cws],
            strict=True,
        )
    )


def _set_cookie(response: Response, sid: str) -> None:
    # HttpOnly: no script reads it; SameSite=Strict: no other site's page sends it
    response.set_cookie(COOKIE, sid, httponly=True, samesite="strict", path="/")


def serve(config, host: str = "127.0.0.1", port: int = 8050) -> None:
    import uvicorn

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    print(f"review page: http://{host}:{port}  (Ctrl+C stops it)", flush=True)
    # uvicorn's access log would print every path: ours prints route patterns only
    uvicorn.run(
        create_app(config), host=host, port=port, access_log=False, log_level="warning"
    )
