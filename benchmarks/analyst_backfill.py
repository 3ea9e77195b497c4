"""An analyst holds the analysts' copy open for a whole 12-month backfill.

Generates the demo's 12 months (or reuses `--landing`), then runs `linkages run`
once per month while a second process keeps a read-only connection open on
analytics.duckdb from the moment the first month publishes it, querying it every
2 s. Issue 17's goal: 0 failed runs, and the analyst's queries all answered.

    python benchmarks/analyst_backfill.py [--landing DIR]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from record import write_section  # noqa: E402

MONTHS = [f"2025-{m:02d}" for m in (11, 12)] + [f"2026-{m:02d}" for m in range(1, 11)]
# the analyst: open the copy once it exists, keep that connection, query every 2 s
ANALYST = """
import os, sys, time, duckdb
path, stop = sys.argv[1], sys.argv[2]
con, opened, answered, errors = None, None, 0, 0
while not os.path.exists(stop):
    if con is None and os.path.exists(path):
        con, opened = duckdb.connect(path, read_only=True), time.time()
    if con is not None:
        try:
            con.execute("select count(*) from reporting.rpt_list_counts").fetchone()
            answered += 1
        except duckdb.Error:
            errors += 1
    time.sleep(2)
print(round(time.time() - (opened or time.time())), answered, errors)
"""


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--landing", help="a landing folder holding the 12 demo months")
    args = p.parse_args()
    work = Path(tempfile.mkdtemp(prefix="analyst_backfill_"))
    landing = Path(args.landing) if args.landing else work / "demo" / "landing"
    if not args.landing:
        subprocess.run(
            ["linkages", "generate", "--out", str(work / "demo"), "--start", MONTHS[0]]
            + ["--months", "12", "--size", "small", "--seed", "7"],
            check=True,
        )
    warehouse, stop = work / "warehouse.duckdb", work / "stop"
    analyst = subprocess.Popen(
        [sys.executable, "-c", ANALYST, str(work / "analytics.duckdb"), str(stop)],
        stdout=subprocess.PIPE,
        text=True,
    )
    t0, codes = time.perf_counter(), []
    for month in MONTHS:
        run = ["linkages", "run", "--landing", str(landing), "--month", month]
        codes.append(
            subprocess.run(
                [*run, "--warehouse", str(warehouse)], capture_output=True
            ).returncode
        )
        print(f"{month}: exit {codes[-1]}", flush=True)
    wall = time.perf_counter() - t0
    stop.touch()
    held, answered, errors = analyst.communicate()[0].split()
    failed = sum(c != 0 for c in codes)
    write_section(
        "An analyst holding the analysts' copy open through a backfill",
        f"""
`python benchmarks/analyst_backfill.py`: the demo's 12 months, one `linkages run` a
month, while another process holds a read-only connection on `analytics.duckdb`
(opened once the first month publishes it) and queries it every 2 s.

| months run | failed runs | backfill time | analyst's connection open | queries answered | query errors | goal |
|---|---|---|---|---|---|---|
| {len(codes)} | {failed} | {wall:.0f} s | {held} s | {answered} | {errors} | 0 failed runs |
""",
    )
    print(
        f"failed runs {failed}; analyst open {held} s, {answered} answered, {errors} errors"
    )
    return 1 if failed or int(errors) else 0


if __name__ == "__main__":
    raise SystemExit(main())
