"""The data contract (shared/CONTRACT.md §2-4) as data.

One declaration per source file: its columns, their types and code sets, the
primary key and the foreign keys. The ingest, the GX suites and the synthetic
generator all read this module, so a column is named in exactly one place.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# -- column kinds -------------------------------------------------------------
STR = "str"
DATE = "date"
INT = "int"
DECIMAL = "decimal"
MONTH = "month"  # YYYY-MM
QUARTER = "quarter"  # YYYYQn
YN = "yn"
YNU = "ynu"
ENUM = "enum"

YN_CODES = ("Y", "N")
YNU_CODES = ("Y", "N", "U")
SEX_CODES = ("M", "F", "X", "U")
COLLAB_CODES = ("NONE", "SOME", "FULL", "U")


@dataclass(frozen=True)
class Column:
    name: str
    kind: str = STR
    required: bool = False
    codes: tuple = ()
    # dates only: reject dates after the as-of date (the contract's "not in the future")
    not_after_as_of: bool = False
    # ints and decimals only: inclusive bounds
    min_value: float | None = None
    max_value: float | None = None
    # str only: the value must match this regular expression when present
    pattern: str | None = None


@dataclass(frozen=True)
class ForeignKey:
    column: str
    ref_file: str
    ref_column: str


@dataclass(frozen=True)
class DateOrder:
    """`end` may not be before `begin` (both present)."""

    begin: str
    end: str


@dataclass(frozen=True)
class SourceFile:
    name: str  # file stem, also the raw / quarantine table name
    side: str  # calsaws | cws | linkages
    columns: tuple[Column, ...]
    key: tuple[str, ...] = ()
    foreign_keys: tuple[ForeignKey, ...] = ()
    date_orders: tuple[DateOrder, ...] = ()
    soft_ssn: tuple[str, ...] = ()  # columns whose invalid SSN is nulled, not rejected
    description: str = ""
    row_rules: tuple[str, ...] = field(default=())  # names of extra row rules

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


def _c(name, kind=STR, **kw) -> Column:
    return Column(name, kind, **kw)


def _req(name, kind=STR, **kw) -> Column:
    return Column(name, kind, required=True, **kw)


# -- CalWORKs side (CalSAWS, MEDS, EDD) ---------------------------------------
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

# -- Child Welfare side (CWS/CMS) ---------------------------------------------
RESPONSE_TYPES = ("IMMEDIATE", "TEN_DAY", "EVALUATED_OUT")
ALLEGATION_TYPES = (
    "GENERAL_NEGLECT",
    "SEVERE_NEGLECT",
    "PHYSICAL_ABUSE",
    "SEXUAL_ABUSE",
    "EMOTIONAL_ABUSE",
    "EXPLOITATION",
    "CARETAKER_ABSENCE",
    "AT_RISK_SIBLING_ABUSED",
    "SUBSTANTIAL_RISK",
)
DISPOSITIONS = (45, 46, 47)  # substantiated, unfounded, inconclusive
SERVICE_COMPONENTS = (1692, 1693, 1694, 1695)  # ER, FM, FR, PP
PLAN_BASES = ("COURT", "VOLUNTARY")
PARTICIPANT_ROLES = (
    "FOCUS_CHILD",
    "MOTHER",
    "FATHER",
    "PARENT",
    "LEGAL_GUARDIAN",
    "RELATIVE_CAREGIVER",
    "OTHER",
)

CWS_CLIENTS = SourceFile(
    "cws_clients",
    "cws",
    (
        _req("client_id"),
        _c("first_name"),
        _c("middle_name"),
        _req("last_name"),
        _c("birth_date", DATE, not_after_as_of=True),
        _c("sex", ENUM, codes=SEX_CODES),
        _c("ssn"),
        _c("address_line1"),
        _c("city"),
        _c("zip", pattern=r"^\d{5}$"),
    ),
    key=("client_id",),
    soft_ssn=("ssn",),
    description="CWS/CMS clients.",
)

CWS_REFERRALS = SourceFile(
    "cws_referrals",
    "cws",
    (
        _req("referral_id"),
        _req("received_date", DATE, not_after_as_of=True),
        _c("response_type", ENUM, codes=RESPONSE_TYPES),
        _c("closure_date", DATE),
        _c("case_id"),
    ),
    key=("referral_id",),
    date_orders=(DateOrder("received_date", "closure_date"),),
    description="CWS/CMS referrals.",
)

CWS_ALLEGATIONS = SourceFile(
    "cws_allegations",
    "cws",
    (
        _req("allegation_id"),
        _c("referral_id"),
        _req("victim_client_id"),
        _c("perpetrator_client_id"),
        _c("allegation_type", ENUM, codes=ALLEGATION_TYPES),
        _c("disposition_code", INT, codes=DISPOSITIONS),
    ),
    key=("allegation_id",),
    foreign_keys=(
        ForeignKey("referral_id", "cws_referrals", "referral_id"),
        ForeignKey("victim_client_id", "cws_clients", "client_id"),
    ),
    description="Allegations on referrals, one per victim, perpetrator and type.",
)

CWS_CASES = SourceFile(
    "cws_cases",
    "cws",
    (
        _req("case_id"),
        _c("focus_child_client_id"),
        _c("office_code"),
        _req("case_start_date", DATE, not_after_as_of=True),
        _c("case_end_date", DATE),
        _c("service_component_code", INT, codes=SERVICE_COMPONENTS),
        _c("case_plan_basis", ENUM, codes=PLAN_BASES),
        _c("assigned_worker_id"),
    ),
    key=("case_id",),
    foreign_keys=(ForeignKey("focus_child_client_id", "cws_clients", "client_id"),),
    date_orders=(DateOrder("case_start_date", "case_end_date"),),
    description="CWS/CMS cases; the component is the one in effect on the as-of date.",
)

CWS_CASE_PARTICIPANTS = SourceFile(
    "cws_case_participants",
    "cws",
    (
        _req("case_id"),
        _req("client_id"),
        _c("role", ENUM, codes=PARTICIPANT_ROLES),
        _c("named_on_case_plan", YN, codes=YN_CODES),
    ),
    key=("case_id", "client_id"),
    foreign_keys=(
        ForeignKey("case_id", "cws_cases", "case_id"),
        ForeignKey("client_id", "cws_clients", "client_id"),
    ),
    description="Who takes part in each CWS case, and whether named on the plan.",
)

CWS_PLACEMENT_EPISODES = SourceFile(
    "cws_placement_episodes",
    "cws",
    (
        _req("episode_id"),
        _c("client_id"),
        _req("removal_date", DATE, not_after_as_of=True),
        _c("exit_date", DATE),
        _c("exit_reason_code", INT),
    ),
    key=("episode_id",),
    foreign_keys=(ForeignKey("client_id", "cws_clients", "client_id"),),
    date_orders=(DateOrder("removal_date", "exit_date"),),
    description="Out-of-home care episodes of children.",
)

FACILITY_TYPES = {
    1416: "FOSTER_FAMILY_HOME",
    1414: "FOSTER_FAMILY_AGENCY",
    2200: "FFA_CERTIFIED_HOME",
    1421: "RELATIVE_NREFM",
    1418: "SHELTER",
    1419: "COURT_SPECIFIED",
    2222: "PRE_ADOPTIVE",
    5411: "GUARDIAN",
}

CWS_PLACEMENTS = SourceFile(
    "cws_placements",
    "cws",
    (
        _c("placement_id"),
        _c("episode_id"),
        _c("client_id"),
        _c("start_date", DATE),
        _c("end_date", DATE),
        # unknown codes are a soft fault: mapped to OTHER in staging, counted here
        _c("facility_type_code", INT),
    ),
    key=("placement_id",),
    foreign_keys=(ForeignKey("episode_id", "cws_placement_episodes", "episode_id"),),
    date_orders=(DateOrder("start_date", "end_date"),),
    description="Placements within episodes.",
)

# -- Linkages program side ----------------------------------------------------
CFTM_ATTENDANCE = ("BOTH", "CWS_ONLY", "CALWORKS_ONLY", "NEITHER", "U")

# collaboration level -> the activity columns that must not all be N for SOME/FULL
COLLAB_ACTIVITY = {
    "collab_needs": ("needs_shared",),
    "collab_objectives": ("objectives_in_plan",),
    "collab_monitoring": ("joint_monitoring",),
    "collab_cftm": ("cftm_held",),
    "collab_services": (
        "calworks_services_recommended",
        "cws_services_recommended",
    ),
}

CASE_REVIEWS = SourceFile(
    "case_reviews",
    "linkages",
    (
        _req("review_id"),
        _c("cws_case_id"),
        _c("calworks_case_number"),
        _c("reviewer_id"),
        _c("review_date", DATE, not_after_as_of=True),
        _c("identified_date", DATE, not_after_as_of=True),
        _c("needs_shared", YNU, codes=YNU_CODES),
        _c("needs_shared_date", DATE),
        _c("objectives_in_plan", YNU, codes=YNU_CODES),
        _c("joint_monitoring", YNU, codes=YNU_CODES),
        _c("cftm_held", YNU, codes=YNU_CODES),
        _c("calworks_services_recommended", YNU, codes=YNU_CODES),
        _c("cws_services_recommended", YNU, codes=YNU_CODES),
        _c("services_accessed", YNU, codes=YNU_CODES),
        _c("joint_monitoring_per_month", DECIMAL, min_value=0),
        _c("cftm_attendance", ENUM, codes=CFTM_ATTENDANCE),
        _c("services_recommended_count", INT, min_value=0, max_value=50),
        _c("collab_eligibility", ENUM, codes=COLLAB_CODES),
        _c("collab_needs", ENUM, codes=COLLAB_CODES),
        _c("collab_objectives", ENUM, codes=COLLAB_CODES),
        _c("collab_monitoring", ENUM, codes=COLLAB_CODES),
        _c("collab_cftm", ENUM, codes=COLLAB_CODES),
        _c("collab_services", ENUM, codes=COLLAB_CODES),
    ),
    key=("review_id",),
    row_rules=("case_review_consistency",),
    description="Linkages case review tool, one row per reviewed case.",
)

SOURCE_FILES: tuple[SourceFile, ...] = (
    CALWORKS_CASES,
    CALWORKS_PERSONS,
    WTW_STATUS_FILE,
    CALWORKS_PARTICIPATION,
    EDD_WAGES,
    CWS_CLIENTS,
    CWS_REFERRALS,
    CWS_ALLEGATIONS,
    CWS_CASES,
    CWS_CASE_PARTICIPANTS,
    CWS_PLACEMENT_EPISODES,
    CWS_PLACEMENTS,
    CASE_REVIEWS,
)
FILES_BY_NAME = {f.name: f for f in SOURCE_FILES}

# -- the SSN rule (CONTRACT.md §2), once: ssn_is_valid and its SQL twin are both
# built from these parts (tests/unit/test_contract.py checks them on the same values)
SSN_LENGTH = 9
SSN_INVALID_AREAS = ("000", "666")  # the first three digits
SSN_INVALID_AREA_START = "9"  # 9xx areas
SSN_INVALID_GROUP = "00"  # digits 4-5
SSN_INVALID_SERIAL = "0000"  # digits 6-9
# placeholders the contract names as invalid SSNs
SSN_PLACEHOLDERS = ("111111111", "123456789", "999999999")


def ssn_is_valid(ssn: str | None) -> bool:
    """The contract's SSN rule: 9 digits (0-9), no 000/666/9xx area, 00 group,
    0000 serial, and none of the well-known placeholders."""
    if ssn is None or len(ssn) != SSN_LENGTH or not (ssn.isascii() and ssn.isdigit()):
        return False
    area, group, serial = ssn[:3], ssn[3:5], ssn[5:]
    return not (
        area in SSN_INVALID_AREAS
        or area.startswith(SSN_INVALID_AREA_START)
        or group == SSN_INVALID_GROUP
        or serial == SSN_INVALID_SERIAL
        or ssn in SSN_PLACEHOLDERS
    )


def ssn_valid_sql(col: str) -> str:
    """ssn_is_valid as a DuckDB boolean expression over the SQL expression `col`
    (null when `col` is null)."""

    def texts(values) -> str:
        return ", ".join(f"'{v}'" for v in values)

    return (
        f"(regexp_full_match({col}, '[0-9]{{{SSN_LENGTH}}}')"
        f" and substr({col}, 1, 3) not in ({texts(SSN_INVALID_AREAS)})"
        f" and substr({col}, 1, 1) <> '{SSN_INVALID_AREA_START}'"
        f" and substr({col}, 4, 2) <> '{SSN_INVALID_GROUP}'"
        f" and substr({col}, 6, 4) <> '{SSN_INVALID_SERIAL}'"
        f" and {col} not in ({texts(SSN_PLACEHOLDERS)}))"
    )
