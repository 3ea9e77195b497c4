"""Two months end to end (`linkages run`) at each generator size -- a first month on
a new warehouse, then the next on it, with last month's person keys -- with the
time and peak memory of every stage, and how time grows with the number of records.

    python benchmarks/scale.py [--sizes small,county,state] [--work /tmp/linkages_scale]
    python benchmarks/scale.py --engine spark --sizes small     # the same on local Spark
    python benchmarks/scale.py --engine postgres --sizes small  # PostgreSQL, beside DuckDB

The PostgreSQL run needs a server (LINKAGES_PG_HOST / LINKAGES_PG_PORT) and a role
allowed to drop and create the database (LINKAGES_PG_ADMIN, default postgres): each
size starts on a new database, with `linkages db grant`. Its figures leave out the
server's own memory; a DuckDB run of the same size is measured right after, for
the ratio of the two under the same load.

Goals for one month: county < 3 min and < 6 GiB, state < 15 min and < 16 GiB.
Stages come from the run's Dagster step events (start and end of each step);
memory is sampled every 0.2 s over the whole process tree (dbt runs as a child).
"""

import argparse
import math
import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from record import write_section  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
# the second month carries the first's person keys and history, as every month
# after a county's first does
MONTHS = ("2026-10", "2026-11")
GOALS = {"county": (180, 6.0), "state": (900, 16.0)}  # seconds, GiB
STAGES = ["startup", "ingest", "gates", "linkage", "dbt", "exports", "report"]


def stage_of(step_key: str) -> str:
    if "linkages_dbt" in step_key:
        return "dbt"
    # the linkage asset and its checks, not the enrollment file whose name says "linkages"
    if step_key == "person_linkage" or step_key.startswith("linkage__"):
        return "linkage"
    if "office_lists" in step_key:
        return "exports"
    if "evaluation" in step_key or "analyst_copy" in step_key:
        return "report"
    if "gate" in step_key or "data_docs" in step_key:
        return "gates"
    return "ingest"


def tree_rss_bytes(pid: int) -> int:
    """Resident memory of a process and all its descendants, from /proc."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            fields = stat.rsplit(")", 1)[1].split()
            children.setdefault(int(fields[1]), []).append(int(entry.name))
            rss[int(entry.name)] = int(fields[21]) * os.sysconf("SC_PAGE_SIZE")
        except (OSError, IndexError, ValueError):
            continue
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        total += rss.get(p, 0)
        todo.extend(children.get(p, []))
    return total


class Sampler(threading.Thread):
    def __init__(self, pid: int):
        super().__init__(daemon=True)
        self.pid, self.samples, self.done = pid, [], threading.Event()

    def run(self):
        while not self.done.is_set():
            self.samples.append((time.time(), tree_rss_bytes(self.pid)))
            time.sleep(0.2)

    def peak(self, start: float, end: float) -> float:
        inside = [b for t, b in self.samples if start <= t <= end]
        return max(inside, default=0) / 2**30


def generate(work: Path, size: str) -> Path:
    out = work / size
    if not all((out / "landing" / m).exists() for m in MONTHS):
        subprocess.run(
            [
                BIN / "linkages",
                "generate",
                "--out",
                out,
                "--start",
                MONTHS[0],
                "--months",
                str(len(MONTHS)),
                "--size",
                size,
                "--seed",
                "1",
            ],
            check=True,
            stdout=subprocess.DEVNULL,
        )
    return out


def step_times(home: Path) -> list[tuple[str, float, float]]:
    """(step key, start, end) of every step of the one run in a Dagster home."""
    import dagster as dg

    os.environ["DAGSTER_HOME"] = str(home)
    with dg.DagsterInstance.get() as instance:
        run = instance.get_runs(limit=1)[0]
        starts, steps = {}, []
        for record in instance.all_logs(run.run_id):
            event = record.dagster_event
            if event is None or record.step_key is None:
                continue
            if event.event_type_value == "STEP_START":
                starts[record.step_key] = record.timestamp
            elif event.event_type_value in ("STEP_SUCCESS", "STEP_FAILURE"):
                steps.append(
                    (record.step_key, starts[record.step_key], record.timestamp)
                )
    return steps


def new_database() -> None:
    """A new, empty PostgreSQL warehouse with its roles (engine postgres)."""
    import psycopg2

    from orchestration.lib.config import PipelineConfig
    from orchestration.lib.grants import grant

    config = PipelineConfig.from_env()
    admin = os.environ.get("LINKAGES_PG_ADMIN", "postgres")
    con = psycopg2.connect(
        host=config.pg_host, port=config.pg_port, user=admin, dbname="postgres"
    )
    con.autocommit = True
    with con.cursor() as cur:
        cur.execute(f"drop database if exists {config.pg_database} with (force)")
        cur.execute(f"create database {config.pg_database}")
    con.close()
    grant(config, admin)


def run_months(work: Path, size: str, engine: str) -> list[dict]:
    """MONTHS one after the other on a new warehouse: a first month, then one with
    last month's keys."""
    data = generate(work, size)
    if engine == "postgres":
        new_database()
    home = data / "dagster_home"
    for old in (
        home,
        data / "warehouse.duckdb",
        data / "exports",
        data / "reports",
        data / "spark",
    ):
        shutil.rmtree(old, ignore_errors=True) if old.is_dir() else old.unlink(
            missing_ok=True
        )
    home.mkdir()
    shutil.copy(ROOT / "orchestration" / "dagster.yaml", home / "dagster.yaml")
    return [
        run_month(data, home, month, size, engine, "" if n == 0 else ", next month")
        for n, month in enumerate(MONTHS)
    ]


def run_month(
    data: Path, home: Path, month: str, size: str, engine: str, label: str
) -> dict:
    env = {**os.environ, "DAGSTER_HOME": str(home)}
    cmd = [
        BIN / "linkages",
        "run",
        "--landing",
        data / "landing",
        "--month",
        month,
        "--warehouse",
        data / "warehouse.duckdb",
        "--engine",
        engine,
    ]
    t0 = time.time()
    proc = subprocess.Popen(
        cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )
    sampler = Sampler(proc.pid)
    sampler.start()
    _, err = proc.communicate()
    t1 = time.time()
    sampler.done.set()
    sampler.join()
    if proc.returncode != 0:
        raise SystemExit(
            f"{size} {month}: linkages run failed ({proc.returncode}):\n{err[-3000:]}"
        )
    steps = step_times(home)
    stage_time = dict.fromkeys(STAGES, 0.0)
    stage_peak = dict.fromkeys(STAGES, 0.0)
    for key, start, end in steps:
        stage = stage_of(key)
        stage_time[stage] += end - start
        stage_peak[stage] = max(stage_peak[stage], sampler.peak(start, end))
    first = min(start for _, start, _ in steps)
    stage_time["startup"] = first - t0
    stage_peak["startup"] = sampler.peak(t0, first)
    records = sum(
        len(pd.read_csv(data / "landing" / month / f"{f}.csv", usecols=[0]))
        for f in ("calworks_persons", "cws_clients")
    )
    return {
        "size": size,
        "label": size + label,
        "records": records,
        "wall": t1 - t0,
        "peak": sampler.peak(t0, t1),
        "time": stage_time,
        "mem": stage_peak,
    }


def exponent(a: dict, b: dict, value) -> str:
    if b["records"] <= a["records"]:
        return "—"
    return (
        f"{math.log(value(b) / value(a)) / math.log(b['records'] / a['records']):.2f}"
    )


def report(results: list[dict], engine: str = "duckdb") -> str:
    """The goals are for the embedded default; Spark is measured for the record."""
    head = (
        "| size | person records | "
        + " | ".join(STAGES)
        + " | whole month | peak memory | goal |"
    )
    lines = [head, "|" + "---|" * (len(STAGES) + 5)]
    for r in results:
        stages = " | ".join(
            f"{r['time'][s]:.0f} s / {r['mem'][s]:.1f} GiB" for s in STAGES
        )
        goal = GOALS.get(r["size"]) if engine == "duckdb" else None
        goal_text = f"< {goal[0] // 60:.0f} min, < {goal[1]:.0f} GiB" if goal else ""
        met = (
            ""
            if not goal
            else (
                " (met)"
                if r["wall"] < goal[0] and r["peak"] < goal[1]
                else " (NOT met)"
            )
        )
        lines.append(
            f"| {r['label']} | {r['records']:,} | {stages} | {r['wall']:.0f} s | "
            f"{r['peak']:.2f} GiB | {goal_text}{met} |"
        )
    text = "\n".join(lines)
    text += "\n\nEach stage: time / peak memory of the process tree during it. Growth of time with\n"
    text += "person records (exponent k in time ~ records^k; 1 is linear):\n\n"
    text += "| from → to | whole month | linkage | dbt | ingest + gates |\n|---|---|---|---|---|\n"
    firsts = [r for r in results if r["label"] == r["size"]]
    for a, b in zip(firsts, firsts[1:], strict=False):
        text += (
            f"| {a['size']} → {b['size']} | {exponent(a, b, lambda r: r['wall'])} | "
            f"{exponent(a, b, lambda r: r['time']['linkage'])} | {exponent(a, b, lambda r: r['time']['dbt'])} | "
            f"{exponent(a, b, lambda r: r['time']['ingest'] + r['time']['gates'])} |\n"
        )
    return text


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="small,county,state")
    parser.add_argument("--work", type=Path, default=Path("/tmp/linkages_scale"))
    parser.add_argument(
        "--engine", choices=["duckdb", "spark", "postgres"], default="duckdb"
    )
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    results, beside = [], []
    for size in args.sizes.split(","):
        results += run_months(args.work, size, args.engine)
        print(report(results[-len(MONTHS) :], args.engine), flush=True)
        if args.engine == "postgres":
            beside += run_months(args.work, size, "duckdb")
    body = (
        f"`linkages run --month {MONTHS[0]} --engine {args.engine}` on a new warehouse, then "
        f"`--month {MONTHS[1]}` on it (*next month*: last month's person keys carried on), "
        f"data from `linkages generate --size S --months {len(MONTHS)} --seed 1` "
        "(benchmarks/scale.py).\n\n" + report(results, args.engine)
    )
    if beside:
        body += "\nThe same sizes on DuckDB, measured right after each:\n\n"
        body += report(beside).split("\n\nEach stage")[0] + "\n\n"
        body += "| size | PostgreSQL / DuckDB, whole month | goal |\n|---|---|---|\n"
        for pg, dd in zip(results, beside, strict=True):
            ratio = pg["wall"] / dd["wall"]
            met = "met" if ratio <= 2 else "NOT met"
            body += f"| {pg['label']} | {ratio:.2f} | ≤ 2 ({met}) |\n"
    title = "Scale: one month end to end by size"
    suffix = {"duckdb": "", "spark": ", local Spark", "postgres": ", PostgreSQL"}
    write_section(title + suffix[args.engine], body)


if __name__ == "__main__":
    main()
