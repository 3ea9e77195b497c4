"""Shared by the benchmarks: run a command, measure it, write the result into
docs/benchmarks.md under the benchmark's own heading (replacing the last one)."""

import datetime as dt
import os
import platform
import re
import subprocess
import sys
import time
from pathlib import Path

DOC = Path(__file__).resolve().parent.parent / "docs" / "benchmarks.md"


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem_gib = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"{os.cpu_count()} cores ({cpu}), {mem_gib:.0f} GiB, Python {platform.python_version()}"


# runs the command as its own child, so the peak is that command's alone
_WRAPPER = (
    "import resource, subprocess, sys; r = subprocess.run(sys.argv[1:]);"
    " print('MAXRSS_KB', resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr);"
    " sys.exit(r.returncode)"
)


def measure(cmd: list[str]) -> tuple[float, float, str]:
    """Wall seconds, peak RSS in GiB of the command, and its output."""
    t0 = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-c", _WRAPPER, *cmd], capture_output=True, text=True
    )
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        sys.stderr.write(proc.stdout[-5000:] + proc.stderr[-5000:])
        raise SystemExit(
            f"benchmark command failed ({proc.returncode}): {' '.join(cmd)}"
        )
    kb = int(proc.stderr.rsplit("MAXRSS_KB", 1)[1].split()[0])
    return wall, kb / 2**20, proc.stdout


def write_section(title: str, body: str) -> None:
    stamp = dt.date.today().isoformat()
    section = f"## {title}\n\n_Measured {stamp} on {machine()}._\n\n{body.strip()}\n"
    text = (
        DOC.read_text()
        if DOC.exists()
        else "# Benchmarks\n\nWritten by `benchmarks/*.py`; each section is replaced when its benchmark reruns.\n"
    )
    pattern = re.compile(rf"^## {re.escape(title)}\n.*?(?=^## |\Z)", re.S | re.M)
    text = (
        pattern.sub(section + "\n", text)
        if pattern.search(text)
        else text.rstrip() + "\n\n" + section
    )
    DOC.write_text(text)
