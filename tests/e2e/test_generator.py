"""Generated extracts follow the contract; ground truth is consistent."""

import hashlib
import re

import pandas as pd
import pytest

from contract import DATE, FILES_BY_NAME, INT, SOURCE_FILES
from synthetic.generate import generate

MONTHS = ["2025-11", "2025-12", "2026-01"]
REFERENCES = [
    ("calworks_persons", "case_number", "calworks_cases", "case_number"),
    ("wtw_status", "case_number", "calworks_cases", "case_number"),
    ("wtw_status", "person_id", "calworks_persons", "person_id"),
    ("cws_allegations", "referral_id", "cws_referrals", "referral_id"),
    ("cws_allegations", "victim_client_id", "cws_clients", "client_id"),
    ("cws_allegations", "perpetrator_client_id", "cws_clients", "client_id"),
    ("cws_referrals", "case_id", "cws_cases", "case_id"),
    ("cws_cases", "focus_child_client_id", "cws_clients", "client_id"),
    ("cws_case_participants", "case_id", "cws_cases", "case_id"),
    ("cws_case_participants", "client_id", "cws_clients", "client_id"),
    ("cws_placement_episodes", "client_id", "cws_clients", "client_id"),
    ("cws_placements", "episode_id", "cws_placement_episodes", "episode_id"),
    ("case_reviews", "cws_case_id", "cws_cases", "case_id"),
    ("case_reviews", "calworks_case_number", "calworks_cases", "case_number"),
]


def _read(folder, name) -> pd.DataFrame:
    return pd.read_csv(
        folder / f"{name}.csv", dtype=str, keep_default_na=False
    ).replace("", None)


@pytest.fixture(scope="module")
def months(generated):
    return {
        m: {f.name: _read(generated / "landing" / m, f.name) for f in SOURCE_FILES}
        for m in MONTHS
    }


def test_every_month_has_every_file_with_the_contract_columns(generated):
    for month in MONTHS:
        folder = generated / "landing" / month
        assert sorted(p.stem for p in folder.iterdir()) == sorted(FILES_BY_NAME)
        for spec in SOURCE_FILES:
            header = (
                (folder / f"{spec.name}.csv")
                .read_text(encoding="utf-8")
                .splitlines()[0]
            )
            assert header.replace('"', "").split(",") == spec.column_names


@pytest.mark.parametrize("spec", SOURCE_FILES, ids=lambda s: s.name)
def test_values_follow_the_contract(months, spec):
    check_values_follow_the_contract(months, spec)


def check_values_follow_the_contract(
    months: dict[str, dict[str, pd.DataFrame]], spec
) -> None:
    """Every value of `spec`'s file in each month ({month: {file: frame}}) keeps the contract."""
    for month, files in months.items():
        df = files[spec.name]
        as_of = pd.Period(month, "M").end_time.normalize()
        for col in spec.columns:
            values = df[col.name].dropna()
            if col.required:
                assert df[col.name].notna().all(), (
                    f"{spec.name}.{col.name} has empty required values"
                )
            if col.codes:
                allowed = {str(c) for c in col.codes}
                assert set(values) <= allowed, (
                    f"{spec.name}.{col.name} outside its code set"
                )
            if col.kind == DATE:
                dates = pd.to_datetime(values, format="%Y-%m-%d")
                assert (dates >= "1900-01-01").all()
                if col.not_after_as_of:
                    assert (dates <= as_of).all(), (
                        f"{spec.name}.{col.name} after the as-of date"
                    )
            if col.kind == INT:
                assert values.str.fullmatch(r"-?\d+").all()
            if col.pattern:
                assert values.map(lambda v, p=col.pattern: bool(re.match(p, v))).all()
        if spec.key:
            assert not df.duplicated(list(spec.key)).any(), (
                f"{spec.name}: duplicate keys"
            )
        for order in spec.date_orders:
            both = df[[order.begin, order.end]].dropna()
            assert (both[order.end] >= both[order.begin]).all()


def test_references_resolve(months):
    for files in months.values():
        for child, col, parent, key in REFERENCES:
            values = set(files[child][col].dropna())
            assert values <= set(files[parent][key]), (
                f"{child}.{col} dangles into {parent}"
            )


def test_extracts_are_point_in_time(months):
    """A later month keeps every case of an earlier one; open end dates only close."""
    nov, jan = months["2025-11"], months["2026-01"]
    assert set(nov["calworks_cases"]["case_number"]) <= set(
        jan["calworks_cases"]["case_number"]
    )
    assert set(nov["cws_referrals"]["referral_id"]) <= set(
        jan["cws_referrals"]["referral_id"]
    )
    late = jan["calworks_participation"]["benefit_month"].max()
    assert late == "2026-01"


def test_overlap_and_noise_are_present(generated, months):
    files = months["2026-01"]
    records = _read(generated / "truth", "person_records")
    cw_people = set(records.query("system == 'calsaws'")["true_person_id"])
    cws_people = set(records.query("system == 'cws'")["true_person_id"])
    assert len(cw_people & cws_people) > 0.15 * len(
        cws_people
    )  # both systems know them
    noise = ";".join(records.query("system == 'cws'")["noise"].dropna())
    for kind in ("nickname", "typo", "dob_swap", "missing_ssn", "surname_change"):
        assert kind in noise
    clients = records.query("system == 'cws'")
    assert clients["true_person_id"].duplicated().any()  # someone holds two client ids
    assert (records["is_twin"] == "true").any() and (
        records["is_junior"] == "true"
    ).any()
    ssn = files["cws_clients"]["ssn"]
    assert ssn.isna().mean() > 0.6  # mostly missing on the CWS side


def test_every_record_has_a_true_person(generated, months):
    records = _read(generated / "truth", "person_records")
    cw_ids = set(records.query("system == 'calsaws'")["record_id"])
    cws_ids = set(records.query("system == 'cws'")["record_id"])
    assert records["true_person_id"].notna().all()
    for files in months.values():
        assert set(files["calworks_persons"]["person_id"]) <= cw_ids
        assert set(files["cws_clients"]["client_id"]) <= cws_ids


def test_true_lists_point_at_records_of_their_month(generated, months):
    for month, files in months.items():
        for name in ("match_list_mutual_cases", "match_list_mutual_clients"):
            rows = _read(generated / "truth" / month, name)
            assert len(rows) > 0
            assert set(rows["calworks_person_id"]) <= set(
                files["calworks_persons"]["person_id"]
            )
            assert set(rows["cws_client_id"]) <= set(files["cws_clients"]["client_id"])
            assert not rows.duplicated(
                ["calworks_case_number", "calworks_person_id", "cws_case_id"]
            ).any()
        levels = _read(generated / "truth" / month, "family_prevention_level")
        open_cases = files["calworks_cases"].query(
            "program_status in ['ACTIVE', 'PENDING']"
        )
        assert set(levels["calworks_case_number"]) == set(open_cases["case_number"])


def _digest(folder) -> str:
    h = hashlib.sha256()
    for path in sorted(folder.rglob("*.csv")):
        h.update(path.relative_to(folder).as_posix().encode())
        h.update(path.read_bytes())
    return h.hexdigest()


def test_same_seed_same_files(tmp_path):
    generate(tmp_path / "a", "2026-01", 1, "small", seed=3, progress=lambda _: None)
    generate(tmp_path / "b", "2026-01", 1, "small", seed=3, progress=lambda _: None)
    generate(tmp_path / "c", "2026-01", 1, "small", seed=4, progress=lambda _: None)
    assert _digest(tmp_path / "a") == _digest(tmp_path / "b")
    assert _digest(tmp_path / "a") != _digest(tmp_path / "c")
