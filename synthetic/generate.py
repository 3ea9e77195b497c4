"""`linkages generate`: a demo county's monthly extracts, with ground truth.

Layout written under OUT:

    OUT/landing/<YYYY-MM>/<file>.csv        the extracts, exactly as a county lands them
    OUT/truth/person_records.csv            system, record_id -> true person, noise applied
    OUT/truth/people.csv                    the true people (twins, juniors flagged)
    OUT/truth/<YYYY-MM>/<list>.csv          the true lists and prevention levels

With `daily_months` N > 0, the last N months also get a snapshot for each day and
the truth of the day each family became mutual (synthetic/daily.py):

    OUT/landing/daily/<YYYY-MM-DD>/<file>.parquet
    OUT/truth/daily/<YYYY-MM-DD>/new_mutual_families.csv

The truth folder sits beside the landing folder, never inside it, so the
pipeline cannot see it.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from contract import CASE_REVIEWS
from synthetic import daily as daily_truth
from synthetic import enrollments as enroll
from synthetic.extracts import month_extract
from synthetic.population import (
    SECOND_COUNTY_OFFICE_PREFIX,
    SIZES,
    build_population,
    split_counties,
)
from synthetic.reviews import apply_county_practices, new_reviews
from synthetic.timeline import build_timeline
from synthetic.truth import true_lists


def _to_arrow(df: pd.DataFrame) -> pa.Table:
    arrays = []
    for col in df.columns:
        s = df[col]
        if pd.api.types.is_datetime64_any_dtype(s):
            arr = pa.array(s, from_pandas=True).cast(pa.date32())
        elif pd.api.types.is_numeric_dtype(s) and not isinstance(
            s.dtype, pd.CategoricalDtype
        ):
            arr = pa.array(s, from_pandas=True)
        else:  # identifiers and codes stay text, leading zeros and all
            arr = pa.array(s, from_pandas=True)
            arr = arr.cast(pa.string()) if arr.type != pa.string() else arr
        arrays.append(arr)
    return pa.Table.from_arrays(arrays, names=list(df.columns))


def write_frame(df: pd.DataFrame, path: Path, fmt: str = "csv") -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    table = _to_arrow(df)
    if fmt == "parquet":
        pq.write_table(table, path.with_suffix(".parquet"))
    else:
        opts = pacsv.WriteOptions(quoting_style="needed")
        pacsv.write_csv(table, path.with_suffix(".csv"), write_options=opts)


def generate(
    out: Path,
    start: str,
    months: int,
    size: str = "small",
    seed: int = 0,
    fmt: str = "csv",
    progress: Callable[[str], None] = print,
    noise_level: float = 1.0,
    counties: int = 1,
    extract_noise_level: float = 1.0,
    review_share: float = 0.5,
    daily_months: int = 0,
) -> dict[str, float]:
    """Write `months` monthly extracts from `start` (YYYY-MM); return timings.

    `noise_level` multiplies every record-noise rate (0 = clean records, 3 = three
    times the default noise; rates capped at population.MAX_RATE);
    `extract_noise_level` multiplies, besides, the kinds of noise real extracts have
    that no other rate covers (population.NEW_KINDS: names in each other's fields, a
    relative's SSN or birth date, OCR and phonetic misspellings, ...). `counties` = 2
    puts every other family in a second county with its own code and offices, whose
    case reviews follow the other documentation practice (synthetic/reviews.py);
    `review_share` of identified families get a case review. `daily_months`: daily
    snapshots (Parquet: a day holds the whole month's rows again) for the last N months."""
    if not 0 <= daily_months <= months:
        raise ValueError(f"daily_months must be 0..{months}, got {daily_months!r}")
    if size not in SIZES:
        raise ValueError(f"size must be one of {sorted(SIZES)}, got {size!r}")
    for name, level in (
        ("noise_level", noise_level),
        ("extract_noise_level", extract_noise_level),
    ):
        if not level >= 0:
            raise ValueError(f"{name} must be >= 0, got {level!r}")
    if counties not in (1, 2):
        raise ValueError(f"counties must be 1 or 2, got {counties!r}")
    t0 = time.perf_counter()
    rng = np.random.default_rng(seed)
    first = pd.Period(start, "M")
    report_months = [first + i for i in range(months)]
    end = report_months[-1].end_time.normalize()
    pop = build_population(rng, SIZES[size], end)
    if counties == 2:
        split_counties(pop.families)
    timeline = build_timeline(
        rng, pop, first.start_time, end, noise_level, extract_noise_level
    )
    timings = {"population_and_timeline_s": time.perf_counter() - t0}
    progress(
        f"population: {len(pop.people):,} people in {len(pop.families):,} families"
    )

    cw_truth = timeline.cw_members.set_index("person_id")["true_person_id"]
    cws_truth = timeline.cws_clients.set_index("client_id")["true_person_id"]
    truth_maps = (cw_truth, cws_truth)
    reviews = pd.DataFrame(
        {c: pd.Series(dtype="object") for c in CASE_REVIEWS.column_names}
    ).astype({"review_date": "datetime64[ns]"})
    enrollments = enroll.empty()
    # enrollments and county practices draw from their own generators: the other
    # files are the same with or without them
    program_rng = np.random.default_rng([seed, 1])
    identified: set[tuple] = set()
    for month in report_months:
        if month >= report_months[-1] - daily_months + 1:
            _write_days(
                out, timeline, month, reviews, enrollments, truth_maps, progress
            )
        t1 = time.perf_counter()
        extract = month_extract(timeline, month, reviews, enrollments)
        for name, frame in extract.items():
            write_frame(frame, out / "landing" / str(month) / name, fmt)
        truth = true_lists(extract, month, cw_truth, cws_truth)
        for name, frame in truth.items():
            write_frame(frame, out / "truth" / str(month) / name)
        new = _newly_identified(truth, identified)
        reviews = _add_reviews(
            rng, program_rng, reviews, new, month, review_share, counties
        )
        fresh = enroll.new_enrollments(program_rng, new, month, len(enrollments) + 1)
        enrollments = (
            fresh
            if enrollments.empty
            else pd.concat([enrollments, fresh], ignore_index=True)
        )
        progress(
            f"{month}: {sum(len(f) for f in extract.values()):,} extract rows, "
            f"{len(truth['match_list_mutual_cases']):,} true mutual-case rows "
            f"({time.perf_counter() - t1:.1f}s)"
        )
    _write_person_truth(out / "truth", pop, timeline)
    timings["total_s"] = time.perf_counter() - t0
    return timings


def _write_days(out, timeline, month, reviews, enrollments, truth_maps, progress):
    """Each day of `month` as of that day, and the families newly mutual on it
    (the day before the month is read to compare the first day against)."""
    t1 = time.perf_counter()
    days = daily_truth.days_of(month)
    _, before = daily_truth.snapshot(
        timeline, days[0] - pd.Timedelta(days=1), reviews, enrollments, *truth_maps
    )
    noticed = 0
    for day in days:
        extract, today = daily_truth.snapshot(
            timeline, day, reviews, enrollments, *truth_maps
        )
        folder = f"{day:%Y-%m-%d}"
        for name, frame in extract.items():
            write_frame(frame, out / "landing" / "daily" / folder / name, "parquet")
        new = daily_truth.new_mutual_families(before, today)
        write_frame(new, out / "truth" / "daily" / folder / "new_mutual_families")
        noticed += len(new)
        before = today
    progress(
        f"{month} daily: {len(days)} snapshots, {noticed:,} newly mutual families "
        f"({time.perf_counter() - t1:.1f}s)"
    )


def _newly_identified(truth, identified: set) -> pd.DataFrame:
    """Families on a list for the first time (calworks_case_number, cws_case_id, office)."""
    on_lists = pd.concat(
        [
            truth[n]
            for n in (
                "match_list_homeless",
                "match_list_sanction",
                "match_list_mutual_cases",
            )
        ]
    )[["calworks_case_number", "cws_case_id", "office_code"]].drop_duplicates(
        ["calworks_case_number", "cws_case_id"]
    )
    keys = list(
        on_lists[["calworks_case_number", "cws_case_id"]].itertuples(
            index=False, name=None
        )
    )
    new = on_lists.loc[[k not in identified for k in keys]]
    identified.update(keys)
    return new


def _add_reviews(
    rng, program_rng, reviews, new, month, review_share, counties
) -> pd.DataFrame:
    fresh = new_reviews(rng, new, month, len(reviews) + 1, review_share)
    if counties == 2:
        second = fresh.merge(
            new[["calworks_case_number", "cws_case_id", "office_code"]],
            on=["calworks_case_number", "cws_case_id"],
            how="left",
        )["office_code"].str.startswith(SECOND_COUNTY_OFFICE_PREFIX, na=False)
        fresh = apply_county_practices(program_rng, fresh, second.to_numpy())
    return fresh if reviews.empty else pd.concat([reviews, fresh], ignore_index=True)


def _write_person_truth(folder: Path, pop, t) -> None:
    people = pop.people
    flags = people.set_index("true_person_id")[["family_id", "is_twin", "is_junior"]]
    cw = pd.DataFrame(
        {
            "system": "calsaws",
            "record_id": t.cw_members["person_id"],
            "true_person_id": t.cw_members["true_person_id"],
            "noise": t.cw_members["rec_noise"],
        }
    )
    cws = pd.DataFrame(
        {
            "system": "cws",
            "record_id": t.cws_clients["client_id"],
            "true_person_id": t.cws_clients["true_person_id"],
            "noise": t.cws_clients["noise"],
        }
    )
    records = pd.concat([cw, cws], ignore_index=True).join(flags, on="true_person_id")
    write_frame(records, folder / "person_records")
    write_frame(people, folder / "people")
