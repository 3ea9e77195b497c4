"""Bad input, one case each (CONTRACT.md §8), on small hand-written files."""

import datetime as dt

import duckdb
import pytest

from contract import (
    CALWORKS_CASES,
    CALWORKS_PERSONS,
    CASE_REVIEWS,
    EDD_WAGES,
    LINKAGES_ENROLLMENTS,
)
from expectations.runner import validate
from expectations.suites import build_suite, found_column
from orchestration.defs.ingest.load import (
    ContractError,
    find_source,
    replace_month,
    split,
)

MONTH, AS_OF = "2026-10", "2026-10-31"
CASES_HEADER = "case_number,county_code,office_code,program_status,application_date,status_date,homeless,worker_id,address_line1,city,zip,phone"
CASE_ROW = (
    '{n},19,02,ACTIVE,2025-03-01,2025-03-20,N,EW1,"1 Main St",Pomona,91766,555-1234'
)


def cases_csv(n_rows: int = 3, extra_rows: list[str] = ()) -> str:
    rows = [CASE_ROW.format(n=f"{i:08d}") for i in range(1, n_rows + 1)]
    return "\n".join([CASES_HEADER, *rows, *extra_rows]) + "\n"


@pytest.fixture
def con():
    with duckdb.connect() as c:
        yield c


def load(con, tmp_path, text, spec=CALWORKS_CASES, month=MONTH):
    path = tmp_path / f"{spec.name}.csv"
    path.write_bytes(text.encode() if isinstance(text, str) else text)
    return split(con, path, spec, month, AS_OF)


def rejected_rules(con) -> list[str]:
    return [
        r[0]
        for r in con.execute(
            "select broken_rules from rejected order by _source_row"
        ).fetchall()
    ]


def test_missing_file_names_the_file(tmp_path):
    with pytest.raises(ContractError, match="calworks_cases: required file missing"):
        find_source(tmp_path, CALWORKS_CASES)


def test_parquet_is_found_when_no_csv(tmp_path):
    (tmp_path / "calworks_cases.parquet").write_bytes(b"")
    assert find_source(tmp_path, CALWORKS_CASES).suffix == ".parquet"


def test_empty_file_fails(con, tmp_path):
    with pytest.raises(ContractError, match="file is empty"):
        load(con, tmp_path, "")


def test_wrong_encoding_fails_naming_the_line_not_the_value(con, tmp_path):
    text = cases_csv(2).replace("Pomona", "Pom\u00f3na", 1).encode("latin-1")
    with pytest.raises(ContractError) as err:
        load(con, tmp_path, text)
    assert (
        str(err.value)
        == "calworks_cases: file is not UTF-8 (count: 1): first bad byte on line 2"
    )


def test_byte_order_mark_is_accepted(con, tmp_path):
    result = load(con, tmp_path, b"\xef\xbb\xbf" + cases_csv(2).encode())
    assert (result.rows_read, result.rows_staged) == (2, 2)


def test_quoted_newline_stays_inside_its_field(con, tmp_path):
    row = '00000009,19,02,ACTIVE,2025-03-01,2025-03-20,N,EW1,"1 Main St\nApt 4",Pomona,91766,'
    result = load(con, tmp_path, cases_csv(1, [row]))
    assert result.rows_staged == 2
    address = con.execute(
        "select address_line1 from staged where case_number = '00000009'"
    ).fetchone()[0]
    assert address == "1 Main St\nApt 4"


def test_missing_required_column_fails_with_count_and_name(con, tmp_path):
    text = cases_csv(2).replace("office_code,", "", 1).replace(",02,", ",", 2)
    with pytest.raises(ContractError) as err:
        load(con, tmp_path, text)
    assert (
        str(err.value)
        == "calworks_cases: required column missing (count: 1): office_code"
    )


def test_extra_columns_are_ignored_and_named(con, tmp_path):
    text = (
        cases_csv(2)
        .replace("phone\n", "phone,Notes\n")
        .replace("555-1234\n", "555-1234,x\n")
    )
    result = load(con, tmp_path, text)
    assert result.rows_staged == 2 and result.extra_columns == ["Notes"]


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_column_names_with_quotes_load(con, tmp_path, suffix):
    """A header may carry ' or " in a column's name; each is quoted for SQL as
    what it is, so the file loads and the names are reported as found."""
    text = cases_csv(2).replace("phone\n", 'phone,worker\'s notes,"say ""hi"""\n')
    text = text.replace("555-1234\n", "555-1234,x,y\n")
    path = tmp_path / "calworks_cases.csv"
    path.write_text(text)
    if suffix == ".parquet":
        con.execute(
            f"copy (select * from read_csv('{path}', all_varchar = true)) to '{path.with_suffix(suffix)}'"
        )
        path.unlink()
    result = split(con, path.with_suffix(suffix), CALWORKS_CASES, MONTH, AS_OF)
    assert result.rows_staged == 2
    assert result.extra_columns == ["worker's notes", 'say "hi"']


def test_identifiers_keep_leading_zeros(con, tmp_path):
    load(con, tmp_path, cases_csv(1))
    assert con.execute("select case_number, office_code from staged").fetchone() == (
        "00000001",
        "02",
    )


def test_bad_dates_and_codes_are_quarantined_with_their_rules(con, tmp_path):
    bad = [
        "00000011,19,02,ACTIVE,2026-13-45,2025-03-20,N,,,,,",  # unparsable
        "00000012,19,02,ACTIVE,1899-12-31,2025-03-20,N,,,,,",  # before 1900
        "00000013,19,02,ACTIVE,2026-11-02,2026-11-02,N,,,,,",  # after the as-of date
        "00000014,19,02,REOPENED,2025-01-01,2025-01-02,N,,,,,",  # code outside the set
        "00000015,19,,active,2025-01-01,2025-01-02,n,,,,,",  # office missing; case is fine
    ]
    result = load(con, tmp_path, cases_csv(3, bad))
    assert (result.rows_read, result.rows_staged, result.rows_quarantined) == (8, 3, 5)
    assert rejected_rules(con) == [
        "application_date: unparsable date",
        "application_date: date before 1900",
        "application_date: date in the future",
        "program_status: code outside its set",
        "office_code: required value missing",
    ]
    original = con.execute(
        "select application_date, report_month from rejected where case_number = '00000011'"
    ).fetchone()
    assert original == ("2026-13-45", MONTH)


def test_invalid_ssn_is_nulled_and_counted_not_rejected(con, tmp_path):
    header = ",".join(CALWORKS_PERSONS.column_names)
    rows = [
        f"P{i},C1,PARENT,AIDED,ACTIVE,Ana,,Ruiz,1990-01-0{i},F,{ssn},"
        for i, ssn in enumerate(
            [
                "521-44-1234",
                "123456789",
                "666123456",
                "912345678",
                "521000123",
                "5214412",
            ],
            1,
        )
    ]
    result = load(
        con, tmp_path, "\n".join([header, *rows]) + "\n", spec=CALWORKS_PERSONS
    )
    assert result.rows_staged == 6
    assert result.soft_faults == {"ssn: invalid SSN nulled": 5}
    kept = con.execute("select ssn from staged where ssn is not null").fetchall()
    assert kept == [("521441234",)]


def test_negative_wages_are_quarantined(con, tmp_path):
    text = "ssn,year_quarter,employer_id,wages\n521441234,2026Q1,E1,100.50\n521441234,2026Q2,E1,-5\n521441234,2026Q5,E1,5\n"
    result = load(con, tmp_path, text, spec=EDD_WAGES)
    assert result.rows_staged == 1
    assert rejected_rules(con) == [
        "wages: below 0",
        "year_quarter: not a YYYYQn quarter",
    ]


def test_end_before_begin_is_quarantined(con, tmp_path):
    from contract import WTW_STATUS_FILE

    text = (
        "person_id,case_number,wtw_status,status_begin_date,status_end_date\n"
        "P1,C1,SANCTION,2026-05-01,2026-04-30\nP1,C1,ENROLLED,2026-01-01,2026-04-30\n"
    )
    result = load(con, tmp_path, text, spec=WTW_STATUS_FILE)
    assert result.rows_staged == 1
    assert rejected_rules(con) == ["status_end_date: before status_begin_date"]


def review_csv(**changes) -> str:
    row = {c: "" for c in CASE_REVIEWS.column_names}
    row.update(
        review_id="R1",
        review_date="2026-10-01",
        identified_date="2026-09-01",
        needs_shared="N",
        objectives_in_plan="Y",
        joint_monitoring="N",
        joint_monitoring_per_month="0",
        cftm_held="N",
        cftm_attendance="NEITHER",
        calworks_services_recommended="N",
        cws_services_recommended="N",
        collab_needs="NONE",
        collab_services="U",
    )
    row.update(changes)
    return ",".join(row) + "\n" + ",".join(row.values()) + "\n"


@pytest.mark.parametrize(
    "changes, rule",
    [
        ({}, None),
        (
            {"collab_needs": "SOME"},
            "collab_needs: SOME or FULL where its activity was N",
        ),
        (
            {"collab_services": "FULL"},
            "collab_services: SOME or FULL where its activity was N",
        ),
        ({"collab_services": "FULL", "cws_services_recommended": "Y"}, None),
        (
            {"cftm_attendance": "BOTH"},
            "cftm_attendance: must be NEITHER when cftm_held = N",
        ),
        (
            {"joint_monitoring_per_month": "2"},
            "joint_monitoring_per_month: must be 0 when joint_monitoring = N",
        ),
        (
            {"needs_shared_date": "2026-09-05"},
            "needs_shared_date: only when needs_shared = Y",
        ),
        ({"services_recommended_count": "51"}, "services_recommended_count: above 50"),
    ],
)
def test_case_review_rules(con, tmp_path, changes, rule):
    load(con, tmp_path, review_csv(**changes), spec=CASE_REVIEWS)
    assert rejected_rules(con) == ([rule] if rule else [])


def test_rows_read_equal_staged_plus_quarantined(con, tmp_path):
    result = load(
        con, tmp_path, cases_csv(40, ["00000099,19,02,ACTIVE,x,2025-03-20,N,,,,,"])
    )
    assert result.rows_read == result.rows_staged + result.rows_quarantined == 41
    assert round(result.quarantine_rate, 4) == round(1 / 41, 4)


def test_replacing_a_month_leaves_other_months_alone(con, tmp_path):
    load(con, tmp_path, cases_csv(3), month="2026-09")
    replace_month(con, CALWORKS_CASES, "2026-09")
    load(con, tmp_path, cases_csv(5))
    replace_month(con, CALWORKS_CASES, MONTH)
    load(con, tmp_path, cases_csv(2))
    replace_month(
        con, CALWORKS_CASES, MONTH
    )  # a rerun of October replaces October only
    counts = dict(
        con.execute(
            "select report_month, count(*) from raw.calworks_cases group by 1"
        ).fetchall()
    )
    assert counts == {"2026-09": 3, MONTH: 2}


# -- the GX gate over staged rows ---------------------------------------------------


def gate(con, spec, **kw):
    found = [found_column(fk) for fk in kw.get("foreign_keys", [])]
    frame = con.execute(
        f"select {', '.join(spec.column_names + found)} from staged"
    ).df()
    return validate(
        frame, f"{spec.name}_test", build_suite(spec, as_of=dt.date(2026, 10, 31), **kw)
    )


def test_duplicate_keys_fail_the_gate(con, tmp_path):
    load(con, tmp_path, cases_csv(3, [CASE_ROW.format(n="00000002")]))
    result = gate(con, CALWORKS_CASES)
    assert not result.success
    assert result.failures == ["duplicate primary key (case_number): 2 rows (50.00%)"]


def persons_csv(case_numbers: list[str]) -> str:
    header = ",".join(CALWORKS_PERSONS.column_names)
    rows = [
        f"P{i},{c},CHILD,AIDED,ACTIVE,Ana,,Ruiz,2015-01-01,F,,"
        for i, c in enumerate(case_numbers)
    ]
    return "\n".join([header, *rows]) + "\n"


@pytest.mark.parametrize("dangling, passes", [(1, True), (3, False)])
def test_dangling_foreign_keys_fail_only_above_one_percent(
    con, tmp_path, dangling, passes
):
    case_numbers = ["C1"] * (200 - dangling) + ["GONE"] * dangling  # 0.5% vs 1.5%
    load(con, tmp_path, persons_csv(case_numbers), spec=CALWORKS_PERSONS)
    fk = CALWORKS_PERSONS.foreign_keys[0]
    con.execute(f"alter table staged add column {found_column(fk)} boolean")
    con.execute(f"update staged set {found_column(fk)} = case_number = 'C1'")
    result = gate(con, CALWORKS_PERSONS, foreign_keys=[fk])
    assert result.success is passes
    if not passes:
        assert result.failures == [
            "case_number: dangling foreign key to calworks_cases.case_number (at most 1% allowed): 3 rows (1.50%)"
        ]


def test_extract_that_shrank_by_more_than_half_fails(con, tmp_path):
    load(con, tmp_path, cases_csv(4))
    assert gate(con, CALWORKS_CASES, previous_rows=8).success
    result = gate(con, CALWORKS_CASES, previous_rows=9)
    assert result.failures == [
        "extract shrank by more than 50%: fewer than 5 rows (last month 9): observed 4"
    ]


def test_gate_failures_carry_no_values(con, tmp_path):
    load(con, tmp_path, cases_csv(3, [CASE_ROW.format(n="00000002")]))
    result = gate(con, CALWORKS_CASES)
    assert "00000002" not in " ".join(result.failures) + str(result.metadata())


ENROLLMENTS_HEADER = (
    "enrollment_id,cws_case_id,referral_id,calworks_case_number,offered_date,"
    "opted_in,enrolled_date,disenrolled_date,disenroll_reason,protocol"
)


def test_an_absent_optional_file_is_a_month_with_no_rows(con, tmp_path):
    """linkages_enrollments (v2) may be absent: no rows, every gate passes."""
    assert find_source(tmp_path, LINKAGES_ENROLLMENTS) is None
    result = split(con, None, LINKAGES_ENROLLMENTS, MONTH, AS_OF)
    assert (result.rows_read, result.rows_staged, result.rows_quarantined) == (0, 0, 0)
    assert con.execute("select count(*) from staged").fetchone() == (0,)
    assert gate(con, LINKAGES_ENROLLMENTS).success


def test_enrollment_rules(con, tmp_path):
    rows = [
        "E1,K1,,C1,2026-05-01,Y,2026-05-10,,,FP",  # good
        "E2,K2,,C2,2026-05-01,Y,,,,FR",  # opted in, no enrolled date
        "E3,K3,,C3,2026-05-01,N,2026-05-10,,,",  # declined, yet an enrolled date
        "E4,,R4,C4,2026-05-01,Y,2026-04-01,,,OTHER",  # enrolled before offered
        "E5,K5,,C5,2026-05-01,Y,2026-05-10,2026-06-01,LEFT,FP",  # reason not in set
    ]
    result = load(
        con,
        tmp_path,
        "\n".join([ENROLLMENTS_HEADER, *rows]) + "\n",
        spec=LINKAGES_ENROLLMENTS,
    )
    assert (result.rows_staged, result.rows_quarantined) == (1, 4)
    assert rejected_rules(con) == [
        "enrolled_date: required when opted_in = Y",
        "enrolled_date: must be empty when opted_in = N",
        "enrolled_date: before offered_date",
        "disenroll_reason: code outside its set",
    ]
