"""`linkages run`, month by month: the Dagster job executed in process, what failed
said by name, and the later months a late correction changes rebuilt in order."""

import contextlib
import logging
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

EXIT_OK, EXIT_GATE_FAILED = 0, 1
# the warehouse is in use by another run or program: nothing (more) was run
EXIT_BUSY = 3


@dataclass
class MonthOutcome:
    month: str
    success: bool
    failures: list[str] = field(default_factory=list)
    checks_passed: int = 0
    built: set = field(default_factory=set)  # asset keys materialized
    skipped: set = field(
        default_factory=set
    )  # asset keys downstream of a failure, not built
    # a step found the warehouse held by another program (its message, one line)
    held: str | None = None


@dataclass
class MonthlyJob:
    """The job and its asset graph, built once per invocation (loading the dbt
    manifest takes seconds)."""

    job: object
    graph: object

    @property
    def assets(self) -> set:
        return set(self.graph.materializable_asset_keys)

    def assets_of_step(self, step_key: str) -> set:
        """The assets a step builds: one step per asset definition, named for its op
        (an asset no step builds, like the trained model, has none)."""
        return {
            key
            for d in self.graph.assets_defs
            if d.is_executable and d.node_def.name == step_key
            for key in d.keys
        }

    def by_group(self, keys: set) -> str:
        """'ingest 12, linkage 2, ...': how many of `keys` in each asset group."""
        groups = sorted(self.graph.get(k).group_name or "default" for k in keys)
        return ", ".join(f"{g} {groups.count(g)}" for g in dict.fromkeys(groups))

    def downstream(self, keys: set) -> set:
        """`keys` and every asset that depends on them, directly or not (lineage)."""
        import dagster as dg

        return (
            set(dg.AssetSelection.assets(*keys).downstream().resolve(self.graph))
            if keys
            else set()
        )


def monthly_job(config) -> MonthlyJob:
    from orchestration.definitions import MONTHLY_JOB, build_definitions

    defs = build_definitions(config)
    return MonthlyJob(defs.resolve_job_def(MONTHLY_JOB), defs.resolve_asset_graph())


@contextlib.contextmanager
def _logged_to(path: Path | None):
    """Everything the libraries say goes to the month's run log: dbt's progress on
    stdout, Dagster's step errors and stack traces, warnings and log records. A data
    fault is told on the terminal by our own summary only."""
    if path is None:
        yield
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    root = logging.getLogger()
    with (
        path.open("a", encoding="utf-8") as out,
        contextlib.redirect_stdout(out),
        contextlib.redirect_stderr(out),
    ):
        handler = logging.StreamHandler(out)
        handler.setFormatter(
            logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
        )
        saved = root.handlers[:]
        root.handlers[:] = [handler]
        logging.captureWarnings(True)
        try:
            yield
        finally:
            logging.captureWarnings(False)
            root.handlers[:] = saved


@dataclass
class _Pass:
    """What one execution of (part of) the job did."""

    built: set
    failed: set  # assets whose step failed before building them, or whose blocking check failed
    failures: list[str]
    checks_passed: int
    held: str | None = None  # a step's WarehouseBusy message


def _held(error) -> str | None:
    """The WarehouseBusy message of a step's error, which Dagster wraps in its own."""
    while error is not None:
        if error.cls_name == "WarehouseBusy":
            return error.message.strip().removeprefix("WarehouseBusy: ")
        error = error.cause
    return None


def _execute(monthly: MonthlyJob, month: str, instance, selection: set | None) -> _Pass:
    import dagster as dg

    result = monthly.job.execute_in_process(
        partition_key=month,
        instance=instance,
        raise_on_error=False,
        asset_selection=sorted(selection) if selection is not None else None,
        # the UI tells a month's second pass (what a failure did not reach) from its first
        tags={"linkages/pass": "not downstream of a failure"}
        if selection is not None
        else None,
        run_config={"loggers": {"console": {"config": {"log_level": "WARNING"}}}},
    )
    built, failed_steps, failures, held = set(), set(), [], None
    for event in result.all_events:
        if event.event_type_value == "ASSET_MATERIALIZATION":
            built.add(event.asset_key)
        elif event.event_type_value == "STEP_FAILURE":
            failed_steps.add(event.step_key)
            error = event.step_failure_data.user_failure_data
            text = error.description if error and error.description else event.message
            held = held or _held(event.step_failure_data.error)
            failures.append(f"step {event.step_key} failed: {held or text}")
    failed = {
        key for step in failed_steps for key in monthly.assets_of_step(step)
    } - built
    passed = 0
    for ev in result.get_asset_check_evaluations():
        if ev.passed:
            passed += 1
            continue
        if ev.severity == dg.AssetCheckSeverity.ERROR:
            failed.add(ev.asset_key)
        rule = ev.metadata.get("failed_expectations") or ev.metadata.get("rule")
        detail = f": {rule.value}" if rule is not None else ""
        failures.append(
            f"check {ev.asset_key.to_user_string()} {ev.check_name} failed{detail}"
        )
    return _Pass(built, failed, failures, passed, held)


def run_month(
    month: str, monthly: MonthlyJob, instance=None, log_file: Path | None = None
) -> MonthOutcome:
    """Execute the monthly job for one partition and say what failed, by name.

    A failure stops only what depends on it (CONTRACT.md §8): Dagster skips every
    step downstream of a failed one — all of dbt, which is one step — so the assets
    not downstream of any failure are run again, as a subset (dagster-dbt turns it
    into a dbt selection), until nothing is left that could still be built."""
    import dagster as dg

    from orchestration.lib.instance import recorded_instance

    # the UI then shows these runs too
    instance = instance or recorded_instance() or dg.DagsterInstance.ephemeral()
    if log_file is not None and log_file.exists():
        log_file.unlink()  # one month's log per run
    built, failed, failures, passed, held = set(), set(), [], 0, None
    selection = None  # the whole job first
    # dbt echoes every node to stdout, Dagster logs step errors: the terminal gets the summary
    with _logged_to(log_file):
        while selection is None or selection:
            done = _execute(monthly, month, instance, selection)
            built |= done.built
            failed |= done.failed
            failures += done.failures
            passed += done.checks_passed
            held = held or done.held
            left = monthly.assets - built - monthly.downstream(failed)
            # nothing new was built: what is left cannot be; a held warehouse
            # would fail every step that opens it: no second pass
            if held or not done.built or left == selection:
                break
            selection = left
    skipped = monthly.assets - built
    return MonthOutcome(
        month, not failures and not skipped, failures, passed, built, skipped, held
    )


def read_by_later_months() -> tuple[str, ...]:
    from orchestration.lib.dbt_project import MATCH_LISTS

    return (
        *(f"marts.{table}" for table in MATCH_LISTS),
        "raw.case_reviews",
        "linkage.person_keys",
    )


def built_months_after(config, month: str) -> list[str]:
    """The months after `month` that have been run (their person keys exist)."""
    from orchestration.lib.warehouse import open_warehouse, warehouse_type

    if not warehouse_type(config).exists(config):
        return []
    with open_warehouse(config, read_only=True) as con:
        if not con.table_exists("linkage", "person_keys"):
            return []
        rows = con.execute(
            "select distinct report_month from linkage.person_keys where report_month > ? order by 1",
            [month],
        ).fetchall()
    return [r[0] for r in rows]


def carried_over(config, month: str) -> str:
    """A digest of what later months read of `month` (order-free: a row hash each)."""
    import hashlib

    import numpy as np

    from orchestration.lib.warehouse import open_warehouse

    digest = hashlib.sha256()
    with open_warehouse(config, read_only=True) as con:
        for table in read_by_later_months():
            if not con.table_exists(*table.split(".")):
                continue
            # doubles rounded: a parallel sum may differ in its last bit from run to run
            rows = (
                con.execute(f"select * from {table} where report_month = ?", [month])
                .df()
                .round(9)
            )
            hashes = pd.util.hash_pandas_object(
                rows.astype(str), index=False
            ).to_numpy()
            digest.update(table.encode() + np.sort(hashes).tobytes())
    return digest.hexdigest()


def run_months(config, months: list[str]) -> int:
    from orchestration.lib.warehouse import WarehouseBusy, wait_until_free

    ok = True
    job = monthly_job(config)
    queue = list(months)
    while queue:
        month = queue.pop(0)
        try:
            wait_until_free(
                config
            )  # waits as a step would, then one line, not N failures
        except WarehouseBusy as exc:
            print(f"{month}: not run: {exc}", flush=True)
            return EXIT_BUSY
        later = built_months_after(config, month)
        before = carried_over(config, month) if later else None
        print(f"{month}: running ...", flush=True)
        log = Path(config.reports_dir) / month / "run.log"
        outcome = run_month(month, job, log_file=log)  # a new log for the month
        if later and carried_over(config, month) != before:
            # a late correction: the months that read this one are rebuilt after it, in order
            queue = sorted(set(queue) | set(later))
            print(
                f"{month}: changed since it was last run; later months read it and are rebuilt: "
                f"{', '.join(later)}",
                flush=True,
            )
        ok &= _told(outcome, job, log, Path(config.reports_dir) / month)
        if outcome.held:
            return EXIT_BUSY
    return EXIT_OK if ok else EXIT_GATE_FAILED


def _told(outcome: MonthOutcome, job: MonthlyJob, log: Path, reports: Path) -> bool:
    """The run's Data Docs built, and what happened said on the terminal; its success."""
    from expectations.runner import build_data_docs

    key = outcome.month
    with _logged_to(log):
        docs = build_data_docs(reports / "data_quality")
    status = "ok" if outcome.success else "FAILED"
    print(f"{key}: {status} ({outcome.checks_passed} checks passed)", flush=True)
    for line in outcome.failures:
        print(f"  - {line}", flush=True)
    if outcome.skipped:
        print(
            f"  built: {len(outcome.built)} assets, all those not downstream of what failed "
            f"({job.by_group(outcome.built)})",
            flush=True,
        )
        names = ", ".join(sorted(k.to_user_string() for k in outcome.skipped))
        print(
            f"  not built (downstream of what failed): {len(outcome.skipped)} assets: {names}",
            flush=True,
        )
    if docs:
        print(f"  data quality report: {docs}", flush=True)
    if outcome.held:
        print(f"{key}: stopped: {outcome.held}", flush=True)
    return outcome.success


def daily_job(config) -> MonthlyJob:
    from orchestration.daily import DAILY_JOB, build_daily_definitions

    defs = build_daily_definitions(config)
    return MonthlyJob(defs.resolve_job_def(DAILY_JOB), defs.resolve_asset_graph())


def run_days(config, days: list[str]) -> int:
    """The daily route (orchestration/daily.py), day by day in order, on the daily
    warehouse; exit codes as for months."""
    from orchestration.lib.partitions import Snapshot
    from orchestration.lib.warehouse import WarehouseBusy, wait_until_free

    ok = True
    job = daily_job(config)
    for day in days:
        try:
            wait_until_free(config.for_days())
        except WarehouseBusy as exc:
            print(f"{day}: not run: {exc}", flush=True)
            return EXIT_BUSY
        print(f"{day}: running ...", flush=True)
        reports = Path(config.reports_dir) / Snapshot(day).folder
        outcome = run_month(day, job, log_file=reports / "run.log")
        ok &= _told(outcome, job, reports / "run.log", reports)
        if outcome.held:
            return EXIT_BUSY
    return EXIT_OK if ok else EXIT_GATE_FAILED
