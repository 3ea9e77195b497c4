"""Property: whatever happens to an extract on its way (bytes flipped, cut,
inserted, lines dropped or doubled, header damaged), reading it either stages
and quarantines every row or stops with a ContractError naming the file and the
rule — never a raw traceback, and never a value from the file in the message."""

import re

import duckdb
import pandas as pd
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from contract import SOURCE_FILES
from orchestration.defs.ingest.load import ContractError, split
from tests.conftest import DEMO_START

SAMPLE_ROWS = 12
AS_OF = "2025-11-30"
PERSONAL = (
    "first_name",
    "last_name",
    "middle_name",
    "ssn",
    "date_of_birth",
    "birth_date",
    "address_line1",
)


@pytest.fixture(scope="module")
def samples(generated, tmp_path_factory):
    """Each file's header and first rows from a generated month, as lines of bytes,
    and the personal values in them (which no error message may repeat)."""
    out = {}
    for spec in SOURCE_FILES:
        lines = (
            (generated / "landing" / DEMO_START / f"{spec.name}.csv")
            .read_bytes()
            .splitlines(keepends=True)
        )
        head = lines[: SAMPLE_ROWS + 1]
        frame = pd.read_csv(
            generated / "landing" / DEMO_START / f"{spec.name}.csv",
            dtype=str,
            nrows=SAMPLE_ROWS,
        )
        values = {
            v for c in PERSONAL if c in frame for v in frame[c].dropna() if len(v) >= 4
        }
        out[spec.name] = (head, values)
    return out


@pytest.fixture(scope="module")
def parquet_samples(generated, tmp_path_factory) -> dict[str, bytes]:
    folder = tmp_path_factory.mktemp("parquet")
    out = {}
    with duckdb.connect() as con:
        for spec in SOURCE_FILES:
            source, target = (
                generated / "landing" / DEMO_START / f"{spec.name}.csv",
                folder / f"{spec.name}.parquet",
            )
            con.execute(
                f"copy (select * from read_csv('{source}', all_varchar = true) limit {SAMPLE_ROWS}) "
                f"to '{target}' (format parquet)"
            )
            out[spec.name] = target.read_bytes()
    return out


def byte_fault():
    """(kind, position as a fraction of the file, bytes) — applied by `corrupt`."""
    noise = st.binary(min_size=1, max_size=12) | st.sampled_from(
        [
            b'"',
            b",",
            b"\n",
            b"\r",
            b"\x00",
            b"\xff\xfe",
            b"\xef\xbb\xbf",
            b'""',
            b"\xc3",
            b",,,,",
            b"x" * 5000,
        ]
    )
    return st.tuples(
        st.sampled_from(["insert", "replace", "cut_to", "delete"]),
        st.floats(0, 1),
        noise,
    )


LINE_FAULTS = ("drop_line", "double_line", "drop_field", "swap_lines")


def line_fault():
    return st.tuples(st.sampled_from(LINE_FAULTS), st.floats(0, 1), st.floats(0, 1))


def splice(data: bytes, kind: str, at: float, noise: bytes) -> bytes:
    p = int(at * len(data))
    if kind == "insert":
        return data[:p] + noise + data[p:]
    if kind == "replace":
        return data[:p] + noise + data[p + len(noise) :]
    if kind == "delete":
        return data[:p] + data[p + len(noise) :]
    return data[:p]  # cut_to: a copy that stopped part way


def corrupt(lines: list[bytes], faults) -> bytes:
    lines = list(lines)
    for kind, at, arg in faults:
        if kind in LINE_FAULTS and not lines:
            continue
        i = min(int(at * len(lines)), len(lines) - 1)
        if kind == "drop_line":
            del lines[i]
        elif kind == "double_line":
            lines.insert(i, lines[i])
        elif kind == "drop_field":
            fields = lines[i].split(b",")
            del fields[min(int(arg * len(fields)), len(fields) - 1)]
            lines[i] = b",".join(fields)
        elif kind == "swap_lines":
            j = min(int(arg * len(lines)), len(lines) - 1)
            lines[i], lines[j] = lines[j], lines[i]
        else:
            lines = splice(b"".join(lines), kind, at, arg).splitlines(keepends=True)
    return b"".join(lines)


@pytest.mark.parametrize("spec", SOURCE_FILES, ids=lambda s: s.name)
@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(faults=st.lists(byte_fault() | line_fault(), min_size=1, max_size=3))
def test_a_corrupted_extract_is_read_or_refused_by_rule(
    spec, faults, samples, tmp_path
):
    lines, personal = samples[spec.name]
    path = tmp_path / f"{spec.name}.csv"
    path.write_bytes(corrupt(lines, faults))
    with duckdb.connect() as con:
        try:
            result = split(con, path, spec, DEMO_START, AS_OF)
        except ContractError as exc:
            event(f"refused: {exc.rule}")
            message = str(exc)
            assert message.startswith(f"{spec.name}: ") and exc.rule
            assert not any(v in message for v in personal), (
                "an error message repeats a value from the file"
            )
            return
        event(
            "read, rows quarantined" if result.rows_quarantined else "read, all staged"
        )
        assert result.rows_read == result.rows_staged + result.rows_quarantined
        rejected = con.execute("select count(*) from rejected").fetchall()[0][0]
        assert (
            rejected == result.rows_quarantined
        )  # every refused row kept, with its reasons
        if rejected:
            reasons = con.execute("select broken_rules from rejected").fetchall()
            assert all(re.match(r"^[a-z_0-9]+: ", r[0]) for r in reasons)


@pytest.mark.parametrize("spec", SOURCE_FILES, ids=lambda s: s.name)
@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(noise=st.binary(min_size=1, max_size=64), at=st.floats(0, 1))
def test_a_damaged_parquet_extract_is_refused_by_rule(
    spec, noise, at, parquet_samples, tmp_path
):
    data = parquet_samples[spec.name]
    p = int(at * len(data))
    path = tmp_path / f"{spec.name}.parquet"
    path.write_bytes(data[:p] + noise + data[p + len(noise) :])
    with duckdb.connect() as con:
        try:
            result = split(con, path, spec, DEMO_START, AS_OF)
        except ContractError as exc:
            assert str(exc).startswith(f"{spec.name}: ") and exc.rule
            return
        assert result.rows_read == result.rows_staged + result.rows_quarantined
