"""The daily route end to end (contract v2): `linkages run --day A..B` on generated
daily snapshots, into its own warehouse; its notices against the generator's
truth of the day each family became mutual."""

import re
from pathlib import Path
from typing import NamedTuple

import duckdb
import pandas as pd
import pytest

from orchestration.cli import main
from synthetic.generate import generate
from tests.smtp_server import smtp_server

NOTICE = ["calworks_case_number", "cws_case_id", "referral_id", "event"]


@pytest.fixture(scope="module")
def daily_run(tmp_path_factory):
    """Three days: a baseline, the day before a day with true notices, and that day."""
    # a small county has a handful of newly mutual families a month (0-3 on the
    # seeds tried): the first seed whose daily month has one after its 2nd day, so
    # a change to the generator's draws cannot leave the test without its event
    for seed in range(1, 11):
        out = tmp_path_factory.mktemp("daily_route")
        generate(
            out,
            "2026-01",
            3,
            "small",
            seed=seed,
            progress=lambda _: None,
            daily_months=1,
        )
        truth = {
            f.parent.name: pd.read_csv(f, dtype=str)
            for f in sorted((out / "truth" / "daily").glob("*/new_mutual_families.csv"))
        }
        day = next((d for d, t in truth.items() if len(t) and d >= "2026-03-03"), None)
        if day:
            break
    assert day, "no seed of 1-10 gives a day with newly mutual families"
    days = [f"{pd.Timestamp(day) - pd.Timedelta(days=n):%Y-%m-%d}" for n in (2, 1, 0)]
    warehouse = out / "run" / "warehouse.duckdb"
    args = ["run", "--landing", str(out / "landing"), "--warehouse", str(warehouse)]
    offices = pd.read_parquet(
        out / "landing" / "daily" / days[-1] / "calworks_cases.parquet"
    )["office_code"]
    with smtp_server() as (inbox, port), pytest.MonkeyPatch.context() as env:
        # every office an inbox: the office inbox notices go to a real SMTP server
        env.setenv("LINKAGES_SMTP_HOST", "127.0.0.1")
        env.setenv("LINKAGES_SMTP_PORT", str(port))
        env.setenv("LINKAGES_SMTP_SECURITY", "none")
        env.setenv("LINKAGES_SMTP_SENDER", "linkages@county.example")
        env.setenv(
            "LINKAGES_OFFICE_MAIL",
            ",".join(f"{o}=office{o}@county.example" for o in sorted(set(offices))),
        )
        code = main([*args, "--day", f"{days[0]}..{days[-1]}"])
        yield DailyRun(out, warehouse, days, truth, code, args, inbox)


class DailyRun(NamedTuple):
    out: Path
    warehouse: Path
    days: list
    truth: dict
    code: int
    args: list
    inbox: object


def _notices(warehouse, day) -> pd.DataFrame:
    path = warehouse.with_name("daily_warehouse.duckdb")
    with duckdb.connect(str(path), read_only=True) as con:
        rows = con.execute(
            f"select {', '.join(NOTICE)} from daily.daily_new_mutual_families"
            " where as_of_date = ? order by all",
            [day],
        ).df()
    return rows.astype(object).where(rows.notna(), None)


def _truth(truth, day) -> pd.DataFrame:
    rows = truth[day][NOTICE].sort_values(NOTICE, ignore_index=True)
    return rows.astype(object).where(rows.notna(), None)


def test_the_daily_route_runs_and_leaves_the_monthly_warehouse_alone(daily_run):
    out, warehouse, days, _, code, _, _ = daily_run
    assert code == 0
    assert warehouse.with_name("daily_warehouse.duckdb").is_file()
    assert not warehouse.exists()  # the monthly warehouse is never opened


def test_notices_are_the_true_newly_mutual_families_of_each_day(daily_run):
    _, warehouse, days, truth, _, _, _ = daily_run
    assert _notices(warehouse, days[0]).empty  # the route's first day: its baseline
    for day in days[1:]:
        assert _notices(warehouse, day).to_dict("records") == _truth(
            truth, day
        ).to_dict("records"), day
    assert len(_truth(truth, days[-1])) > 0


def _files(warehouse, day) -> dict[str, bytes]:
    folder = warehouse.parent / "exports" / "daily" / day
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_each_office_gets_its_new_families_as_csv_and_xlsx(daily_run):
    _, warehouse, days, _, _, _, _ = daily_run
    files = _files(warehouse, days[-1])
    csvs = [name for name in files if name.endswith("/new_mutual_families.csv")]
    assert csvs and all(n.replace(".csv", ".xlsx") in files for n in csvs)
    folder = warehouse.parent / "exports" / "daily" / days[-1]
    rows = pd.concat(pd.read_csv(folder / n, dtype=str) for n in csvs)
    notices = _notices(warehouse, days[-1])
    assert set(zip(rows["calworks_case_number"], rows["event"], strict=True)) == set(
        zip(notices["calworks_case_number"], notices["event"], strict=True)
    )
    # the office's own rows only, and the manifest lists every file
    for name in csvs:
        office = name.split("/")[0]
        assert set(pd.read_csv(folder / name, dtype=str)["office_code"]) == {office}
    assert "manifest.json" in files


def test_each_office_is_mailed_how_many_families_and_where_never_who(daily_run):
    _, warehouse, days, _, _, _, inbox = daily_run
    expected, personal = {}, set()
    for day in days:
        folder = warehouse.parent / "exports" / "daily" / day
        for csv in sorted(folder.glob("*/new_mutual_families.csv")):
            rows = pd.read_csv(csv, dtype=str)
            family = ["calworks_case_number", "cws_case_id", "referral_id"]
            n = len(rows[family].drop_duplicates())
            expected[(f"office{csv.parent.name}@county.example", day)] = n
            ids = [c for c in rows if c.endswith(("_id", "_number", "_name"))]
            dates = ["date_of_birth", "cws_birth_date"]
            personal |= {v for c in ids + dates for v in rows[c].dropna()}
    assert expected  # the last day has notices
    got = {}
    for mail in inbox.messages:
        day = mail["Subject"].rsplit(" ", 1)[-1]
        got[(mail["To"], day)] = int(mail["Subject"].split()[1])
        assert f"/exports/daily/{day}/" in mail.get_payload(decode=True).decode()
    assert got == expected
    words = set(re.findall(r"[\w'-]+", b"\n".join(inbox.raw).decode()))
    leaked = sorted(personal & words)
    assert leaked == [], f"{len(leaked)} personal values in the messages"


def test_a_day_run_again_gives_the_same_notices_and_files(daily_run):
    _, warehouse, days, _, _, args, inbox = daily_run
    before, files = _notices(warehouse, days[-1]), _files(warehouse, days[-1])
    mails = len(inbox.raw)
    assert main([*args, "--day", days[-1]]) == 0
    assert len(inbox.raw) == mails  # the same files: no office is mailed again
    assert _notices(warehouse, days[-1]).equals(before)
    assert _files(warehouse, days[-1]) == files  # byte for byte
    path = warehouse.with_name("daily_warehouse.duckdb")
    with duckdb.connect(str(path), read_only=True) as con:
        audit = con.execute(
            "select run_id, count(*) from audit.export_log where file like ?"
            " group by 1",
            [f"%/daily/{days[-1]}/%"],
        ).fetchall()
    # one audit row per file written, for each of the two runs of the day
    n_files = len(files) - 1  # not the manifest
    assert sorted(n for _, n in audit) == [n_files, n_files]


def test_a_day_must_be_a_real_date(daily_run, capsys):
    _, _, _, _, _, args, _ = daily_run
    with pytest.raises(SystemExit) as exit_info:
        main([*args, "--day", "2026-02-30"])
    assert exit_info.value.code == 2
    assert "not a day or range of days" in capsys.readouterr().err


def test_the_monthly_marts_date_a_noticed_family_on_its_notice_day(daily_run):
    """The month's run after the daily route: raw.daily_notices holds the route's
    notices, and each noticed family is identified on its notice day."""
    out, warehouse, days, _, _, args, _ = daily_run
    month = days[-1][:7]
    assert main([*args, "--month", month]) == 0
    with duckdb.connect(str(warehouse), read_only=True) as con:
        copied = con.execute(
            "select count(*) from raw.daily_notices where report_month = ?", [month]
        ).fetchone()[0]
        history = con.execute(
            "select calworks_case_number, cws_case_id, identified_date, identified_by"
            " from marts.mutual_family_history where report_month = ?",
            [month],
        ).df()
    noticed = pd.concat(_notices(warehouse, day).assign(day=day) for day in days)
    assert copied == len(noticed) > 0
    dated = history.merge(noticed, on=["calworks_case_number", "cws_case_id"])
    # each noticed family on the month's list: dated by its notice (an earlier case
    # review would win: CASE_REVIEW)
    by_notice = dated[dated["identified_by"] == "DAILY_NOTICE"]
    assert len(by_notice) > 0
    assert (by_notice["identified_date"].astype(str) == by_notice["day"]).all()
    assert set(dated["identified_by"]) <= {"DAILY_NOTICE", "CASE_REVIEW"}
    assert set(history["identified_by"]) <= {
        "DAILY_NOTICE",
        "MONTHLY_LIST",
        "CASE_REVIEW",
    }
