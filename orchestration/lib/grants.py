"""`linkages db grant`: the PostgreSQL warehouse's roles and what each may read.

- linkages_pipeline (login): owns every schema, writes every table; the account
  `linkages run` and the Dagster daemon use.
- linkages_lists: the match lists and the export rows (names and birth dates:
  what coordination needs), for the Linkages leadership team and list
  distribution.
- linkages_analyst: marts.fct_* and reporting.rpt_* only, which carry no names,
  SSNs, birth dates or record ids (docs/security.md).

The two reading roles are groups (no login): the county grants them to its
people (`grant linkages_analyst to alice`). dbt grants the reading roles on
every table it rebuilds (`+grants` in dbt_project.yml, which cannot read a var
there: a test holds the two equal); this command makes the roles and grants
them the schemas and what exists now. Running it again changes nothing that is
already right.
"""

from __future__ import annotations

from orchestration.lib.dbt_project import MATCH_LISTS

PIPELINE, LISTS, ANALYST = "linkages_pipeline", "linkages_lists", "linkages_analyst"

# every schema the pipeline and dbt write (generate_schema_name: as configured)
SCHEMAS = (
    "raw",
    "quarantine",
    "linkage",
    "staging",
    "intermediate",
    "marts",
    "reporting",
    "exports",
    "codes",
    "audit",
    "ops",
    "linkages",
)
# what each reading role may see: (schema, table name pattern for LIKE)
READS = {
    ANALYST: [("marts", "fct\\_%"), ("reporting", "rpt\\_%")],
    LISTS: [
        *(("marts", table) for table in MATCH_LISTS),
        ("marts", "family_prevention_level"),
        ("marts", "mutual_family_history"),
        ("exports", "office_list_rows"),
    ],
}


def _create_role(role: str, login: bool) -> str:
    return (
        "do $$ begin if not exists (select from pg_roles where rolname = "
        f"'{role}') then create role {role} {'login' if login else 'nologin'}; "
        "end if; end $$"
    )


def grant_statements(database: str) -> list[str]:
    """The statements, in order; each may be run again."""
    out = [_create_role(PIPELINE, True), _create_role(LISTS, False)]
    out += [_create_role(ANALYST, False)]
    out += [
        f'grant connect, create on database "{database}" to {PIPELINE}',
        f'grant connect on database "{database}" to {LISTS}, {ANALYST}',
    ]
    for schema in SCHEMAS:
        out += [
            f"create schema if not exists {schema} authorization {PIPELINE}",
            f"alter schema {schema} owner to {PIPELINE}",
            f"revoke all on schema {schema} from public",
        ]
    for role, reads in READS.items():
        for schema in sorted({s for s, _ in reads}):
            out.append(f"grant usage on schema {schema} to {role}")
    return out


def existing_grants(con, role: str) -> list[str]:
    """`grant select` on the tables and views `role` may read that exist now."""
    out = []
    with con.cursor() as cur:
        for schema, pattern in READS[role]:
            cur.execute(
                "select table_name from information_schema.tables"
                " where table_schema = %s and table_name like %s order by 1",
                [schema, pattern],
            )
            out += [f"grant select on {schema}.{t} to {role}" for (t,) in cur]
    return out


def grant(config, admin_user: str | None = None) -> list[str]:
    """Create the roles and schemas and grant what exists, connected as
    `admin_user` (a superuser or the database's owner; default the configured
    user). Returns the statements run (no data in them)."""
    import psycopg2

    from orchestration.lib.postgres import connect_args

    args = connect_args(config)
    if admin_user:
        args["user"] = admin_user
    con = psycopg2.connect(**args)
    ran = []
    try:
        with con, con.cursor() as cur:
            for statement in grant_statements(config.pg_database):
                cur.execute(statement)
                ran.append(statement)
            for role in READS:
                for statement in existing_grants(con, role):
                    cur.execute(statement)
                    ran.append(statement)
    finally:
        con.close()
    return ran
