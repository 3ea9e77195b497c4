"""The daily route (contract v2, #19) at `county` size: one day's run (time, peak
memory) and its notices against the generator's truth of the day each family
became mutual (goal: >= 99% noticed on the very day).

    python benchmarks/daily.py [--data DIR] [--days 3] [--size county]

It generates `--months 1 --daily 1` (or reuses DIR), then runs the month's last
`--days` days in order with `linkages run --day A..B`, one command per day so each
is measured on its own; the first is the route's baseline (no notices).
"""

import argparse
import sys
import tempfile
from pathlib import Path

import duckdb
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from record import measure, write_section  # noqa: E402

MONTH = "2026-10"
NOTICE = ["calworks_case_number", "cws_case_id", "referral_id"]


def families(frame: pd.DataFrame) -> set[tuple]:
    return {
        tuple(None if pd.isna(v) else v for v in row)
        for row in frame[NOTICE].itertuples(index=False)
    }


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--data", help="folder to keep / reuse the generated data in")
    p.add_argument("--days", type=int, default=3)
    p.add_argument("--size", default="county")
    args = p.parse_args()
    data = Path(args.data or tempfile.mkdtemp(prefix="daily_bench_"))
    cli = [sys.executable, "-m", "orchestration.cli"]
    gen_note = "reused"
    if not (data / "landing" / "daily").is_dir():
        wall, peak, _ = measure(
            [*cli, "generate", "--out", str(data), "--start", MONTH, "--months", "1"]
            + ["--daily", "1", "--size", args.size, "--seed", "1"]
        )
        gen_note = f"{wall:.0f} s, {peak:.2f} GiB peak"
    disk = sum(
        f.stat().st_size for f in (data / "landing" / "daily").rglob("*") if f.is_file()
    )
    days = sorted(p.name for p in (data / "landing" / "daily").iterdir())[-args.days :]
    work = Path(tempfile.mkdtemp(prefix="daily_run_"))
    runs = []
    for day in days:
        # measure() stops the benchmark when a run exits non-zero (a gate failed)
        wall, peak, _ = measure(
            [*cli, "run", "--landing", str(data / "landing"), "--day", day]
            + ["--warehouse", str(work / "warehouse.duckdb")]
        )
        runs.append((day, wall, peak))
    noticed = true = same_day = 0
    with duckdb.connect(str(work / "daily_warehouse.duckdb"), read_only=True) as con:
        for day in days[1:]:
            got = con.execute(
                "select * from daily.daily_new_mutual_families where as_of_date = ?",
                [day],
            ).df()
            truth = pd.read_csv(
                data / "truth" / "daily" / day / "new_mutual_families.csv", dtype=str
            )
            a, b = families(got), families(truth)
            noticed, true, same_day = (
                noticed + len(a),
                true + len(b),
                same_day + len(a & b),
            )
    body = [
        f"`python benchmarks/daily.py --size {args.size} --days {args.days}`: "
        f"`linkages generate --start {MONTH} --months 1 --daily 1 --size {args.size} --seed 1` "
        f"({gen_note}; the month's days take {disk / 2**30:.2f} GiB as Parquet), then "
        "`linkages run --day D` for the month's last days, one command each, on a new warehouse.",
        "",
        "| day | wall time | peak memory | goal |",
        "|---|---|---|---|",
    ]
    for i, (day, wall, peak) in enumerate(runs):
        role = " (baseline: the route's first day)" if i == 0 else ""
        body.append(
            f"| {day}{role} | {wall:.0f} s | {peak:.2f} GiB | <= 60 s, <= 3 GiB |"
        )
    share = same_day / true if true else float("nan")
    precision = same_day / noticed if noticed else float("nan")
    body += [
        "",
        f"Notices on the days after the baseline: {noticed:,} noticed, {true:,} true newly "
        f"mutual families, {same_day:,} of them noticed on their very day: "
        f"{share:.4f} (goal >= 0.99); of the notices, {precision:.4f} are true.",
    ]
    write_section(f"The daily route, {args.size} size", "\n".join(body))
    print("\n".join(body))


if __name__ == "__main__":
    main()
