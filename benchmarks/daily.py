"""The daily route (contract v2, #19) at `county` size: one day's run (time, peak
memory; goal: 30 daily runs <= 30 min) and its notices against the generator's
truth of the day each family became mutual (goal: >= 99% noticed on the very day),
beside the monthly route's figure from the same truth.

    python benchmarks/daily.py [--data DIR] [--days 3|all] [--size county]

It generates `--months 1 --daily 1` (or reuses DIR), then runs the month's last
`--days` days in order with `linkages run --day A..B`, one command per day so each
is measured on its own; the first is the route's baseline (no notices). `all` (or
any number past the month's length) runs every day of the month.

The monthly route identifies a family that became mutual on day D only in the run
on the 3rd of the next month (orchestration/schedules.py, cron `0 6 3 * *`): its
delay is that run day - D.
"""

import argparse
import statistics
import sys
import tempfile
from pathlib import Path

import duckdb
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from record import measure, write_section  # noqa: E402

MONTH = "2026-10"
NOTICE = ["calworks_case_number", "cws_case_id", "referral_id"]
RUN_DAY = 3  # the monthly schedule's day of month (orchestration/schedules.py)


def families(frame: pd.DataFrame) -> set[tuple]:
    return {
        tuple(None if pd.isna(v) else v for v in row)
        for row in frame[NOTICE].itertuples(index=False)
    }


def monthly_run(day: pd.Timestamp) -> pd.Timestamp:
    """The monthly run that first lists a family that became mutual on `day`."""
    return (pd.Period(day, "M") + 1).start_time + pd.Timedelta(days=RUN_DAY - 1)


def delays(days: list[int | None]) -> tuple[str, str, str]:
    """Share on the very day (None = never identified), mean and median days."""
    known = [d for d in days if d is not None]
    share = sum(d == 0 for d in known) / len(days) if days else float("nan")
    if not known:
        return f"{share:.4f}", "", ""
    return (
        f"{share:.4f}",
        f"{statistics.mean(known):.2f}",
        f"{statistics.median(known):g}",
    )


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--data", help="folder to keep / reuse the generated data in")
    p.add_argument(
        "--days",
        default="3",
        help="how many of the month's last days to run; all: every day",
    )
    p.add_argument("--size", default="county")
    args = p.parse_args()
    n_days = 10**6 if args.days == "all" else int(args.days)
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
    days = sorted(p.name for p in (data / "landing" / "daily").iterdir())[-n_days:]
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
    noticed_on: dict[tuple, list] = {}  # family -> the days it was noticed
    truth_days: list[tuple] = []  # (the day it became mutual, family)
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
            for f in a:
                noticed_on.setdefault(f, []).append(pd.Timestamp(day))
            truth_days += [(pd.Timestamp(day), f) for f in b]
    daily_delay = []  # days from becoming mutual to the first notice on or after it
    for d, f in truth_days:
        later = [n for n in noticed_on.get(f, []) if n >= d]
        daily_delay.append((min(later) - d).days if later else None)
    monthly_delay = [(monthly_run(d) - d).days for d, _ in truth_days]
    walls = [wall for _, wall, _ in runs]
    peaks = [peak for _, _, peak in runs]
    slowest = max(runs, key=lambda r: r[1])
    body = [
        f"`python benchmarks/daily.py --size {args.size} --days {args.days}`: "
        f"`linkages generate --start {MONTH} --months 1 --daily 1 --size {args.size} --seed 1` "
        f"({gen_note}; the month's days take {disk / 2**30:.2f} GiB as Parquet), then "
        f"`linkages run --day D` for {len(days)} days of the month ({days[0]}..{days[-1]}), "
        "one command each, on a new warehouse.",
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
        f"All {len(runs)} runs: {sum(walls) / 60:.1f} min in total "
        f"(goal: 30 daily runs <= 30 min); slowest {slowest[0]}, {slowest[1]:.0f} s. "
        f"Per run: wall {min(walls):.0f} / {statistics.median(walls):.0f} / "
        f"{max(walls):.0f} s, peak memory {min(peaks):.2f} / "
        f"{statistics.median(peaks):.2f} / {max(peaks):.2f} GiB (min / median / max).",
        "",
        f"Notices on the days after the baseline: {noticed:,} noticed, {true:,} true newly "
        f"mutual families, {same_day:,} of them noticed on their very day: "
        f"{share:.4f} (goal >= 0.99); of the notices, {precision:.4f} are true.",
        "",
        "The same true families by route, days from becoming mutual to being identified "
        f"(daily: the first notice on or after that day, "
        f"{sum(d is None for d in daily_delay):,} never noticed, not in the mean and "
        f"median; monthly: the run on day {RUN_DAY} of the next month):",
        "",
        "| route | identified on the very day | mean days | median days |",
        "|---|---|---|---|",
        "| daily | {} | {} | {} |".format(*delays(daily_delay)),
        "| monthly | {} | {} | {} |".format(*delays(monthly_delay)),
    ]
    write_section(f"The daily route, {args.size} size", "\n".join(body))
    print("\n".join(body))


if __name__ == "__main__":
    main()
