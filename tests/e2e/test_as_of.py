"""Every month as of its own date: three months run, then the first rerun, give
the first month exactly what its first run gave (every table of every schema and
every export file), and the later months do not move either."""

import duckdb
import pytest

from tests.conftest import DEMO_MONTHS, DEMO_START
from tests.e2e.test_faults import file_digests, linkages

MONTHS = [
    str(p)
    for p in __import__("pandas").period_range(
        DEMO_START, periods=DEMO_MONTHS, freq="M"
    )
]
FIRST = MONTHS[0]
NOT_COMPARED = (
    "audit",
    "ops",
)  # the audit trail grows with every run; ops records failures


def digests(warehouse, month: str | None = None) -> dict[str, str]:
    """A digest of every table and view: the month's rows where the table has a
    report_month (month None: all months, tables only), else all its rows (code
    tables, and the intermediate views, which show the month last built)."""
    out = {}
    with duckdb.connect(str(warehouse), read_only=True) as con:
        objects = con.execute(
            "select table_schema, table_name, table_type from information_schema.tables "
            f"where table_schema not in {NOT_COMPARED} order by 1, 2"
        ).fetchall()
        for schema, name, kind in objects:
            cols = [r[0] for r in con.execute(f"describe {schema}.{name}").fetchall()]
            if month is None and (kind == "VIEW" or "report_month" not in cols):
                continue
            where = (
                f"report_month = '{month}'"
                if month and "report_month" in cols
                else "true"
            )
            # doubles rounded: a parallel sum may differ in its last bit from run to run
            numeric = ", ".join(
                f'round("{c}", 9)' if t in ("DOUBLE", "FLOAT") else f'"{c}"'
                for c, t, *_ in con.execute(f"describe {schema}.{name}").fetchall()
            )
            out[f"{schema}.{name}"] = con.execute(
                f"select count(*), coalesce(sum(hash(r)), 0) from (select {numeric} from {schema}.{name} "
                f"where {where}) as r"
            ).fetchall()[0]
    return out


@pytest.fixture(scope="module")
def runs(generated, tmp_path_factory):
    """The first month alone (its first result), then the other two, then the first again."""
    warehouse = tmp_path_factory.mktemp("as_of") / "warehouse.duckdb"
    exports = warehouse.parent / "exports"
    landing = generated / "landing"
    assert linkages(landing, warehouse, FIRST).returncode == 0
    first = digests(warehouse, FIRST), file_digests(exports / FIRST)
    assert linkages(landing, warehouse, f"{MONTHS[1]}..{MONTHS[-1]}").returncode == 0
    with duckdb.connect(str(warehouse), read_only=True) as con:
        families = dict(
            con.execute(
                "select report_month, count(*) from marts.fct_identified_families "
                "group by 1"
            ).fetchall()
        )
    all_months = digests(warehouse), file_digests(exports)
    rerun = linkages(landing, warehouse, FIRST)
    assert rerun.returncode == 0, rerun.stdout + rerun.stderr
    return {
        "warehouse": warehouse,
        "first": first,
        "all": all_months,
        "rerun": rerun,
        "families": families,
    }


def test_a_rerun_of_the_first_month_gives_its_first_result(runs):
    tables, files = runs["first"]
    assert len(tables) > 80 and any(t.startswith("marts.fct_") for t in tables)
    assert digests(runs["warehouse"], FIRST) == tables
    assert file_digests(runs["warehouse"].parent / "exports" / FIRST) == files


def test_later_months_do_not_move_and_are_not_rebuilt(runs):
    tables, files = runs["all"]
    assert digests(runs["warehouse"]) == tables
    assert file_digests(runs["warehouse"].parent / "exports") == files
    assert "rebuilt" not in runs["rerun"].stdout  # nothing it carries over changed


def test_no_family_is_identified_after_the_month_it_is_counted_in(runs):
    with duckdb.connect(str(runs["warehouse"]), read_only=True) as con:
        late = con.execute(
            "select count(*) from marts.fct_identified_families where identified_date >= "
            "cast(report_month || '-01' as date) + interval 1 month"
        ).fetchall()[0][0]
        history_late = con.execute(
            "select count(*) from marts.mutual_family_history where last_listed_month > report_month"
        ).fetchall()[0][0]
    assert (late, history_late) == (0, 0)
    assert runs["families"][FIRST] > 0  # something to compare
