"""What has landed: month folders, and whether a month's extracts are complete and settled."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from contract import SOURCE_FILES

MONTH_DIR = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


DAY_DIR = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _folders(root: Path, name: re.Pattern) -> list[str]:
    """The folders under `root` whose names match, oldest (smallest) first."""
    if not root.is_dir():
        return []
    return sorted(p.name for p in root.iterdir() if p.is_dir() and name.match(p.name))


def landed_months(landing_dir: str | Path) -> list[str]:
    """The YYYY-MM folders under the landing folder, oldest first."""
    return _folders(Path(landing_dir), MONTH_DIR)


def landed_days(landing_dir: str | Path) -> list[str]:
    """The YYYY-MM-DD folders under <landing>/daily/ (contract v2), oldest first."""
    return _folders(Path(landing_dir) / "daily", DAY_DIR)


def source_path(month_dir: Path, name: str) -> Path | None:
    """A source file of the month, as CSV or Parquet; None when neither is there."""
    for suffix in (".csv", ".parquet"):
        if (month_dir / f"{name}{suffix}").is_file():
            return month_dir / f"{name}{suffix}"
    return None


def month_fingerprint(month_dir: Path, now: float, settle_seconds: float) -> str | None:
    """A digest of the month's files (names, sizes, modification times), or None
    while a required file is missing or one was written less than
    `settle_seconds` ago — an extract still being copied is not run."""
    parts = []
    for spec in SOURCE_FILES:
        path = source_path(month_dir, spec.name)
        if path is None and spec.optional:
            continue  # absent = no data, not an extract still to come
        if path is None:
            return None
        stat = path.stat()
        if now - stat.st_mtime < settle_seconds:
            return None
        parts.append(f"{path.name}:{stat.st_size}:{stat.st_mtime_ns}")
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def last_change(month_dir: Path) -> float:
    """When a file of the month was last written (seconds since the epoch)."""
    return max(
        (p.stat().st_mtime for p in month_dir.iterdir() if p.is_file()), default=0.0
    )
