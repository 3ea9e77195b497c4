"""Keyed pseudonyms: where an identifier must be shown outside the lists (asset
metadata previews, analyst marts), it is an HMAC-SHA256 of the id under a
secret kept outside the repository — stable for joins, useless without the key."""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import secrets
from functools import lru_cache
from pathlib import Path

import duckdb
import pyarrow as pa

SECRET_ENV = "LINKAGES_HASH_SECRET"
SECRET_FILE_ENV = "LINKAGES_HASH_SECRET_FILE"
DEFAULT_SECRET_FILE = Path.home() / ".config" / "linkages" / "hash_secret"


@lru_cache(maxsize=4)
def _secret(from_env: str | None, file: str) -> bytes:
    if from_env:
        return from_env.encode()
    path = Path(file)
    if not path.exists():  # first run on this machine (the demo): make one, owner-only
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as out:
            out.write(secrets.token_hex(32))
    return path.read_text().strip().encode()


def hash_secret() -> bytes:
    return _secret(
        os.environ.get(SECRET_ENV),
        os.environ.get(SECRET_FILE_ENV, str(DEFAULT_SECRET_FILE)),
    )


# hex characters of the HMAC kept: 64 bits (two of a state month's 1.5 million
# keys share a pseudonym with odds of about one in 16 million)
PSEUDONYM_WIDTH = 16


def pseudonym(value: object) -> str:
    """PSEUDONYM_WIDTH hex characters standing for `value`."""
    mac = hmac.new(hash_secret(), str(value).encode(), hashlib.sha256)
    return mac.hexdigest()[:PSEUDONYM_WIDTH]


def keyed_hashes(values) -> list[str]:
    """pseudonym() of each value (strings), all at once: HMAC-SHA256 as RFC 2104
    spells it, sha256(key ^ opad || sha256(key ^ ipad || value)), over DuckDB's
    vectorized sha256 (a state month's 1.4 million person keys: about 1 s, where
    Python's hmac, one value at a time, took 4 s)."""
    key = hash_secret()
    block = hashlib.sha256().block_size
    if len(key) > block:  # as hmac does: a long key is hashed first
        key = hashlib.sha256(key).digest()
    key = key.ljust(block, b"\0")
    inner = bytes(b ^ 0x36 for b in key)
    outer = bytes(b ^ 0x5C for b in key)
    strings = pa.table({"value": pa.array(values, type=pa.string())})
    with duckdb.connect() as con:
        con.register("strings", strings)
        hashed = con.execute(
            "select left(sha256($outer || unhex(sha256($inner || encode(value)))),"
            " $width) as h from strings",
            {"inner": inner, "outer": outer, "width": PSEUDONYM_WIDTH},
        ).fetchnumpy()["h"]
    return hashed.tolist()


# The contract's columns that name or identify a person (CONTRACT.md §2-3):
# names, birth dates, SSNs and the Medi-Cal number, record ids, address, phone
PERSONAL_FIELDS = (
    "first_name",
    "middle_name",
    "last_name",
    "date_of_birth",
    "birth_date",
    "ssn",
    "cin",
    "person_id",
    "client_id",
    "victim_client_id",
    "perpetrator_client_id",
    "focus_child_client_id",
    "address_line1",
    "phone",
)
# The same fields as sources and models spell them (calworks_person_id,
# cws_client_id, first_name_std, ...). A column matching it never reaches an
# analyst's table; person_hash and the case numbers (how families are known
# there, docs/security.md) do not match.
# list_name (rpt_list_false_links) names a list, not a person.
PERSONAL_COLUMN = re.compile(
    r"(?<!list_)name|ssn|birth|dob|person_id|client_id|record_id|person_key|address"
    r"|phone|(^|_)cin$"
)


def personal_columns(columns) -> list[str]:
    """The columns among `columns` that hold personal data, by name."""
    return [c for c in columns if PERSONAL_COLUMN.search(c.lower())]
