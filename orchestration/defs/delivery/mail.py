"""The office inbox notice of the daily route (#19): one message per office with new
mutual families that day, saying how many and where the file is.

A mail leaves the secured share, so it carries only counts, the office code, the day
and the folder: never a name, an id or a date of birth. No SMTP host configured: no
mail, no error. Each message sent is logged in audit.mail_log (office, day, the
file's SHA-256), and a rerun of the day does not mail an office again for the same
file: only when the file changed.
"""

from __future__ import annotations

import os
import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path

import pandas as pd

from orchestration.defs.delivery.export import ExportedFile

MAIL_LOG = "audit.mail_log"
PASSWORD_ENV = "LINKAGES_SMTP_PASSWORD"


@dataclass(frozen=True)
class Notice:
    office_code: str
    day: str
    families: int
    csv: Path
    sha256: str


def notices(
    files: list[ExportedFile], families: dict[str, int], day: str
) -> list[Notice]:
    """One notice per office that got a file that day (its CSV stands for the pair)."""
    return [
        Notice(f.office_code, day, families[f.office_code], f.path, f.sha256)
        for f in files
        if f.path.suffix == ".csv"
    ]


def message(notice: Notice, sender: str, to: str) -> EmailMessage:
    """The message: counts and the folder only (module docstring)."""
    n = notice.families
    what = "1 new mutual family" if n == 1 else f"{n} new mutual families"
    mail = EmailMessage()
    mail["From"] = sender
    mail["To"] = to
    mail["Subject"] = (
        f"Linkages: {what} for office {notice.office_code} on {notice.day}"
    )
    mail.set_content(
        f"{what.capitalize()} for office {notice.office_code} on {notice.day}: families "
        "now served by both CalWORKs and Child Welfare Services, for a coordinated "
        "case plan.\n\n"
        f"The list is in {notice.csv.parent}/ as {notice.csv.stem}.xlsx and "
        f"{notice.csv.name}. Open it from the secured share; this message holds no "
        "names or case details.\n"
    )
    return mail


def unsent(notices: list[Notice], sent: pd.DataFrame) -> list[Notice]:
    """The notices not yet mailed for the same file (`sent`: the mail log's office_code,
    as_of_date, sha256)."""
    done = set(
        zip(sent["office_code"], sent["as_of_date"], sent["sha256"], strict=True)
    )
    return [n for n in notices if (n.office_code, n.day, n.sha256) not in done]


def send(config, outgoing: list[Notice]) -> tuple[list[Notice], list[str]]:
    """Mail each notice whose office has an address; the ones sent, and the offices
    with no address configured (their files are written all the same)."""
    addressed = [n for n in outgoing if config.office_mail.get(n.office_code)]
    missing = sorted(
        {n.office_code for n in outgoing} - {n.office_code for n in addressed}
    )
    if addressed:
        with _connect(config) as smtp:
            for n in addressed:
                smtp.send_message(
                    message(n, config.smtp_sender, config.office_mail[n.office_code])
                )
    return addressed, missing


def _connect(config) -> smtplib.SMTP:
    context = ssl.create_default_context(cafile=config.smtp_ca_file or None)
    if config.smtp_security == "ssl":
        smtp = smtplib.SMTP_SSL(
            config.smtp_host, config.smtp_port, context=context, timeout=30
        )
    else:
        smtp = smtplib.SMTP(config.smtp_host, config.smtp_port, timeout=30)
        if config.smtp_security == "starttls":
            smtp.starttls(context=context)
    if config.smtp_user:
        # the password only from the environment, never from a configuration file
        smtp.login(config.smtp_user, os.environ.get(PASSWORD_ENV, ""))
    return smtp


def log_rows(run_id: str, sent: list[Notice]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "run_id": run_id,
            "office_code": [n.office_code for n in sent],
            "as_of_date": [n.day for n in sent],
            "families": [n.families for n in sent],
            "sha256": [n.sha256 for n in sent],
            "sent_at": pd.Timestamp.now(tz="UTC").tz_localize(None),
        }
    )
