"""The same project on PostgreSQL (engine postgres), on a throwaway server started
from Debian's packages: the two small months the DuckDB run lists give the same
lists and byte-identical exports, and the roles `linkages db grant` makes keep
analysts to the tables without personal data -- while they query, a run goes on."""

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import psycopg2
import pytest

from orchestration.lib.privacy import personal_columns
from tests.e2e.conftest import MONTHS
from tests.e2e.test_spark import LIST_MARTS, duckdb_table, same_rows

pytestmark = [pytest.mark.e2e, pytest.mark.postgres]

DATABASE = "linkages"
ANALYST_LOGIN, LISTS_LOGIN = "alice", "lena"  # the county's people, given the roles


def postgres_bin() -> Path:
    """Debian's newest PostgreSQL (make test / .ci/run install it when missing)."""
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    assert found, "PostgreSQL is not installed: apt-get install postgresql"
    return found[-1].parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def pg_port():
    """A PostgreSQL server of its own: a data folder in /tmp owned by `postgres`
    (the server refuses to run as root), on a free local port, trust auth, C
    collation (text sorts as DuckDB's does, so files come out in the same order);
    stopped and removed at the end."""
    as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    home = Path(tempfile.mkdtemp(prefix="linkages-pg-"))
    if as_postgres:
        shutil.chown(home, "postgres")
    data, port, bin_dir = home / "data", free_port(), postgres_bin()
    subprocess.run(
        [*as_postgres, str(bin_dir / "initdb"), "-D", str(data), "-U", "postgres"]
        + ["--auth=trust", "--locale=C", "--encoding=UTF8"],
        check=True,
        capture_output=True,
    )
    options = f"-p {port} -k {home} -c listen_addresses=127.0.0.1 -c fsync=off"
    pg_ctl = [*as_postgres, str(bin_dir / "pg_ctl"), "-D", str(data)]
    subprocess.run(
        [*pg_ctl, "-o", options, "-l", str(home / "log"), "-w", "start"],
        check=True,
        capture_output=True,
    )
    try:
        with admin(port, "postgres", "postgres") as con:
            con.cursor().execute(f"create database {DATABASE}")
        yield port
    finally:
        subprocess.run([*pg_ctl, "-m", "immediate", "stop"], capture_output=True)
        shutil.rmtree(home, ignore_errors=True)


@contextmanager
def admin(port: int, user: str = "postgres", database: str = DATABASE):
    """A connection as `user`, each statement its own transaction; closed after."""
    con = psycopg2.connect(host="127.0.0.1", port=port, user=user, dbname=database)
    con.autocommit = True
    try:
        yield con
    finally:
        con.close()


def linkages(args: list[str], env: dict, **kw) -> subprocess.Popen:
    cmd = [str(Path(sys.executable).with_name("linkages")), *args]
    return subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, text=True, **kw)


@dataclass
class AnalystSession:
    """An analyst querying the reporting tables again and again while a run goes."""

    port: int
    answers: int = 0
    errors: list[str] = field(default_factory=list)
    stop: threading.Event = field(default_factory=threading.Event)

    def run(self):
        with admin(self.port, ANALYST_LOGIN) as con:
            while not self.stop.is_set():
                try:
                    with con.cursor() as cur:
                        cur.execute(
                            "select count(*) from reporting.rpt_list_counts"
                            " join marts.fct_identified_families using (report_month)"
                        )
                        cur.fetchall()
                    self.answers += 1
                except psycopg2.Error as exc:
                    self.errors.append(type(exc).__name__)
                time.sleep(0.2)


@dataclass
class PostgresRun:
    port: int
    root: Path
    seconds: list[float]
    analyst: AnalystSession


@pytest.fixture(scope="module")
def pg_run(generated, pg_port, tmp_path_factory) -> PostgresRun:
    """`linkages db grant`, then `linkages run --engine postgres` month by month
    (own processes); an analyst queries throughout the second month."""
    root = tmp_path_factory.mktemp("pg_run")
    env = {k: v for k, v in os.environ.items() if k != "DAGSTER_HOME"}
    env.update(LINKAGES_PG_HOST="127.0.0.1", LINKAGES_PG_PORT=str(pg_port))
    grant = linkages(["db", "grant", "--admin-user", "postgres"], env)
    assert grant.wait(timeout=120) == 0
    with admin(pg_port) as con, con.cursor() as cur:
        cur.execute(f"create role {ANALYST_LOGIN} login in role linkages_analyst")
        cur.execute(f"create role {LISTS_LOGIN} login in role linkages_lists")
    analyst = AnalystSession(pg_port)
    seconds = []
    for i, month in enumerate(MONTHS):
        args = ["run", "--engine", "postgres", "--landing", str(generated / "landing")]
        args += ["--month", month, "--warehouse", str(root / "warehouse.duckdb")]
        started = time.monotonic()
        proc = linkages(args, env)
        if i == 1:  # the reporting tables exist from the first month on
            thread = threading.Thread(target=analyst.run)
            thread.start()
        out, _ = proc.communicate(timeout=1800)
        seconds.append(time.monotonic() - started)
        if i == 1:
            analyst.stop.set()
            thread.join(timeout=30)
        assert proc.returncode == 0, out[-3000:]
    return PostgresRun(pg_port, root, seconds, analyst)


def pg_table(port: int, schema: str, table: str) -> pd.DataFrame:
    with admin(port) as con, con.cursor() as cur:
        cur.execute(f"select * from {schema}.{table}")
        return pd.DataFrame(cur.fetchall(), columns=[d.name for d in cur.description])


def test_postgres_gives_the_same_lists(pg_run, warehouse):
    listed = 0
    for name in LIST_MARTS:
        expected = duckdb_table(warehouse, "marts", name)
        got = pg_table(pg_run.port, "marts", name)
        columns = sorted(set(expected.columns) - {"match_probability"})
        assert set(got.columns) >= set(columns), name
        a, b = same_rows(expected, got, columns)
        pd.testing.assert_frame_equal(a, b, obj=name)
        listed += len(a)
    assert listed > 50  # the comparison is not of empty lists


def test_postgres_gives_the_same_links(pg_run, warehouse):
    key = ["report_month", "calworks_person_id", "cws_client_id", "link_basis"]
    expected = duckdb_table(warehouse, "linkage", "person_links")
    got = pg_table(pg_run.port, "linkage", "person_links")
    a, b = same_rows(expected, got, key)
    pd.testing.assert_frame_equal(a, b)
    both = expected.merge(got, on=key, suffixes=("_duckdb", "_pg"))
    diff = (both["match_probability_duckdb"] - both["match_probability_pg"]).abs()
    assert len(both) == len(expected) and diff.max() < 1e-9


def test_postgres_exports_are_byte_identical(pg_run, warehouse):
    for month in MONTHS:
        ours = pg_run.root / "exports" / month
        theirs = warehouse.parent / "exports" / month
        files = sorted(p.relative_to(ours) for p in ours.rglob("*") if p.is_file())
        assert len(files) > 3
        assert files == sorted(
            p.relative_to(theirs) for p in theirs.rglob("*") if p.is_file()
        )
        for rel in files:  # CSV, XLSX and the manifest with their SHA-256
            assert (ours / rel).read_bytes() == (theirs / rel).read_bytes(), rel


def tables_and_columns(port: int) -> dict[str, list[str]]:
    """Every table and view the pipeline and dbt made, with its columns."""
    with admin(port) as con, con.cursor() as cur:
        cur.execute(
            "select table_schema || '.' || table_name, column_name"
            " from information_schema.columns where table_schema not in"
            " ('pg_catalog', 'information_schema') order by 1, ordinal_position"
        )
        out: dict[str, list[str]] = {}
        for table, column in cur.fetchall():
            out.setdefault(table, []).append(column)
    return out


def can_read(port: int, login: str, table: str) -> bool | str:
    """True when `login` reads a row of `table`; else the error's first words."""
    with admin(port, login) as con, con.cursor() as cur:
        try:
            cur.execute(f"select * from {table} limit 1")
            cur.fetchall()
            return True
        except psycopg2.errors.InsufficientPrivilege as exc:
            return str(exc).splitlines()[0]


def test_analysts_are_refused_every_table_holding_personal_data(pg_run):
    tables = tables_and_columns(pg_run.port)
    personal = sorted(t for t, cols in tables.items() if personal_columns(cols))
    # names, SSNs, birth dates or record ids: the raw files, the linkage, staging,
    # the lists and the export rows
    for must in (
        "raw.calworks_persons",
        "raw.cws_clients",
        "quarantine.cws_clients",
        "linkage.person_links",
        "linkage.person_keys",
        "linkage.calworks_people",
        "staging.stg_cws__clients",
        "marts.match_list_mutual_cases",
        "exports.office_list_rows",
    ):
        assert must in personal, must
    refused = {t: can_read(pg_run.port, ANALYST_LOGIN, t) for t in personal}
    assert {t: r for t, r in refused.items() if r is True} == {}
    assert all("permission denied" in r for r in refused.values())
    analyst = sorted(
        t for t in tables if t.startswith(("marts.fct_", "reporting.rpt_"))
    )
    assert len(analyst) == 22  # 8 marts.fct_*, 14 reporting.rpt_*
    assert all(can_read(pg_run.port, ANALYST_LOGIN, t) is True for t in analyst)
    # and everything the analysts can read is free of personal columns
    readable = []
    with admin(pg_run.port) as con, con.cursor() as cur:
        for t in tables:
            cur.execute(
                "select has_table_privilege(%s, %s, 'select')", [ANALYST_LOGIN, t]
            )
            if cur.fetchone()[0]:
                readable.append(t)
    assert sorted(readable) == analyst
    assert [t for t in readable if personal_columns(tables[t])] == []


def test_the_lists_role_reads_the_lists_and_not_the_raw_files(pg_run):
    for table in ("marts.match_list_homeless", "exports.office_list_rows"):
        assert can_read(pg_run.port, LISTS_LOGIN, table) is True, table
    for table in ("raw.cws_clients", "linkage.person_pairs", "marts.fct_family_events"):
        assert "permission denied" in can_read(pg_run.port, LISTS_LOGIN, table)


def test_an_analyst_querying_during_a_run_is_answered_every_time(pg_run):
    assert pg_run.analyst.errors == []
    assert pg_run.analyst.answers >= 10  # the queries spanned the run
