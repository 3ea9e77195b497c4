"""`linkages`: the command line (CONTRACT.md §7).

    linkages run --landing DIR --month YYYY-MM[..YYYY-MM] [--warehouse FILE] [--engine duckdb|spark|postgres]
    linkages db grant [--admin-user ROLE]
    linkages generate --out DIR --start YYYY-MM --months N --size small|county|state --seed N
    linkages train --landing DIR --month YYYY-MM [--out MODEL.json]
    linkages link LEFT.csv RIGHT.csv --out PAIRS.csv [--model MODEL.json]
    linkages review export QUEUE.csv --warehouse FILE --month YYYY-MM
    linkages review import QUEUE.csv --landing DIR [--reviewer ID]
    linkages review serve --warehouse FILE --landing DIR [--port N] [--host H]
    linkages review add-reviewer ID --landing DIR [--password-stdin]
    linkages review disable-reviewer ID --landing DIR

`run` executes the Dagster asset graph in process, one report month at a time,
and exits 0 only if every step and every blocking check passed (runner.py).
"""

import argparse
import logging
import os
import re
import sys
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from orchestration.runner import EXIT_BUSY, EXIT_OK

EXIT_USAGE = 2


def _periods(text: str, freq: str, shape: str, what: str) -> list[str]:
    """'A' or 'A..B' -> the periods (freq "M": months, "D": days) from A to B, in
    order; each end must look like `shape` (pandas reads a day as a month, too)."""
    ends = text.partition("..")[::2]
    ends = [ends[0], ends[1] or ends[0]]
    try:
        if not all(re.fullmatch(shape, e) for e in ends):
            raise ValueError
        start, end = (pd.Period(e, freq) for e in ends)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a {what}: {text!r}") from None
    if end < start:
        raise argparse.ArgumentTypeError(f"range ends before it starts: {text!r}")
    return [str(start + i) for i in range((end - start).n + 1)]


def month_range(text: str) -> list[str]:
    """'2025-11' or '2025-11..2026-02' -> the report months, in order."""
    return _periods(text, "M", r"\d{4}-\d{2}", "month or range of months")


def day_range(text: str) -> list[str]:
    """'2026-10-05' or '2026-10-05..2026-10-09' -> the days, in order."""
    return _periods(text, "D", r"\d{4}-\d{2}-\d{2}", "day or range of days")


def cmd_run(args: argparse.Namespace) -> int:
    from orchestration.lib.config import PipelineConfig
    from orchestration.lib.warehouse import WarehouseBusy, run_lock, warehouse_type
    from orchestration.runner import run_days, run_months

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
    if args.day:
        if config.engine != "duckdb":
            print("--day: the daily route runs on DuckDB only", file=sys.stderr)
            return EXIT_USAGE
        # partitions must reach back to the first day asked for
        first = min(filter(None, (config.first_day, args.day[0])))
        config = config.replaced(first_day=first)
        lock, run = config.for_days().warehouse_path, lambda: run_days(config, args.day)
    else:
        # partitions must reach back to the first month asked for
        first = min(filter(None, (config.first_month, args.month[0])))
        config = config.replaced(first_month=first)
        lock, run = config.warehouse_path, lambda: run_months(config, args.month)
    try:
        with run_lock(lock):
            return run()
    except WarehouseBusy as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_BUSY
    finally:
        warehouse_type(config).end_process()


def cmd_db(args: argparse.Namespace) -> int:
    """`linkages db grant`: the roles of docs/security.md on the configured database."""
    from orchestration.lib.config import PipelineConfig
    from orchestration.lib.grants import grant

    config = PipelineConfig.from_env()
    ran = grant(config, args.admin_user)
    print(
        f"{config.pg_database} on {config.pg_host}:{config.pg_port}: "
        f"roles and grants in place ({len(ran)} statements)"
    )
    return EXIT_OK


# What a later month reads of an earlier one: its lists (the history of identified
# families), its case reviews (identification dates) and its person keys (carried on).
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
        extract_noise_level=args.extract_noise_level,
        counties=args.counties,
        review_share=args.review_share,
        daily_months=args.daily,
    )
    print(f"generated in {timings['total_s']:.1f}s -> {Path(args.out) / 'landing'}")
    return EXIT_OK


class InputError(ValueError):
    """An input file the command cannot use: one line naming the file and the problem."""


# separators a spreadsheet may write instead of the contract's comma
OTHER_SEPARATORS = {";": "semicolons", "\t": "tabs", "|": "vertical bars"}
# more of a file's given birth dates than this unreadable is a format, not noise
MOST_DATES_UNREADABLE = 0.5


def _read_text_table(path: Path) -> pd.DataFrame:
    """A CSV (or Parquet) file as text, blanks as None; InputError when unreadable."""
    try:
        if path.suffix == ".parquet":
            return pd.read_parquet(path).astype(object).where(lambda d: d.notna(), None)
        df = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except UnicodeDecodeError:
        # no line found: the file changed between the two reads
        line = _first_line_not_utf8(path)
        raise InputError(
            f"{path}: {f'line {line}: ' if line else ''}not UTF-8 text (a"
            ' spreadsheet saves it as such with the format "CSV UTF-8")'
        ) from None
    except pd.errors.EmptyDataError:
        raise InputError(f"{path}: empty (no header row)") from None
    except (pd.errors.ParserError, ValueError, OSError) as exc:
        raise InputError(
            f"{path}: cannot be read as {path.suffix.lstrip('.') or 'CSV'} "
            f"({type(exc).__name__})"
        ) from None
    df.columns = [str(c).strip().lower() for c in df.columns]
    if path.suffix != ".parquet" and len(df.columns) == 1:
        other = next((sep for sep in OTHER_SEPARATORS if sep in df.columns[0]), None)
        if other is not None:
            raise InputError(
                f"{path}: the header is one column holding {OTHER_SEPARATORS[other]}:"
                " fields must be separated by commas"
            )
    return df.astype(object).replace("", None)


def _first_line_not_utf8(path: Path) -> int | None:
    """The first line (the header is 1) that is not UTF-8; a newline byte is never
    inside a UTF-8 character, so lines can be decoded one by one."""
    with path.open("rb") as f:
        for number, line in enumerate(f, start=1):
            try:
                line.decode("utf-8")
            except UnicodeDecodeError:
                return number
    return None


def _landing_file(month_dir: Path, name: str) -> Path:
    for suffix in (".csv", ".parquet"):
        if (month_dir / f"{name}{suffix}").exists():
            return month_dir / f"{name}{suffix}"
    raise InputError(f"{month_dir / name}.csv: no such file")


# what the linkage reads of each landed file, as month_records reads it from raw
_PEOPLE_FILES = {
    "calworks_persons": (
        ["person_id", "case_number"],
        ["person_id", "case_number", "first_name", "middle_name", "last_name"]
        + ["date_of_birth", "sex", "ssn"],
    ),
    "calworks_cases": (
        ["case_number"],
        ["case_number", "address_line1", "city", "zip"],
    ),
    "cws_clients": (
        ["client_id"],
        ["client_id", "first_name", "middle_name", "last_name", "birth_date", "sex"]
        + ["ssn", "address_line1", "city", "zip"],
    ),
}


def _landing_people(month_dir: Path) -> dict:
    """A month's people straight from the landing files (training is offline),
    read by the monthly linkage's own queries (matching.links.month_records, a
    CalSAWS person once) over the landed text in an in-memory DuckDB."""
    import duckdb

    from matching.links import month_records
    from matching.people import create_calworks_people
    from orchestration.lib.warehouse import DuckDBWarehouse

    with duckdb.connect() as con:
        con.execute("create schema raw")
        for name, (needed, columns) in _PEOPLE_FILES.items():
            path = _landing_file(month_dir, name)
            df = _read_text_table(path)
            missing = [c for c in needed if c not in df.columns]
            if missing:
                raise InputError(
                    f"{path}: required column missing: {', '.join(missing)}"
                )
            landed = df.reindex(columns=columns).astype(object)
            con.register("_landed", landed.where(landed.notna(), None))
            con.execute(
                f"create table raw.{name} as select *, ? as report_month from _landed",
                [month_dir.name],
            )
            con.unregister("_landed")
        create_calworks_people(con)
        return month_records(DuckDBWarehouse(con), month_dir.name)


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
    _model_charts(model, path, plan, args.charts)
    return EXIT_OK


# the shipped model's charts, shown in docs/linkage.md
DOCS_MODEL_CHARTS = Path(__file__).resolve().parents[1] / "docs" / "model"


def _model_charts(model: dict, path: Path, plan: dict, folder: str | None) -> None:
    """Splink's charts of the new model beside it (the shipped model's in
    docs/model/), and, when runs are recorded (DAGSTER_HOME), the training as a
    materialization of the model asset carrying them."""
    from matching.charts import save_model_charts
    from matching.model import MODEL_PATH

    if folder is None:
        shipped = path.resolve() == MODEL_PATH.resolve()
        folder = DOCS_MODEL_CHARTS if shipped else path.with_name(f"{path.stem}_charts")
    charts = save_model_charts(model, Path(folder))
    print(f"charts: {', '.join(str(p['png']) for p in charts.values())}")
    if os.environ.get("DAGSTER_HOME"):
        from orchestration.defs.linkage.assets import record_training
        from orchestration.lib.instance import recorded_instance

        record_training(recorded_instance(), path, charts, plan)
        print("training recorded on asset linkage/person_link_model (Dagster UI)")


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
    _report_columns(df, path)
    frame = standardize(df.assign(record_id=ids).reindex(columns=PERSON_COLUMNS), name)
    _report_stand_ins(df, frame, path)
    _birth_dates_readable(df, frame, path)
    return frame


def _report_columns(df: pd.DataFrame, path: Path, shown: int = 10) -> None:
    """The file's columns that `linkages link` does not read, with those it reads
    that the file lacks (read as empty): a file that names its birth date `dob`
    links on the names alone, and that should not pass unsaid. Names of columns
    only (the header holds record_id: it is a header, not a record)."""
    from matching.standardize import PERSON_COLUMNS

    unread = [c for c in df.columns if c not in PERSON_COLUMNS]
    if not unread:
        return
    more = f", and {len(unread) - shown} more" if len(unread) > shown else ""
    lacking = [c for c in PERSON_COLUMNS if c not in df.columns]
    print(
        f"{path}: columns not read: {', '.join(unread[:shown])}{more}"
        + (f" (read as empty: {', '.join(lacking)})" if lacking else ""),
        flush=True,
    )


# each field whose stand-ins standardize reads as missing: its input column, in words
STAND_IN_WORDS = {
    "birth_date": ("date_of_birth", "birth dates"),
    "ssn": ("ssn", "SSNs"),
}


def _report_stand_ins(df: pd.DataFrame, frame: pd.DataFrame, path: Path) -> None:
    """The values that standardizing (`frame`, row for row) read as missing because
    they stand in for an unknown one: counted, by row, no value shown."""
    from matching.standardize import STAND_IN_FIELDS

    for field in STAND_IN_FIELDS:
        column, words = STAND_IN_WORDS[field]
        stand_in = frame[f"{field}_stand_in"].to_numpy(dtype=bool)
        if stand_in.any():
            given = int(df[column].notna().sum())
            print(
                f"{path}: {int(stand_in.sum()):,} of {given:,} {words} stand in for an"
                f" unknown one (rows {_first_rows(stand_in)}): read as missing",
                flush=True,
            )


def _birth_dates_readable(df: pd.DataFrame, frame: pd.DataFrame, path: Path) -> None:
    """Birth dates given in the file (`df`) that standardizing (`frame`, row for
    row) read as missing. Most: InputError (a whole column read as missing would
    link on names alone, silently). A few: counted, by row, and read as missing.
    Stand-ins for an unknown date (standardize marks them) are dates, reported
    apart (_report_stand_ins)."""
    from matching.standardize import text_or_none

    if "date_of_birth" not in df.columns:
        return
    given_text = df["date_of_birth"].map(text_or_none).notna().to_numpy()
    stand_in = frame["birth_date_stand_in"].to_numpy(dtype=bool)
    bad = given_text & frame["dob"].isna().to_numpy() & ~stand_in
    given = int(df["date_of_birth"].notna().sum())
    if not bad.any():
        return
    count = f"{int(bad.sum()):,} of {given:,}"
    if bad.sum() > MOST_DATES_UNREADABLE * given:
        raise InputError(
            f"{path}: row {int(bad.argmax()) + 2}: date_of_birth is not a birth date"
            f" as YYYY-MM-DD or MM/DD/YYYY ({count} values)"
        )
    print(
        f"{path}: {count} birth dates are not dates (rows {_first_rows(bad)}):"
        " read as missing",
        flush=True,
    )


def _first_rows(rows: np.ndarray, shown: int = 5) -> str:
    """The file's row numbers (the header is row 1) of the first `shown` true rows."""
    numbers = [str(r) for r in rows.nonzero()[0][:shown] + 2]
    return ", ".join(numbers) + (", ..." if rows.sum() > shown else "")


def cmd_link(args: argparse.Namespace) -> int:
    from matching.model import (
        MIN_RECORDS_TO_TRAIN,
        MODEL_PATH,
        TrainingError,
        load_model,
        predict,
        train_and_predict,
        with_prior_of,
    )

    floor = args.floor if args.floor is not None else _config().review_floor
    pairs = None  # scored with the model: training scores them already
    frames = {
        "left_file": _person_file(Path(args.left), "left_file"),
        "right_file": _person_file(Path(args.right), "right_file"),
    }
    if args.model:
        model = _model_file(Path(args.model))
    elif min(len(df) for df in frames.values()) < MIN_RECORDS_TO_TRAIN:
        shipped = load_model(MODEL_PATH)
        model = with_prior_of(frames, shipped)
        prior = model["probability_two_random_records_match"]
        print(
            f"fewer than {MIN_RECORDS_TO_TRAIN} records on a side: too few to estimate a model; "
            f"scoring with the shipped one ({MODEL_PATH.name}), "
            + (
                f"its prior from these files' deterministic matches: {prior:.2g}"
                if model is not shipped
                else "and its prior (no deterministic match in these files)"
            ),
            flush=True,
        )
    else:
        try:
            model, pairs = train_and_predict(frames, floor)
        except TrainingError as exc:
            raise InputError(f"{args.left} and {args.right}: {exc}") from None
    threshold = (
        args.threshold if args.threshold is not None else _config().auto_match_threshold
    )
    if pairs is None:
        pairs = predict(frames, model, floor)
    pairs = pairs.loc[pairs["source_dataset_l"] != pairs["source_dataset_r"]]
    guard = _relatives_guard(args.relatives_guard, frames)
    out = pd.DataFrame(
        {
            "left_record_id": pairs["unique_id_l"],
            "right_record_id": pairs["unique_id_r"],
            "match_probability": pairs["match_probability"].round(6),
            "is_match": _decide(pairs, frames, threshold, guard).map(
                {True: "true", False: "false"}
            ),
        }
    )
    out.to_csv(args.out, index=False)
    linked = int(out["is_match"].eq("true").sum())
    print(
        f"{len(out):,} candidate pairs at or above {floor} -> {args.out}: {linked:,}"
        f" linked (is_match), {len(out) - linked:,} for review"
    )
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


def _decide(
    pairs: pd.DataFrame,
    frames: dict[str, pd.DataFrame],
    threshold: float,
    relatives_guard: bool,
) -> pd.Series:
    from matching.links import two_files_decided

    return (
        two_files_decided(pairs, frames, threshold)
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
    from orchestration.lib.config import PipelineConfig
    from orchestration.lib.warehouse import open_warehouse

    if args.action == "export":
        config = PipelineConfig.from_env(
            warehouse_path=args.warehouse and str(Path(args.warehouse).resolve())
        )
        with open_warehouse(config) as con:
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


def cmd_review_serve(args: argparse.Namespace) -> int:
    from orchestration.lib.config import PipelineConfig
    from orchestration.review.accounts import reviewers_path
    from orchestration.review.app import serve

    warehouse = Path(args.warehouse).resolve()
    if not warehouse.is_file():
        raise InputError(
            f"{warehouse}: no such warehouse file (run the pipeline first)"
        )
    landing = Path(args.landing).resolve()
    if not reviewers_path(landing).is_file():
        raise InputError(
            f"{reviewers_path(landing)}: no reviewer accounts yet "
            "(add one with `linkages review add-reviewer ID --landing DIR`)"
        )
    config = PipelineConfig.from_env(
        warehouse_path=str(warehouse), landing_dir=str(landing)
    )
    serve(config, args.host, args.port)
    return EXIT_OK


def cmd_review_account(args: argparse.Namespace) -> int:
    import getpass

    from orchestration.review.accounts import (
        AccountError,
        add_reviewer,
        disable_reviewer,
        reviewers_path,
    )

    path = reviewers_path(Path(args.landing))
    try:
        if args.action == "disable-reviewer":
            disable_reviewer(path, args.reviewer_id)
            print(f"reviewer {args.reviewer_id} disabled (signed out at the next page)")
            return EXIT_OK
        if args.password_stdin:
            password = sys.stdin.readline().rstrip("\n")
        else:
            password = getpass.getpass(f"password for {args.reviewer_id}: ")
            if getpass.getpass("again: ") != password:
                raise AccountError("the two passwords differ")
        add_reviewer(path, args.reviewer_id, password)
    except AccountError as exc:
        raise InputError(str(exc)) from None
    print(f"reviewer {args.reviewer_id} can sign in (accounts: {path})")
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
    from orchestration.lib.settings import Settings

    return Settings.from_env()


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="linkages", description=__doc__.split("\n\n")[0])
    sub = p.add_subparsers(dest="command", required=True)

    run = sub.add_parser(
        "run",
        help="run the monthly pipeline (or the daily route) for a month or a range",
    )
    run.add_argument(
        "--landing", required=True, help="folder holding <YYYY-MM>/ extracts"
    )
    when = run.add_mutually_exclusive_group(required=True)
    when.add_argument("--month", type=month_range, help="YYYY-MM or YYYY-MM..YYYY-MM")
    when.add_argument(
        "--day",
        type=day_range,
        help="YYYY-MM-DD or YYYY-MM-DD..YYYY-MM-DD: the daily route (contract v2) on "
        "<landing>/daily/<day>/, into the daily warehouse (daily_warehouse.duckdb beside the warehouse)",
    )
    run.add_argument(
        "--warehouse",
        help="DuckDB file (default from configuration); with "
        "--engine spark, a local session keeps its tables in spark/ beside it",
    )
    run.add_argument(
        "--engine",
        choices=["duckdb", "spark", "postgres"],
        help="where tables live and what runs SQL and Splink (default: LINKAGES_ENGINE, "
        "else duckdb); docs/spark.md, docs/postgres.md",
    )
    run.set_defaults(func=cmd_run)

    db = sub.add_parser(
        "db", help="PostgreSQL warehouse: create its roles and grant what each reads"
    )
    db.add_argument("action", choices=["grant"])
    db.add_argument(
        "--admin-user",
        help="connect as this role (a superuser or the database's owner); "
        "default: the configured user (LINKAGES_PG_USER)",
    )
    db.set_defaults(func=cmd_db)

    gen = sub.add_parser(
        "generate", help="write a synthetic county's extracts + ground truth"
    )
    gen.add_argument("--out", required=True)
    gen.add_argument("--start", required=True, help="first report month, YYYY-MM")
    gen.add_argument("--months", type=int, default=12)
    gen.add_argument(
        "--size", choices=["small", "demo", "county", "state"], default="small"
    )
    gen.add_argument(
        "--counties",
        type=int,
        choices=[1, 2],
        default=1,
        help="2: a second county with its own code, offices and review practice",
    )
    gen.add_argument(
        "--review-share",
        type=float,
        default=0.5,
        help="share of identified families given a case review (default 0.5)",
    )
    gen.add_argument("--seed", type=int, default=0)
    gen.add_argument("--format", choices=["csv", "parquet"], default="csv")
    gen.add_argument(
        "--noise-level",
        type=float,
        default=1.0,
        help="multiply every record-noise rate by this (default 1.0; 0 = clean records)",
    )
    gen.add_argument(
        "--extract-noise-level",
        type=float,
        default=1.0,
        help="multiply besides the rates of the noise real extracts have that the others "
        "do not cover (names in each other's fields, a relative's SSN or birth date, "
        "OCR and phonetic misspellings, ...); 3 puts them on ~30%% of CWS clients",
    )
    gen.add_argument(
        "--daily",
        type=int,
        default=0,
        metavar="N",
        help="also a snapshot for each day of the last N months (landing/daily/"
        "YYYY-MM-DD/, Parquet) with the truth of the day each family became mutual",
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
    tr.add_argument(
        "--charts",
        help="folder for the model's charts (default docs/model/ for the shipped "
        "model, else <out>_charts/ beside it)",
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
        "review",
        help="clerical review: the review page, reviewer accounts, queue files",
    )
    rv_sub = rv.add_subparsers(dest="action", required=True)
    export = rv_sub.add_parser("export", help="write the month's queue to a CSV")
    export.add_argument("file", help="the queue CSV to write")
    export.add_argument("--warehouse", help="the warehouse file")
    export.add_argument("--month", required=True, help="the report month")
    export.set_defaults(func=cmd_review)
    imp = rv_sub.add_parser("import", help="append a filled-in queue's decisions")
    imp.add_argument("file", help="the filled-in queue CSV")
    imp.add_argument(
        "--landing", required=True, help="the landing folder (decisions go to reviews/)"
    )
    imp.add_argument("--reviewer", help="reviewer id for rows that leave it empty")
    imp.set_defaults(func=cmd_review)
    srv = rv_sub.add_parser("serve", help="start the review page")
    srv.add_argument("--warehouse", required=True, help="the warehouse file")
    srv.add_argument(
        "--landing", required=True, help="the landing folder (reviews/ is written)"
    )
    srv.add_argument("--port", type=int, default=8050)
    srv.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to listen on (default 127.0.0.1: this machine only)",
    )
    srv.set_defaults(func=cmd_review_serve)
    for action, text in (
        ("add-reviewer", "add a reviewer account, or set a new password"),
        ("disable-reviewer", "disable a reviewer account"),
    ):
        acc = rv_sub.add_parser(action, help=text)
        acc.add_argument("reviewer_id")
        acc.add_argument("--landing", required=True, help="the landing folder")
        if action == "add-reviewer":
            acc.add_argument(
                "--password-stdin",
                action="store_true",
                help="read the password from standard input instead of prompting",
            )
        acc.set_defaults(func=cmd_review_account)
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
