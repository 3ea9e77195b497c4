"""The month's lists as files for the offices that act on them.

    <exports>/<YYYY-MM>/<office>/<list>.csv and .xlsx     one pair per list and office
    <exports>/<YYYY-MM>/manifest.json                     rows and SHA-256 of every file

The rows -- only what coordination needs: names, birth dates, both case numbers,
both assigned workers, office, list, reason, a confidence band; never allegation
details -- are dbt's (exports.office_list_rows); this module only writes them. The
same month gives byte-identical files (the XLSX zip is written with fixed
timestamps), so a rerun can be verified against the manifest.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd
from openpyxl import Workbook

from orchestration.lib.dbt_project import MATCH_LISTS

EXPORT_COLUMNS = [
    "list",
    "report_month",
    "office_code",
    "calworks_case_number",
    "calworks_worker_id",
    "calworks_person_id",
    "first_name",
    "last_name",
    "date_of_birth",
    "cws_case_id",
    "cws_worker_id",
    "cws_office_code",
    "cws_client_id",
    "cws_first_name",
    "cws_last_name",
    "cws_birth_date",
    "plan_type",
    "reason",
    "confidence",
]
FIXED_ZIP_TIME = (1980, 1, 1, 0, 0, 0)

# the rows, built by dbt (dbt_project/models/reporting/exports/office_list_rows.sql)
OFFICE_LIST_ROWS = "exports.office_list_rows"
FILE_ORDER = (
    "office_code, calworks_case_number, calworks_person_id, cws_case_id nulls first,"
    " cws_client_id"
)


@dataclass
class ExportedFile:
    path: Path
    list_name: str
    office_code: str
    rows: int
    sha256: str


def audit_rows(run_id: str, files: list[ExportedFile]) -> pd.DataFrame:
    """One audit.export_log row per file written: what, for which office, by which run, when."""
    return pd.DataFrame(
        {
            "run_id": run_id,
            "office_code": [f.office_code for f in files],
            "list": [f.list_name for f in files],
            "file": [str(f.path) for f in files],
            "sha256": [f.sha256 for f in files],
            "rows": [f.rows for f in files],
            "written_at": pd.Timestamp.now(tz="UTC").tz_localize(None),
        }
    )


def list_rows(con: duckdb.DuckDBPyConnection, table: str, month: str) -> pd.DataFrame:
    """The month's rows of one list, in file order."""
    return con.execute(
        f"select {', '.join(EXPORT_COLUMNS)} from {OFFICE_LIST_ROWS}"
        f" where report_month = $m and list_name = $list order by {FILE_ORDER}",
        {"m": month, "list": table},
    ).df()


def _xlsx_bytes(frame: pd.DataFrame, title: str) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = title[:31]
    ws.append(list(frame.columns))
    for row in frame.astype(object).where(frame.notna(), None).itertuples(index=False):
        ws.append(list(row))
    ws.freeze_panes = "A2"
    wb.properties.creator = "linkages"
    # fixed document dates and zip entry times: the same month, the same bytes
    fixed = pd.Timestamp("2000-01-01").to_pydatetime()
    wb.properties.created = wb.properties.modified = fixed
    raw = io.BytesIO()
    wb.save(raw)
    out = io.BytesIO()
    with (
        zipfile.ZipFile(raw) as src,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst,
    ):
        for item in sorted(src.infolist(), key=lambda i: i.filename):
            info = zipfile.ZipInfo(item.filename, date_time=FIXED_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o600 << 16
            data = src.read(item.filename)
            if (
                item.filename == "docProps/core.xml"
            ):  # openpyxl stamps the save time here
                data = re.sub(
                    rb"(<dcterms:modified[^>]*>)[^<]*",
                    rb"\g<1>2000-01-01T00:00:00Z",
                    data,
                )
            dst.writestr(info, data)
    return out.getvalue()


def _write_private(path: Path, data: bytes) -> str:
    """Write owner-only; return the SHA-256 of what was written."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
    os.chmod(path, 0o600)
    return hashlib.sha256(data).hexdigest()


def _replace_folder(folder: Path) -> None:
    """A rerun replaces the folder's files: nothing stale stays."""
    if folder.exists():
        for old in sorted(folder.rglob("*"), reverse=True):
            old.unlink() if old.is_file() else old.rmdir()


def _office_files(
    folder: Path, name: str, title: str, rows: pd.DataFrame
) -> list[ExportedFile]:
    """`rows` as <folder>/<office>/<name>.csv and .xlsx, one pair per office."""
    files = []
    for office, part in rows.groupby("office_code", sort=True):
        csv = part.to_csv(index=False, lineterminator="\n").encode("utf-8")
        for suffix, data in ((".csv", csv), (".xlsx", _xlsx_bytes(part, title))):
            path = folder / str(office) / f"{name}{suffix}"
            files.append(
                ExportedFile(
                    path, name, str(office), len(part), _write_private(path, data)
                )
            )
    return files


def _write_manifest(folder: Path, period: dict, files: list[ExportedFile]) -> None:
    manifest = {
        **period,
        "files": [
            {
                "file": f.path.relative_to(folder).as_posix(),
                "list": f.list_name,
                "office_code": f.office_code,
                "rows": f.rows,
                "sha256": f.sha256,
            }
            for f in files
        ],
    }
    _write_private(
        folder / "manifest.json", json.dumps(manifest, indent=2).encode() + b"\n"
    )
    os.chmod(folder, 0o700)


def export_month(
    con: duckdb.DuckDBPyConnection, month: str, exports_dir: Path
) -> list[ExportedFile]:
    folder = Path(exports_dir) / month
    _replace_folder(folder)
    files: list[ExportedFile] = []
    for table in MATCH_LISTS:
        files += _office_files(
            folder, table, MATCH_LISTS[table], list_rows(con, table, month)
        )
    _write_manifest(folder, {"report_month": month}, files)
    return files


# the daily route's notices (dbt_project/models/daily/daily_notice_rows.sql)
NOTICE_ROWS = "exports.daily_notice_rows"
NOTICE_FILE = "new_mutual_families"
NOTICE_COLUMNS = ["as_of_date", "event", "referral_id", *EXPORT_COLUMNS]


def export_notices(
    con: duckdb.DuckDBPyConnection, day: str, exports_dir: Path
) -> list[ExportedFile]:
    """The day's newly mutual families, per office, beside the monthly exports:
    <exports>/daily/<day>/<office>/new_mutual_families.csv and .xlsx (an office
    with no new family that day gets no file), and the day's manifest."""
    folder = Path(exports_dir) / "daily" / day
    _replace_folder(folder)
    rows = con.execute(
        f"select {', '.join(NOTICE_COLUMNS)} from {NOTICE_ROWS}"
        f" where as_of_date = cast($day as date) order by event, {FILE_ORDER}, list",
        {"day": day},
    ).df()
    rows["as_of_date"] = rows["as_of_date"].astype(str)
    files = _office_files(folder, NOTICE_FILE, "New mutual families", rows)
    _write_manifest(folder, {"as_of_date": day}, files)
    return files


def notice_families(con: duckdb.DuckDBPyConnection, day: str) -> dict[str, int]:
    """How many newly mutual families each office has on the day (a family: its
    CalWORKs case with its CWS case or referral, however many rows it takes)."""
    rows = con.execute(
        "select cast(office_code as varchar), count(distinct (calworks_case_number,"
        f" cws_case_id, referral_id)) from {NOTICE_ROWS}"
        " where as_of_date = cast($day as date) group by all",
        {"day": day},
    ).fetchall()
    return dict(rows)


def manifest_files(folder: Path) -> list[ExportedFile]:
    """The files a manifest lists, as they were written."""
    manifest = json.loads((Path(folder) / "manifest.json").read_text())
    return [
        ExportedFile(
            Path(folder) / f["file"],
            f["list"],
            f["office_code"],
            f["rows"],
            f["sha256"],
        )
        for f in manifest["files"]
    ]
