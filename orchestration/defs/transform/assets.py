"""dbt: staging, intermediate and list marts, built for one report month."""

import functools
import json
import os
import queue
import shutil
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, DbtProject, dbt_assets
from dagster_dbt.core.dbt_cli_event import DbtCoreCliEventMessage

from orchestration.lib.catalog import (
    EXPORTS_GROUP,
    LISTS_GROUP,
    OUTCOMES_GROUP,
    OWNERS,
    REPORT_GROUP,
    STAGING_GROUP,
)
from orchestration.lib.config import PipelineConfig
from orchestration.lib.dbt_project import DBT_DIR
from orchestration.lib.partitions import ONE_MONTH_PER_RUN, Snapshot
from orchestration.lib.warehouse import WAREHOUSE_POOL, warehouse_type

DBT_PROJECT = DbtProject(project_dir=DBT_DIR, profiles_dir=DBT_DIR)
# the daily route's models (orchestration/daily.py): never built by the monthly job
DAILY_MODELS = "path:models/daily"
# dbt's artifacts, a folder per report month
MONTHS_TARGET = DBT_DIR / "target" / "months"
# dbt installed beside this Python, found even when the venv is not on PATH
DBT_EXECUTABLE = str(Path(sys.executable).with_name("dbt"))
# a model's group by its folder under models/; the first matching prefix wins
GROUP_BY_FOLDER = {
    "staging": STAGING_GROUP,
    "intermediate": STAGING_GROUP,
    "daily": LISTS_GROUP,
    "marts/outcomes": OUTCOMES_GROUP,
    "marts": LISTS_GROUP,
    "reporting/exports": EXPORTS_GROUP,
    "reporting": REPORT_GROUP,
}


def _manifest_is_stale() -> bool:
    manifest = DBT_PROJECT.manifest_path
    if not manifest.exists():
        return True
    built = manifest.stat().st_mtime
    sources = [
        p
        for d in ("models", "macros", "seeds", "tests")
        for p in (DBT_DIR / d).rglob("*")
    ]
    sources += [DBT_DIR / "dbt_project.yml", DBT_DIR / "profiles.yml"]
    return any(p.is_file() and p.stat().st_mtime > built for p in sources)


def ensure_manifest() -> Path:
    """dagster-dbt reads manifest.json at import: (re)build it when missing or
    older than the project's files. Not `prepare_if_dev()`: under `dagster dev`
    it looks for `dbt` on PATH, which an unactivated venv does not have."""
    if _manifest_is_stale():
        subprocess.run(
            [
                DBT_EXECUTABLE,
                "parse",
                "--quiet",
                "--project-dir",
                str(DBT_DIR),
                "--profiles-dir",
                str(DBT_DIR),
            ],
            check=True,
            cwd=DBT_DIR,
        )
    return DBT_PROJECT.manifest_path


class LinkagesTranslator(DagsterDbtTranslator):
    """Sources are the ingest and linkage assets; models are keyed by schema. `prefix`:
    the daily route's graph has every key under `daily/` (orchestration/daily.py)."""

    def __init__(self, prefix: str | None = None):
        super().__init__()
        self.prefix = prefix

    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> dg.AssetKey:
        if dbt_resource_props["resource_type"] == "source":
            key = dg.AssetKey(
                [dbt_resource_props["source_name"], dbt_resource_props["name"]]
            )
        else:
            key = dg.AssetKey(
                [dbt_resource_props["config"]["schema"], dbt_resource_props["name"]]
            )
        return key.with_prefix(self.prefix) if self.prefix else key

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        if dbt_resource_props["resource_type"] == "seed":
            return STAGING_GROUP
        folder = "/".join(
            dbt_resource_props["fqn"][1:-1]
        )  # fqn: project, folders..., model
        return next(
            (g for prefix, g in GROUP_BY_FOLDER.items() if folder.startswith(prefix)),
            STAGING_GROUP,
        )

    def get_owners(self, dbt_resource_props: Mapping[str, Any]) -> list[str]:
        return OWNERS


def build_dbt_assets(
    partitions: dg.PartitionsDefinition,
    select: str = "fqn:*",
    exclude: str = DAILY_MODELS,
    prefix: str | None = None,
    name: str = "linkages_dbt",
) -> dg.AssetsDefinition:
    """The dbt project as assets, but the daily route's models; `select`, `exclude`,
    `prefix`, `name`: the daily route builds the lists and its notices, under its own
    keys (orchestration/daily.py)."""
    translator = LinkagesTranslator(prefix)

    @dbt_assets(
        manifest=ensure_manifest(),
        project=DBT_PROJECT,
        select=select,
        exclude=exclude or None,
        name=name,
        partitions_def=partitions,
        dagster_dbt_translator=translator,
        pool=WAREHOUSE_POOL,
        backfill_policy=ONE_MONTH_PER_RUN,
    )
    def linkages_dbt(
        context: dg.AssetExecutionContext, dbt: DbtCliResource, config: PipelineConfig
    ):
        warehouse = warehouse_type(config)
        # the profile reads where the warehouse is from the environment of dbt's process,
        # the models the month (macros/report_month.sql: not a var, which would make
        # dbt parse the whole project again each month)
        snapshot = Snapshot(context.partition_key)
        os.environ.update(
            warehouse.dbt_env(config), LINKAGES_REPORT_MONTH=snapshot.report_month
        )
        # a day of the daily route: every rule reads as of that day (macros/report_month.sql)
        if snapshot.is_day:
            os.environ["LINKAGES_AS_OF_DATE"] = snapshot.as_of
        else:
            os.environ.pop("LINKAGES_AS_OF_DATE", None)
        dbt_vars = json.dumps(
            {"high_confidence_threshold": config.high_confidence_threshold}
        )
        # one artifacts folder per month, replaced by its rerun (dagster-dbt's default,
        # a new folder per invocation, grew by ~5 MB a run without end)
        # (the daily route's days share one folder: a year of days would be ~2 GB)
        target = MONTHS_TARGET / ("daily" if snapshot.is_day else snapshot.key)
        reuse_latest_parse(target)
        args = ["build", "--vars", dbt_vars, "--target", warehouse.dbt_target]
        if warehouse.dbt_in_process:
            yield from _build_in_process(
                context, args, target, select, exclude, translator, warehouse
            )
            return
        yield from dbt.cli(args, context=context, target_path=target).stream()

    return linkages_dbt


def reuse_latest_parse(target: Path) -> None:
    """Start a month's artifacts folder from the parse dbt saved last (dagster-dbt would
    copy target/'s, made by `dbt parse` with another profile, so dbt parsed everything
    again, ~5 s). dbt checks the saved parse itself and parses anew what changed."""
    saved = max(
        MONTHS_TARGET.glob("*/partial_parse.msgpack"),
        key=lambda p: p.stat().st_mtime,
        default=None,
    )
    if saved is not None and saved.parent != target:
        target.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(saved, target / saved.name)


def _build_in_process(
    context: dg.AssetExecutionContext,
    args: list[str],
    target: Path,
    select: str,
    exclude: str,
    translator: LinkagesTranslator,
    warehouse,
):
    """dbt inside this process: dbt-spark's `session` method takes the session the
    ingest and linkage steps made (a second process would open a second metastore);
    on DuckDB it saves dbt's process start and dagster-dbt's `dbt --version` and
    adapter set-up (~6 s of a county day's 20 s). dbt's events become the same Dagster
    events as `dbt.cli(...).stream()` gives, as dbt fires them: materializations, and
    tests as checks."""
    from dagster_dbt.asset_utils import get_subset_selection_for_context

    manifest = json.loads(DBT_PROJECT.manifest_path.read_text())
    # a subset (the models not downstream of a failed source) as dagster-dbt's dbt.cli selects it
    indirect_env = "DBT_INDIRECT_SELECTION"
    selection, indirect = get_subset_selection_for_context(
        context,
        manifest,
        select,
        exclude or None,
        None,
        translator,
        os.environ.get(indirect_env),
    )
    saved = os.environ.get(indirect_env)
    if indirect is not None:
        os.environ[indirect_env] = indirect
    folders = ["--project-dir", str(DBT_DIR), "--profiles-dir", str(DBT_DIR)]
    try:
        dbt_args = [*args, *selection, *folders, "--target-path", str(target)]
        for raw in _dbt_events(dbt_args, warehouse.release_dbt):
            event = DbtCoreCliEventMessage(raw_event=raw, event_history_metadata={})
            yield from event.to_default_asset_events(
                manifest=manifest,
                dagster_dbt_translator=translator,
                context=context,
                target_path=target,
                project=DBT_PROJECT,
            )
    finally:
        if saved is None:
            os.environ.pop(indirect_env, None)
        else:
            os.environ[indirect_env] = saved


def _dbt_events(args: list[str], release: Callable[[], None]) -> Iterator[dict]:
    """dbt's events while it runs: dbt works on a thread of its own and hands each
    event over, so the Dagster UI shows each model built as the build goes on, not
    all at the end. dg.Failure once the events are out if the build failed."""
    from dbt.cli.main import dbtRunner
    from dbt_common.events.functions import msg_to_dict

    events: queue.SimpleQueue = queue.SimpleQueue()
    result = []

    def build() -> None:
        try:
            runner = dbtRunner(callbacks=[lambda msg: events.put(msg_to_dict(msg))])
            result.append(runner.invoke(args))
        finally:
            release()
            events.put(None)  # the end, even when dbt raised

    worker = threading.Thread(target=build, name="dbt build", daemon=True)
    worker.start()
    try:
        while (raw := events.get()) is not None:
            yield raw
    finally:
        worker.join()  # a step stopped early still waits for dbt to let go of the warehouse
    outcome = result[0] if result else None
    if outcome is None or outcome.exception is not None or not outcome.success:
        detail = outcome.exception if outcome is not None else None
        raise dg.Failure(
            f"dbt build failed: {detail or 'see the run log for the failing nodes'}"
        )


@functools.cache
def _dbt_version(executable: str):
    return DbtCliResource(
        project_dir=str(DBT_DIR), dbt_executable=executable
    )._cli_version


class _DbtCli(DbtCliResource):
    """dagster-dbt asks `dbt --version` (a process start, ~3 s) on each run's new
    resource; the executable does not change within a process, so ask once."""

    @functools.cached_property
    def _cli_version(self):
        return _dbt_version(self.dbt_executable)


def dbt_resource() -> DbtCliResource:
    return _DbtCli(
        project_dir=DBT_PROJECT,
        profiles_dir=str(DBT_DIR),
        dbt_executable=DBT_EXECUTABLE,
    )
