"""CalWORKs side (CalSAWS, MEDS, EDD): CONTRACT.md §2."""

from __future__ import annotations

from contract.columns import (
    DATE,
    DECIMAL,
    ENUM,
    MONTH,
    QUARTER,
    SEX_CODES,
    YN,
    YN_CODES,
    DateOrder,
    ForeignKey,
    SourceFile,
    _c,
    _req,
)

PROGRAM_STATUS = ("ACTIVE", "PENDING", "DISCONTINUED", "DENIED")
CW_ROLES = ("PARENT", "CARETAKER_RELATIVE", "CHILD", "OTHER_ADULT")
AID_STATUS = ("AIDED", "NON_AIDED")
MEMBER_STATUS = ("ACTIVE", "INACTIVE")
WTW_STATUS = ("ENROLLED", "EXEMPT", "NONCOMPLIANCE", "SANCTION", "NOT_REQUIRED")

CALWORKS_CASES = SourceFile(
    "calworks_cases",
    "calsaws",
    (
        _req("case_number"),
        _c("county_code", pattern=r"^\d{2}$"),
        _req("office_code"),
        _c("program_status", ENUM, codes=PROGRAM_STATUS),
        _req("application_date", DATE, not_after_as_of=True),
        _req("status_date", DATE),
        _c("homeless", YN, codes=YN_CODES),
        _c("worker_id"),
        _c("address_line1"),
        _c("city"),
        _c("zip", pattern=r"^\d{5}$"),
        _c("phone"),
    ),
    key=("case_number",),
    description="CalSAWS cases, one row per case.",
)

CALWORKS_PERSONS = SourceFile(
    "calworks_persons",
    "calsaws",
    (
        _req("person_id"),
        _req("case_number"),
        _c("role", ENUM, codes=CW_ROLES),
        _c("aid_status", ENUM, codes=AID_STATUS),
        _c("member_status", ENUM, codes=MEMBER_STATUS),
        _req("first_name"),
        _c("middle_name"),
        _req("last_name"),
        _req("date_of_birth", DATE, not_after_as_of=True),
        _c("sex", ENUM, codes=SEX_CODES),
        _c("ssn"),
        _c("cin"),
    ),
    key=("person_id", "case_number"),
    foreign_keys=(ForeignKey("case_number", "calworks_cases", "case_number"),),
    soft_ssn=("ssn",),
    description="Assistance-unit membership, one row per person per case.",
)

WTW_STATUS_FILE = SourceFile(
    "wtw_status",
    "calsaws",
    (
        _req("person_id"),
        _req("case_number"),
        _c("wtw_status", ENUM, codes=WTW_STATUS),
        _req("status_begin_date", DATE),
        _c("status_end_date", DATE),
    ),
    foreign_keys=(ForeignKey("case_number", "calworks_cases", "case_number"),),
    date_orders=(DateOrder("status_begin_date", "status_end_date"),),
    description="Welfare-to-Work status history.",
)

CALWORKS_PARTICIPATION = SourceFile(
    "calworks_participation",
    "calsaws",
    (
        _req("person_id"),
        _req("benefit_month", MONTH),
        _c("aid_code", pattern=r"^.{2}$"),
    ),
    key=("person_id", "benefit_month"),
    description="MEDS: one row per person per aided month.",
)

EDD_WAGES = SourceFile(
    "edd_wages",
    "calsaws",
    (
        _c("ssn", pattern=r"^\d{9}$"),
        _c("year_quarter", QUARTER),
        _c("employer_id"),
        _c("wages", DECIMAL, min_value=0),
    ),
    description="EDD base wage file, one row per SSN, quarter and employer.",
)
