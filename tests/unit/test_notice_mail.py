"""The daily route's office inbox notice (orchestration/defs/delivery/mail.py) against
a real SMTP server started here (aiosmtpd): who gets what, STARTTLS and login, and
what a rerun sends."""

import ssl
from pathlib import Path

import pandas as pd

from orchestration.defs.delivery.mail import Notice, send, unsent
from orchestration.lib.config import PipelineConfig
from tests.smtp_server import self_signed, smtp_server

DAY = "2026-10-05"


def _notice(office: str, families: int, sha: str = "abc") -> Notice:
    folder = Path("/exports/daily") / DAY / office
    return Notice(office, DAY, families, folder / "new_mutual_families.csv", sha)


def _config(port: int, **values) -> PipelineConfig:
    defaults = {
        "smtp_security": "none",
        "smtp_sender": "linkages@county.example",
        "office_mail": {
            "19": "office19@county.example",
            "20": "office20@county.example",
        },
    }
    return PipelineConfig(
        smtp_host="127.0.0.1", smtp_port=port, **{**defaults, **values}
    )


def test_each_office_with_an_address_gets_one_message_with_its_count_and_folder():
    with smtp_server() as (inbox, port):
        sent, missing = send(
            _config(port), [_notice("19", 3), _notice("20", 1), _notice("31", 2)]
        )
    assert [n.office_code for n in sent] == ["19", "20"]
    assert missing == ["31"]  # no address: its files are there, no message
    by_to = {m["To"]: m for m in inbox.messages}
    assert set(by_to) == {"office19@county.example", "office20@county.example"}
    first = by_to["office19@county.example"]
    assert first["From"] == "linkages@county.example"
    assert (
        first["Subject"]
        == "Linkages: 3 new mutual families for office 19 on 2026-10-05"
    )
    body = first.get_payload(decode=True).decode()
    assert "/exports/daily/2026-10-05/19/ as new_mutual_families.xlsx" in body
    assert by_to["office20@county.example"]["Subject"].startswith(
        "Linkages: 1 new mutual family for office 20"
    )


def test_no_address_for_any_office_means_no_connection():
    # port 9 (discard) has no server: connecting would raise
    sent, missing = send(_config(9, office_mail={}), [_notice("19", 3)])
    assert (sent, missing) == ([], ["19"])


def test_starttls_and_login(tmp_path, monkeypatch):
    cert, key = self_signed(tmp_path)
    server_tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_tls.load_cert_chain(cert, key)
    monkeypatch.setenv("LINKAGES_SMTP_PASSWORD", "s3cret")
    with smtp_server(server_tls, login=("pipeline", "s3cret")) as (inbox, port):
        config = _config(
            port, smtp_security="starttls", smtp_ca_file=str(cert), smtp_user="pipeline"
        )
        sent, _ = send(config, [_notice("19", 2)])
    assert len(sent) == 1 and len(inbox.messages) == 1


def test_a_rerun_mails_only_the_offices_whose_file_changed():
    log = pd.DataFrame(
        {
            "office_code": ["19", "20"],
            "as_of_date": [DAY, DAY],
            "sha256": ["abc", "abc"],
        }
    )
    today = [_notice("19", 3, "abc"), _notice("20", 4, "changed"), _notice("31", 1)]
    assert [n.office_code for n in unsent(today, log)] == ["20", "31"]
