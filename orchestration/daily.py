"""The daily route (contract v2): ingest and gates, person linkage and the lists as
of each day. The same assets' code as the monthly job, built with day partitions
and put under `daily/` keys, on its own warehouse (`daily_warehouse_path`): a day
replaces its report month's rows there, so the monthly warehouse and its lists are
never touched. Only what the notices are built from: the files the lists read are
ingested and gated, the evaluation's files (participation, wages, placements,
reviews, enrollments) are left to the monthly route. Its own Definitions, not merged
into the monthly ones: the two graphs' `config` resources differ (each names its
warehouse). In the Dagster UI it is the code location `linkages_daily`
(workspace.yaml), with a sensor on <landing>/daily/; from the command line
`linkages run --day` runs it."""

import dagster as dg

from orchestration.defs.delivery.assets import build_notice_exports, build_notice_mail
from orchestration.defs.ingest.definitions import ingest_definitions
from orchestration.defs.linkage.definitions import linkage_definitions
from orchestration.defs.transform.assets import build_dbt_assets, dbt_resource
from orchestration.lib.config import PipelineConfig
from orchestration.lib.landing import landed_days
from orchestration.lib.partitions import daily_partitions
from orchestration.sensors import landing_sensor, record_run_failures

DAILY_JOB = "daily_pipeline"
DAILY_SENSOR = "daily_landing_sensor"
PREFIX = "daily"
# the notices and what they are built from (the lists); no outcome measures or reports
NOTICES = "+path:models/daily"


def _prefixed(defs: dg.Definitions) -> list:
    """Every asset and check of `defs` under daily/, its dependencies too."""
    assets = [a for a in defs.assets or [] if isinstance(a, dg.AssetsDefinition)]
    specs = [a for a in defs.assets or [] if isinstance(a, dg.AssetSpec)]
    checks = list(defs.asset_checks or [])
    keys = {k for a in assets + checks for k in (*a.keys, *a.dependency_keys)}
    keys |= {s.key for s in specs}
    new = {k: k.with_prefix(PREFIX) for k in keys}
    out = [a.with_attributes(asset_key_replacements=new) for a in assets]
    out += [s.replace_attributes(key=new[s.key]) for s in specs]
    out += [c.with_attributes(asset_key_replacements=new) for c in checks]
    return out


def _by_kind(assets: list) -> dict:
    """Definitions' arguments: assets and asset checks apart."""
    return {
        "assets": [a for a in assets if not isinstance(a, dg.AssetChecksDefinition)],
        "asset_checks": [a for a in assets if isinstance(a, dg.AssetChecksDefinition)],
    }


def _upstream_of(targets: list, assets: list, resources: dict) -> list:
    """The assets and checks of `assets` that `targets` are built from, targets
    included, as Dagster's lineage resolves it: so a day ingests and gates only
    the landing files its lists and linkage read (~7 s less a county day)."""
    graph = dg.Definitions(
        **_by_kind(assets), resources=resources
    ).resolve_asset_graph()
    keys = (
        dg.AssetSelection.assets(*targets)
        .upstream()
        .required_multi_asset_neighbors()
        .resolve(graph)
    )

    def needed(a) -> bool:
        if isinstance(a, dg.AssetSpec):
            return a.key in keys
        if not a.keys:  # checks only (a prefixed check is a plain AssetsDefinition)
            return {c.asset_key for c in a.check_keys} <= keys
        return bool(set(a.keys) & keys)

    return [a for a in assets if needed(a)]


def build_daily_definitions(config: PipelineConfig | None = None) -> dg.Definitions:
    config = (config or PipelineConfig.from_env()).for_days()
    partitions = daily_partitions(config)
    stages = [
        ingest_definitions(partitions, config),
        linkage_definitions(partitions, config),
    ]
    assets = [d for stage in stages for d in _prefixed(stage)]
    assets.append(
        build_dbt_assets(
            partitions, select=NOTICES, exclude="", prefix=PREFIX, name="daily_dbt"
        )
    )
    notices = [
        build_notice_exports(partitions, PREFIX),
        build_notice_mail(partitions, PREFIX),
    ]
    resources = {"config": config, "dbt": dbt_resource()}
    assets = _upstream_of(
        [k for a in notices for k in a.keys], assets + notices, resources
    )
    job = dg.define_asset_job(
        DAILY_JOB,
        selection=dg.AssetSelection.all(),
        partitions_def=partitions,
        executor_def=dg.in_process_executor,  # DuckDB: one writer at a time
        description="One day (contract v2): ingest and gates, person linkage, the "
        "match lists and the notices of newly mutual families as of that day, and the "
        "offices' notice files, on the daily warehouse.",
    )
    return dg.Definitions(
        **_by_kind(assets),
        jobs=[job],
        sensors=[
            landing_sensor(
                job,
                partitions,
                name=DAILY_SENSOR,
                landed=landed_days,
                # a day ran to the end when its offices were mailed (or had no mail)
                done_asset=dg.AssetKey([PREFIX, "exports", "office_mail"]),
                folder="<landing>/daily/<YYYY-MM-DD>/",
                period="day",
            ),
            # the day's failed steps go to ops.run_failures in the daily warehouse
            record_run_failures,
        ],
        resources=resources,
    )


@dg.definitions
def defs() -> dg.Definitions:
    """The Dagster UI's code location `linkages_daily` (workspace.yaml), loaded only
    there: configured from the environment like the monthly one."""
    return build_daily_definitions()
