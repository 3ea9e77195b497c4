"""Named reviewer accounts (WIC 10850: designated staff only).

`<landing>/reviews/reviewers.json`, owner-only: each reviewer's id, argon2id
password hash, whether the account is active, and when it was added or disabled.
An account is disabled, never deleted, so the decisions and access log keep
naming a known reviewer.
"""

from __future__ import annotations

import json
import os
import re
from datetime import UTC, datetime
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

# a password a county would accept for access to case records
MIN_PASSWORD_LENGTH = 12
REVIEWER_ID = re.compile(r"^[A-Za-z0-9_.-]{2,40}$")
_hasher = PasswordHasher()
# compared against when the id is unknown, so a wrong id takes as long as a wrong password
_DUMMY_HASH = _hasher.hash("no such reviewer, no such password")


class AccountError(ValueError):
    """A reviewer account that cannot be added or changed: one line saying why."""


def reviewers_path(landing: Path) -> Path:
    return Path(landing) / "reviews" / "reviewers.json"


def _read(path: Path) -> dict:
    if not path.is_file():
        return {}
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError):
        raise AccountError(f"{path}: not a reviewers file (not JSON)") from None


def _write(path: Path, accounts: dict) -> None:
    """Replace the file whole through a temporary one, owner-only (0600)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        json.dump(accounts, out, indent=2, sort_keys=True)
    os.replace(tmp, path)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def add_reviewer(path: Path, reviewer_id: str, password: str) -> None:
    """A new account, or a new password for an existing one (which is re-enabled)."""
    if not REVIEWER_ID.match(reviewer_id):
        raise AccountError(
            "reviewer id: 2-40 letters, digits, '.', '_' or '-' (e.g. RV001)"
        )
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"password: at least {MIN_PASSWORD_LENGTH} characters")
    accounts = _read(path)
    accounts[reviewer_id] = {
        "password_hash": _hasher.hash(password),
        "active": True,
        "added_at": accounts.get(reviewer_id, {}).get("added_at", _now()),
        "changed_at": _now(),
    }
    _write(path, accounts)


def disable_reviewer(path: Path, reviewer_id: str) -> None:
    accounts = _read(path)
    if reviewer_id not in accounts:
        raise AccountError(f"{path}: no reviewer {reviewer_id!r}")
    accounts[reviewer_id].update(active=False, changed_at=_now())
    _write(path, accounts)


def is_active(path: Path, reviewer_id: str) -> bool:
    return bool(_read(path).get(reviewer_id, {}).get("active"))


def verify(path: Path, reviewer_id: str, password: str) -> bool:
    """True for an active account whose password this is."""
    account = _read(path).get(reviewer_id)
    stored = account["password_hash"] if account else _DUMMY_HASH
    try:
        ok = _hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        ok = False
    return ok and bool(account and account.get("active"))
