"""Generation time and peak memory for the `county` size (goal: < 3 min, < 4 GiB)."""

import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from record import measure, write_section  # noqa: E402

MONTHS = 12


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "county"
        cmd = [
            sys.executable,
            "-m",
            "orchestration.cli",
            "generate",
            "--out",
            str(out),
            "--start",
            "2025-11",
            "--months",
            str(MONTHS),
            "--size",
            "county",
            "--seed",
            "1",
        ]
        wall, peak, _ = measure(cmd)
        last = out / "landing" / "2026-10"
        rows = {
            p.stem: sum(1 for _ in p.open()) - 1 for p in sorted(last.glob("*.csv"))
        }
        size_mb = (
            sum(p.stat().st_size for p in (out / "landing").rglob("*.csv")) / 2**20
        )
    table = "\n".join(f"| {name} | {n:,} |" for name, n in rows.items())
    write_section(
        "Generation, county size",
        f"""`linkages generate --size county --months {MONTHS}` (seed 1).

| measure | value | goal |
|---|---|---|
| wall time, 12 months | {wall:.0f} s | < 180 s |
| peak memory | {peak:.2f} GiB | < 4 GiB |
| landing data written | {size_mb:,.0f} MiB | |

Rows in the last month's extract (2026-10):

| file | rows |
|---|---|
{table}
""",
    )
    print(f"county generation: {wall:.0f}s, peak {peak:.2f} GiB")


if __name__ == "__main__":
    main()
