"""`linkages`: the command line (CONTRACT.md §7).

    linkages run --landing DIR --month YYYY-MM[..YYYY-MM] [--warehouse FILE] [--engine duckdb|spark]
    linkages generate --out DIR --start YYYY-MM --months N --size small|county|state --seed N
    linkages train --landing DIR --month YYYY-MM [--out MODEL.json]
    linkages link LEFT.csv RIGHT.csv --out PAIRS.csv [--model MODEL.json]
    linkages review export QUEUE.csv --warehouse FILE --month YYYY-MM
    linkages review import QUEUE.csv --landing DIR [--reviewer ID]

`run` executes the Dagster asset graph in process, one report month at a time,
and exits 0 only if every step and every blocking check passed.
"""

import argparse
import contextlib
import logging
import os
import sys
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

EXIT_OK, EXIT_GATE_FAILED, EXIT_USAGE, EXIT_BUSY = 0, 1, 2, 3


def month_range(text: str) -> list[str]:
    """'2025-11' or '2025-11..2026-02' -> the report months, in order."""
    first, _, last = text.partition("..")
    try:
        start, end = pd.Period(first, "M"), pd.Period(last or first, "M")
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"not a month or range of months: {text!r}"
        ) from None
    if end < start:
        raise argparse.ArgumentTypeError(f"range ends before it starts: {text!r}")
    return [str(start + i) for i in range((end - start).n + 1)]


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
        """The assets a step builds: one step per asset definition, named for its op."""
        return {
            key
            for d in self.graph.assets_defs
            if d.node_def.name == step_key
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
    built, failed_steps, failures = set(), set(), []
    for event in result.all_events:
        if event.event_type_value == "ASSET_MATERIALIZATION":
            built.add(event.asset_key)
        elif event.event_type_value == "STEP_FAILURE":
            failed_steps.add(event.step_key)
            error = event.step_failure_data.user_failure_data
            text = error.description if error and error.description else event.message
            failures.append(f"step {event.step_key} failed: {text}")
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
    return _Pass(built, failed, failures, passed)


def run_month(
    month: str, monthly: MonthlyJob, instance=None, log_file: Path | None = None
) -> MonthOutcome:
    """Execute the monthly job for one partition and say what failed, by name.

    A failure stops only what depends on it (CONTRACT.md §8): Dagster skips every
    step downstream of a failed one — all of dbt, which is one step — so the assets
    not downstream of any failure are run again, as a subset (dagster-dbt turns it
    into a dbt selection), until nothing is left that could still be built."""
    import dagster as dg

    home = os.environ.get("DAGSTER_HOME")
    if instance is None and home:
        Path(home).mkdir(parents=True, exist_ok=True)  # Dagster refuses a missing home
        instance = dg.DagsterInstance.get()  # the UI then shows these runs too
    instance = instance or dg.DagsterInstance.ephemeral()
    if log_file is not None and log_file.exists():
        log_file.unlink()  # one month's log per run
    built, failed, failures, passed = set(), set(), [], 0
    selection = None  # the whole job first
    # dbt echoes every node to stdout, Dagster logs step errors: the terminal gets the summary
    with _logged_to(log_file):
        while selection is None or selection:
            done = _execute(monthly, month, instance, selection)
            built |= done.built
            failed |= done.failed
            failures += done.failures
            passed += done.checks_passed
            left = monthly.assets - built - monthly.downstream(failed)
            if not done.built or left == selection:
                break  # nothing new was built: what is left cannot be
            selection = left
    skipped = monthly.assets - built
    return MonthOutcome(
        month, not failures and not skipped, failures, passed, built, skipped
    )


def cmd_run(args: argparse.Namespace) -> int:
    from orchestration.lib.config import PipelineConfig
    from orchestration.lib.warehouse import WarehouseBusy, run_lock

    overrides = {
        "landing_dir": str(Path(args.landing).resolve()),
        "engine": args.engine,
    }
    if args.warehouse:
        warehouse = Path(args.warehouse).resolve()
        overrides["warehouse_path"] = str(warehouse)
        # exports and reports live beside the warehouse unless configured
        for name in ("exports_dir", "reports_dir"):
            if "LINKAGES_" + name.upper() not in os.environ:
                overrides[name] = str(warehouse.parent / name.removesuffix("_dir"))
    config = PipelineConfig.from_env(**overrides)
    # partitions must reach back to the first month asked for
    first = min(filter(None, (config.first_month, args.month[0])))
    config = config.model_copy(update={"first_month": first})
    try:
        with run_lock(config.warehouse_path):
            return _run_months(config, args.month)
    except WarehouseBusy as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_BUSY
    finally:
        if config.engine == "spark":
            from orchestration.lib.spark import stop_session

            stop_session()


# What a later month reads of an earlier one: its lists (the history of identified
# families), its case reviews (identification dates) and its person keys (carried on).
READ_BY_LATER_MONTHS = (
    "marts.match_list_homeless",
    "marts.match_list_sanction",
    "marts.match_list_mutual_cases",
    "marts.match_list_mutual_clients",
    "raw.case_reviews",
    "linkage.person_keys",
)


def built_months_after(config, month: str) -> list[str]:
    """The months after `month` that have been run (their person keys exist)."""
    from orchestration.lib.warehouse import open_warehouse, table_exists

    if config.engine == "duckdb" and not Path(config.warehouse_path).exists():
        return []
    with open_warehouse(config, read_only=True) as con:
        if not table_exists(con, "linkage", "person_keys"):
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

    from orchestration.lib.warehouse import open_warehouse, table_exists

    digest = hashlib.sha256()
    with open_warehouse(config, read_only=True) as con:
        for table in READ_BY_LATER_MONTHS:
            if not table_exists(con, *table.split(".")):
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


def _run_months(config, months: list[str]) -> int:
    from expectations.runner import build_data_docs

    ok = True
    job = monthly_job(config)
    queue = list(months)
    while queue:
        month = queue.pop(0)
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
        with _logged_to(log):
            docs = build_data_docs(Path(config.reports_dir) / month / "data_quality")
        ok &= outcome.success
        status = "ok" if outcome.success else "FAILED"
        print(f"{month}: {status} ({outcome.checks_passed} checks passed)", flush=True)
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
    return EXIT_OK if ok else EXIT_GATE_FAILED


def cmd_generate(args: argparse.Namespace) -> int:
    from synthetic.generate import generate

    timings = generate(
        Path(args.out),
        args.start,
        args.months,
        args.size,
        args.seed,
        args.format,
        progress=lambda line: print(line, flush=True),
        noise_level=args.noise_level,
    )
    print(f"generated in {timings['total_s']:.1f}s -> {Path(args.out) / 'landing'}")
    return EXIT_OK


class InputError(ValueError):
    """An input file the command cannot use: one line naming the file and the problem."""


def _read_text_table(path: Path) -> pd.DataFrame:
    """A CSV (or Parquet) file as text, blanks as None; InputError when unreadable."""
    try:
        if path.suffix == ".parquet":
            return pd.read_parquet(path).astype(object).where(lambda d: d.notna(), None)
        df = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except UnicodeDecodeError:
        raise InputError(f"{path}: not UTF-8 text") from None
    except pd.errors.EmptyDataError:
        raise InputError(f"{path}: empty (no header row)") from None
    except (pd.errors.ParserError, ValueError, OSError) as exc:
        raise InputError(
            f"{path}: cannot be read as {path.suffix.lstrip('.') or 'CSV'} "
            f"({type(exc).__name__})"
        ) from None
    df.columns = [str(c).strip().lower() for c in df.columns]
    return df.astype(object).replace("", None)


def _landing_file(month_dir: Path, name: str) -> Path:
    for suffix in (".csv", ".parquet"):
        if (month_dir / f"{name}{suffix}").exists():
            return month_dir / f"{name}{suffix}"
    raise InputError(f"{month_dir / name}.csv: no such file")


def _landing_people(month_dir: Path) -> dict:
    """A month's people straight from the landing files (training is offline)."""
    from matching.links import CALWORKS, CWS

    def read(name: str, needed: list[str]) -> pd.DataFrame:
        path = _landing_file(month_dir, name)
        df = _read_text_table(path)
        missing = [c for c in needed if c not in df.columns]
        if missing:
            raise InputError(f"{path}: required column missing: {', '.join(missing)}")
        return df

    cases = read("calworks_cases", ["case_number"]).reindex(
        columns=["case_number", "address_line1", "city", "zip"]
    )
    persons = read("calworks_persons", ["person_id", "case_number"]).sort_values(
        ["person_id", "case_number"]
    )
    persons = persons.drop_duplicates("person_id").merge(
        cases, on="case_number", how="left"
    )
    clients = read("cws_clients", ["client_id"]).rename(
        columns={"client_id": "record_id", "birth_date": "date_of_birth"}
    )
    return {CALWORKS: persons.rename(columns={"person_id": "record_id"}), CWS: clients}


def cmd_train(args: argparse.Namespace) -> int:
    from matching.model import (
        MODEL_PATH,
        TrainingError,
        save_model,
        train,
        training_plan,
    )
    from matching.standardize import standardize

    records = _landing_people(Path(args.landing) / args.month)
    frames = {name: standardize(df, name) for name, df in records.items()}
    sizes = ", ".join(f"{len(df):,} {name}" for name, df in frames.items())
    print(f"training on {sizes} records of {args.month} ...", flush=True)
    plan = training_plan(frames)
    print(_describe_plan(plan), flush=True)
    try:
        model = train(frames, seed=args.seed, max_pairs=args.max_pairs, plan=plan)
    except TrainingError as exc:
        raise InputError(f"{Path(args.landing) / args.month}: {exc}") from None
    path = save_model(model, Path(args.out or MODEL_PATH))
    print(f"model saved: {path}")
    return EXIT_OK


def _describe_plan(plan: dict) -> str:
    def names(groups) -> str:
        return "; ".join(" + ".join(g) for g in groups) or "none"

    text = (
        f"  compared: {', '.join(plan['comparisons']) or 'nothing'}\n"
        f"  prior from: {names(plan['deterministic'])}\n  EM passes blocked on: {names(plan['passes'])}"
    )
    if plan["not_estimated"]:
        text += f"\n  kept from the starting model (no pass could estimate): {', '.join(plan['not_estimated'])}"
    return text


def _person_file(path: Path, name: str) -> pd.DataFrame:
    """A `linkages link` input: record_id required, unique and never blank."""
    from matching.standardize import PERSON_COLUMNS, standardize

    df = _read_text_table(path)
    if "record_id" not in df.columns:
        raise InputError(f"{path}: required column missing: record_id")
    if df.empty:
        raise InputError(f"{path}: no records")
    blank = df["record_id"].isna()
    if blank.any():
        raise InputError(
            f"{path}: row {int(blank.to_numpy().argmax()) + 2}: record_id is empty "
            f"({int(blank.sum()):,} rows)"
        )
    ids = df["record_id"].astype(str).str.strip()
    repeated = ids.duplicated()
    if repeated.any():
        raise InputError(
            f"{path}: row {int(repeated.to_numpy().argmax()) + 2}: record_id repeats an "
            f"earlier row ({int(repeated.sum()):,} rows)"
        )
    return standardize(df.assign(record_id=ids).reindex(columns=PERSON_COLUMNS), name)


def cmd_link(args: argparse.Namespace) -> int:
    from matching.model import (
        MIN_RECORDS_TO_TRAIN,
        MODEL_PATH,
        TrainingError,
        load_model,
        predict,
        train,
    )

    frames = {
        "left_file": _person_file(Path(args.left), "left_file"),
        "right_file": _person_file(Path(args.right), "right_file"),
    }
    if args.model:
        model = _model_file(Path(args.model))
    elif min(len(df) for df in frames.values()) < MIN_RECORDS_TO_TRAIN:
        print(
            f"fewer than {MIN_RECORDS_TO_TRAIN} records on a side: too few to estimate a model; "
            f"scoring with the shipped one ({MODEL_PATH.name})",
            flush=True,
        )
        model = load_model(MODEL_PATH)
    else:
        try:
            model = train(frames)
        except TrainingError as exc:
            raise InputError(f"{args.left} and {args.right}: {exc}") from None
    threshold = (
        args.threshold if args.threshold is not None else _config().auto_match_threshold
    )
    floor = args.floor if args.floor is not None else _config().review_floor
    pairs = predict(frames, model, floor)
    pairs = pairs.loc[pairs["source_dataset_l"] != pairs["source_dataset_r"]]
    guard = _relatives_guard(args.relatives_guard, frames)
    out = pd.DataFrame(
        {
            "left_record_id": pairs["unique_id_l"],
            "right_record_id": pairs["unique_id_r"],
            "match_probability": pairs["match_probability"].round(6),
            "is_match": _decide(pairs, threshold, guard).map(
                {True: "true", False: "false"}
            ),
        }
    )
    out.to_csv(args.out, index=False)
    print(f"{len(out):,} candidate pairs at or above {floor} -> {args.out}")
    return EXIT_OK


def _relatives_guard(choice: str, frames: dict[str, pd.DataFrame]) -> bool:
    """on / off as asked; auto: on when either file holds families."""
    from matching.links import FAMILY_SHARE, MIN_RECORDS_TO_JUDGE, holds_families

    if choice != "auto":
        print(f"relatives' guard: {choice} (as asked)", flush=True)
        return choice == "on"
    guard = holds_families(frames)
    why = (
        f"a file has {FAMILY_SHARE:.0%} or more records with a relative-like record "
        f"beside them, or fewer than {MIN_RECORDS_TO_JUDGE} records"
        if guard
        else "neither file holds families (records sharing surname and address "
        "with another first name and birth date)"
    )
    print(f"relatives' guard: {'on' if guard else 'off'} ({why})", flush=True)
    return guard


def _decide(pairs: pd.DataFrame, threshold: float, relatives_guard: bool) -> pd.Series:
    from matching.links import auto_match

    return (
        auto_match(pairs, threshold)
        if relatives_guard
        else pairs["match_probability"] >= threshold
    )


def _model_file(path: Path) -> dict:
    from matching.model import load_model

    try:
        model = load_model(path)
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except (ValueError, UnicodeDecodeError):
        raise InputError(f"{path}: not a model file (not JSON)") from None
    if not isinstance(model, dict) or not model.get("comparisons"):
        raise InputError(f"{path}: not a model file (no comparisons)")
    return model


def cmd_review(args: argparse.Namespace) -> int:
    from matching.review import DecisionFileError, export_queue, import_decisions
    from orchestration.lib.warehouse import connect

    if args.action == "export":
        with connect(args.warehouse) as con:
            n = export_queue(con, args.month, Path(args.file))
            _audit_review_queue(con, args.month, Path(args.file), n)
        print(f"{n:,} pairs to review -> {args.file}")
        return EXIT_OK
    target = Path(args.landing) / "reviews" / "decisions.csv"
    try:
        n = import_decisions(Path(args.file), target, args.reviewer)
    except DecisionFileError as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_USAGE
    print(
        f"{n:,} decisions added to {target}; they apply to report months from this one on "
        "(a month's run counts the decisions made by its last day)"
    )
    return EXIT_OK


def _audit_review_queue(con, month: str, path: Path, rows: int) -> None:
    """The review queue holds names and birth dates: it is logged like an office export."""
    import hashlib
    import uuid

    from orchestration.lib.warehouse import append_audit

    append_audit(
        con,
        month,
        pd.DataFrame(
            {
                "run_id": [f"review-export-{uuid.uuid4()}"],
                "office_code": [None],
                "list": ["review_queue"],
                "file": [str(path.resolve())],
                "sha256": [hashlib.sha256(path.read_bytes()).hexdigest()],
                "rows": [rows],
                "written_at": [pd.Timestamp.now(tz="UTC").tz_localize(None)],
            }
        ),
    )


def _config():
    from orchestration.lib.config import PipelineConfig

    return PipelineConfig.from_env()


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="linkages", description=__doc__.split("\n\n")[0])
    sub = p.add_subparsers(dest="command", required=True)

    run = sub.add_parser("run", help="run the monthly pipeline for a month or a range")
    run.add_argument(
        "--landing", required=True, help="folder holding <YYYY-MM>/ extracts"
    )
    run.add_argument(
        "--month", required=True, type=month_range, help="YYYY-MM or YYYY-MM..YYYY-MM"
    )
    run.add_argument(
        "--warehouse",
        help="DuckDB file (default from configuration); with "
        "--engine spark, a local session keeps its tables in spark/ beside it",
    )
    run.add_argument(
        "--engine",
        choices=["duckdb", "spark"],
        help="where tables live and what runs SQL and Splink (default: LINKAGES_ENGINE, "
        "else duckdb); docs/spark.md",
    )
    run.set_defaults(func=cmd_run)

    gen = sub.add_parser(
        "generate", help="write a synthetic county's extracts + ground truth"
    )
    gen.add_argument("--out", required=True)
    gen.add_argument("--start", required=True, help="first report month, YYYY-MM")
    gen.add_argument("--months", type=int, default=12)
    gen.add_argument("--size", choices=["small", "county", "state"], default="small")
    gen.add_argument("--seed", type=int, default=0)
    gen.add_argument("--format", choices=["csv", "parquet"], default="csv")
    gen.add_argument(
        "--noise-level",
        type=float,
        default=1.0,
        help="multiply every record-noise rate by this (default 1.0; 0 = clean records)",
    )
    gen.set_defaults(func=cmd_generate)

    tr = sub.add_parser(
        "train", help="estimate the linkage model on a landed month; save it"
    )
    tr.add_argument("--landing", required=True)
    tr.add_argument("--month", required=True)
    tr.add_argument(
        "--out", help="model file (default matching/models/person_link.json)"
    )
    tr.add_argument("--seed", type=int, default=1)
    tr.add_argument("--max-pairs", type=float, default=5e6)
    tr.set_defaults(func=cmd_train)

    ln = sub.add_parser("link", help="ad hoc person linkage of two CSV files")
    ln.add_argument("left")
    ln.add_argument("right")
    ln.add_argument("--out", required=True)
    ln.add_argument(
        "--model", help="a saved model; default: estimate one on the two files"
    )
    ln.add_argument(
        "--threshold", type=float, help="auto-match threshold (default: configuration)"
    )
    ln.add_argument("--floor", type=float, help="review floor (default: configuration)")
    ln.add_argument(
        "--relatives-guard",
        choices=["auto", "on", "off"],
        default="auto",
        help="on: a pair whose first names or birth dates disagree outright is never a "
        "match, however high it scores (twins, a junior and a senior) -- it goes to "
        "review; off: the threshold alone decides; auto (default): on when either file "
        "holds families, off for files of unrelated people (a register against its "
        "own copy)",
    )
    ln.add_argument(
        "--no-relatives-guard",
        dest="relatives_guard",
        action="store_const",
        const="off",
        help="the same as --relatives-guard off",
    )
    ln.set_defaults(func=cmd_link)

    rv = sub.add_parser(
        "review", help="export the review queue / import reviewers' decisions"
    )
    rv.add_argument("action", choices=["export", "import"])
    rv.add_argument(
        "file", help="the queue CSV to write (export) or read back (import)"
    )
    rv.add_argument("--warehouse", help="export: the warehouse file")
    rv.add_argument("--month", help="export: the report month")
    rv.add_argument(
        "--landing", help="import: the landing folder (decisions go to reviews/)"
    )
    rv.add_argument(
        "--reviewer", help="import: reviewer id for rows that leave it empty"
    )
    rv.set_defaults(func=cmd_review)
    return p


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.WARNING)
    logging.getLogger("dagster").setLevel(
        logging.WARNING
    )  # dbt's progress lines go to run.log
    # Dagster flags partitioned asset checks as "preview"; operators need not see it each month
    warnings.filterwarnings("ignore", message=r".*is currently in (beta|preview).*")
    args = parser().parse_args(argv)
    try:
        return args.func(args)
    except InputError as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_USAGE


if __name__ == "__main__":
    sys.exit(main())
