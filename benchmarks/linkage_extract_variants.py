"""The monthly linkage on values real extracts carry and the generator does not make.

One generated county month (seed 1, as `linkage_public.py` makes it) is copied
with one kind of value put on a share of its records, the way a county's system
keys it, and linked as the monthly run links it (`link_month`, the saved model,
household links): a birth date or an SSN standing in for an unknown one, an
address line that says there is none, both given names in the first-name field.
Each against the month as generated: precision and recall of the person links,
the review queue, the linkage's time and its process's peak memory; and, for the
values standardizing reads as missing, the same with those rules switched off (in
this benchmark's process only): what reading them as values would cost.

    python benchmarks/linkage_extract_variants.py [--data DIR]
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from record import measure, write_section  # noqa: E402

MONTH = "2026-10"
# the landing files the monthly linkage reads (people, case addresses, families)
FILES = [
    "calworks_persons",
    "calworks_cases",
    "cws_clients",
    "cws_case_participants",
    "cws_allegations",
]
SEED = 7


def _pick(files: dict, name: str, share: float, rng, where=None) -> pd.Series:
    rows = rng.random(len(files[name])) < share
    return pd.Series(rows, index=files[name].index) & (True if where is None else where)


# each system's file of people and its birth-date column
BIRTH_DATES = {
    "calworks": ("calworks_persons", "date_of_birth"),
    "cws": ("cws_clients", "birth_date"),
}


def _birth_date(value: str, share: float, systems=("calworks", "cws")):
    def put(files: dict, rng) -> None:
        for system in systems:
            name, column = BIRTH_DATES[system]
            files[name].loc[_pick(files, name, share, rng), column] = value

    return put


def _ssn(value: str, share: float):
    def put(files: dict, rng) -> None:
        for name in ("calworks_persons", "cws_clients"):
            files[name].loc[_pick(files, name, share, rng), "ssn"] = value

    return put


def _address(value: str, share: float):
    def put(files: dict, rng) -> None:
        for name in ("calworks_cases", "cws_clients"):
            files[name].loc[_pick(files, name, share, rng), "address_line1"] = value

    return put


def _given_names_in_one_field(share: float):
    def put(files: dict, rng) -> None:
        clients = files["cws_clients"]
        rows = _pick(files, "cws_clients", share, rng, clients["middle_name"].ne(""))
        clients.loc[rows, "first_name"] = (
            clients.loc[rows, "first_name"] + " " + clients.loc[rows, "middle_name"]
        )
        clients.loc[rows, "middle_name"] = ""

    return put


# the variants whose values standardizing reads as missing (the others have a
# comparison level, or nothing, to switch off)
READ_AS_MISSING = ("birth date", "SSN", "address line")


def rules_off() -> None:
    """Standardizing's stand-in and no-address rules switched off, in this process."""
    import matching.standardize as st

    st.STAND_IN_BIRTH_DATES = frozenset()
    st.STAND_IN_SSNS = frozenset()
    st.STAND_IN_MIN_RECORDS = float("inf")
    st.NO_ADDRESS = frozenset()


VARIANTS = {
    "as generated": lambda files, rng: None,
    "birth date 01/01/1900 on 2% of each system's people": _birth_date(
        "01/01/1900", 0.02
    ),
    "birth date 2000-01-01 (a system's default) on 0.5% of CWS clients": _birth_date(
        "2000-01-01", 0.005, systems=("cws",)
    ),
    "SSN 888-88-8888 on 1% of each system's people": _ssn("888-88-8888", 0.01),
    "address line HOMELESS on 3% of CalWORKs cases and CWS clients": _address(
        "HOMELESS", 0.03
    ),
    "both given names in the first-name field on 10% of CWS clients with a middle name": _given_names_in_one_field(
        0.10
    ),
}


def copy_with(source: Path, target: Path, variant: str) -> Path:
    """The month's landing files under `target`/MONTH with `variant` put on them."""
    month = target / MONTH
    month.mkdir(parents=True)
    files = {
        name: pd.read_csv(
            source / "landing" / MONTH / f"{name}.csv", dtype=str, keep_default_na=False
        )
        for name in FILES
    }
    VARIANTS[variant](files, np.random.default_rng(SEED))
    for name, df in files.items():
        df.to_csv(month / f"{name}.csv", index=False)
    return month


def link_one(month: Path, truth_csv: Path) -> dict:
    """The monthly linkage of one landing month, scored against the truth."""
    from linkage_quality import link_landing_month, links_scored

    records, result, seconds = link_landing_month(month)
    scored = links_scored(result, pd.read_csv(truth_csv, dtype=str), records)
    return {
        "precision": scored["precision"],
        "recall": scored["recall"],
        "links": scored["links"],
        "queue": len(result.review_queue),
        "pairs": len(result.pairs),
        "seconds": seconds,
        "stand_ins": result.stand_ins,
    }


def _linked(month: Path, source: Path, *extra: str) -> tuple[dict, float]:
    """link_one in a child process: its answer and the child's peak memory (GiB)."""
    _, peak, out = measure(
        [
            sys.executable,
            __file__,
            "--one",
            str(month),
            "--truth",
            str(source / "truth" / "person_records.csv"),
            *extra,
        ]
    )
    return json.loads(out.strip().splitlines()[-1]), peak


def _row(variant: str, got: dict, peak: float, off: tuple[dict, float] | None) -> str:
    missing = ", ".join(
        f"{system} {field.replace('_', ' ')} {n:,}"
        for system, fields in got["stand_ins"].items()
        for field, n in fields.items()
        if n
    )
    if off is None:
        rules_off_cells = "— | — | — | —"
    else:
        o, o_peak = off
        rules_off_cells = (
            f"{o['precision']:.4f} / {o['recall']:.4f} | {o['queue']:,} |"
            f" {o['seconds']:.0f} s | {o_peak:.2f} GiB"
        )
    return (
        f"| {variant} | {got['precision']:.4f} / {got['recall']:.4f} |"
        f" {got['links']:,} | {got['queue']:,} | {got['seconds']:.0f} s |"
        f" {peak:.2f} GiB | {missing or '—'} | {rules_off_cells} |"
    )


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--data", help="folder to keep / reuse the generated county data in")
    p.add_argument(
        "--one", help=argparse.SUPPRESS
    )  # a landing month: link it, print JSON
    p.add_argument("--truth", help=argparse.SUPPRESS)
    p.add_argument("--rules-off", action="store_true", help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.one:
        if args.rules_off:
            rules_off()
        print(json.dumps(link_one(Path(args.one), Path(args.truth))))
        return 0

    from linkage_public import generated

    tmp = tempfile.TemporaryDirectory()
    data = Path(args.data) if args.data else Path(tmp.name) / "generated"
    source = generated(data, "county")
    rows = []
    try:
        for i, variant in enumerate(VARIANTS):
            month = copy_with(source, Path(tmp.name) / f"variant{i}", variant)
            got, peak = _linked(month, source)
            off = (
                _linked(month, source, "--rules-off")
                if variant.startswith(READ_AS_MISSING)
                else None
            )
            rows.append(_row(variant, got, peak, off))
            print(rows[-1], flush=True)
            shutil.rmtree(month.parent)
    finally:
        tmp.cleanup()
    table = "\n".join(rows)
    write_section(
        "Linkage on extract values the generator does not make",
        f"""`python benchmarks/linkage_extract_variants.py`: one generated `county` month
(`{MONTH}`, seed 1) linked as the monthly run links it (`link_month`, the saved model,
household links), as generated and with one kind of value real extracts carry put on a
share of its records (random rows, seed {SEED}): birth dates and SSNs that stand in for
an unknown one, an address line that says there is none, both given names in the
first-name field. Precision / recall of the CalWORKs x CWS person links against the
generator's truth; the review queue; the linkage's time (`link_month`) and its
process's peak memory (reading the files included); the values standardizing read as
missing, per system. *Rules off*: the same month with standardizing's stand-in and
no-address rules switched off in the benchmark's process (the values read as values),
for the kinds those rules read as missing.

| extract | P / R | links | review queue | linkage | peak | read as missing | rules off: P / R | review queue | linkage | peak |
|---|---|---|---|---|---|---|---|---|---|---|
{table}
""",
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
