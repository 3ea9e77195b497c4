"""Child Welfare side (CWS/CMS): CONTRACT.md §3."""

from __future__ import annotations

from contract.columns import (
    DATE,
    ENUM,
    INT,
    SEX_CODES,
    YN,
    YN_CODES,
    DateOrder,
    ForeignKey,
    SourceFile,
    _c,
    _req,
)

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
