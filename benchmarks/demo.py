"""`make demo` timed, the project already installed (issue 2's goal: under 5 min).

Runs the README's demo command into a fresh folder with its own Dagster instance,
then reads that instance's step statistics to say where each month's time went.

    python benchmarks/demo.py
"""

from __future__ import annotations

import os
import re
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from record import measure, write_section  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
GOAL_S = 300
# a step's kind, by its key: the first pattern that matches
KINDS = [
    ("dbt", r"^linkages_dbt$"),
    ("gates", r"_contract_gate$|_linkage_gate$"),
    ("ingest", r"^raw__"),
    ("linkage", r"^linkage__|^person_linkage$"),
    ("exports", r"^exports__"),
    ("report", r"^report__"),
    ("analyst copy", r"^analytics__"),
]


def kind(step_key: str) -> str:
    return next((k for k, p in KINDS if re.search(p, step_key)), "other")


def step_times(dagster_home: Path) -> tuple[dict[str, float], float, int]:
    """Seconds per kind of step summed over all runs, the runs' own time, and how many."""
    os.environ["DAGSTER_HOME"] = str(dagster_home)
    import dagster as dg

    instance = dg.DagsterInstance.get()
    by_kind: dict[str, float] = defaultdict(float)
    in_runs, runs = 0.0, instance.get_runs()
    for run in runs:
        stats = instance.get_run_stats(run.run_id)
        in_runs += stats.end_time - stats.start_time
        for step in instance.get_run_step_stats(run.run_id):
            by_kind[kind(step.step_key)] += step.end_time - step.start_time
    return dict(by_kind), in_runs, len(runs)


def minutes(seconds: float) -> str:
    whole_minutes, rest = divmod(round(seconds), 60)  # 359.6 s is 6 min 00 s
    return f"{whole_minutes} min {rest:02d} s"


def main() -> int:
    work = Path(tempfile.mkdtemp(prefix="demo_bench_"))
    home = work / "dagster_home"
    wall, peak, out = measure(
        [
            "make",
            "-C",
            str(ROOT),
            "demo",
            f"DEMO={work / 'demo'}",
            f"DAGSTER_HOME={home}",
        ]
    )
    generated = float(re.search(r"generated in ([\d.]+)s", out).group(1))
    by_kind, in_runs, runs = step_times(home)
    months = len(re.findall(r"^\d{4}-\d{2}: ok", out, re.M))
    steps = " / ".join(f"{by_kind.get(k, 0):.0f}" for k, _ in KINDS)
    body = f"""
`python benchmarks/demo.py`: `make demo` into a fresh folder, the project already installed.

| measure | value | goal |
|---|---|---|
| `make demo`: generate two counties, then 12 months of ingest + gates, linkage, dbt (lists, rule checks, outcome measures, reporting), exports, report, analyst copy, Data Docs | {minutes(wall)} | < {minutes(GOAL_S)} |
| of which generating (as `linkages generate` reports it) | {generated:.0f} s | |
| months run / Dagster runs | {months} / {runs} | |
| the runs' own time, per month | {in_runs / max(months, 1):.1f} s | |
| summed over the runs' steps: {" / ".join(k for k, _ in KINDS)} | {steps} s | |
| outside the runs (start-up, job definition, Data Docs, between months) | {wall - generated - in_runs:.0f} s | |
| peak memory of the command | {peak:.2f} GiB | |
"""
    write_section("make demo", body)
    print(body)
    return 0 if wall < GOAL_S else 1


if __name__ == "__main__":
    sys.exit(main())
