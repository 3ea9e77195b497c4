"""The Linkages program side (the case review tool): CONTRACT.md §4."""

from __future__ import annotations

from contract.columns import (
    COLLAB_CODES,
    DATE,
    DECIMAL,
    ENUM,
    INT,
    YN,
    YN_CODES,
    YNU,
    YNU_CODES,
    DateOrder,
    SourceFile,
    _c,
    _req,
)

CFTM_ATTENDANCE = ("BOTH", "CWS_ONLY", "CALWORKS_ONLY", "NEITHER", "U")
DISENROLL_REASONS = (
    "CWS_CLOSED",
    "CALWORKS_ENDED",
    "WTW_DISENROLLED",
    "MOVED",
    "DECLINED",
    "OTHER",
)
PROTOCOLS = ("FP", "FR", "OTHER")

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

LINKAGES_ENROLLMENTS = SourceFile(
    "linkages_enrollments",
    "linkages",
    (
        _req("enrollment_id"),
        _c("cws_case_id"),
        _c("referral_id"),
        _req("calworks_case_number"),
        _req("offered_date", DATE, not_after_as_of=True),
        _req("opted_in", YN, codes=YN_CODES),
        _c("enrolled_date", DATE, not_after_as_of=True),
        _c("disenrolled_date", DATE, not_after_as_of=True),
        _c("disenroll_reason", ENUM, codes=DISENROLL_REASONS),
        _c("protocol", ENUM, codes=PROTOCOLS),
    ),
    key=("enrollment_id",),
    date_orders=(
        DateOrder("offered_date", "enrolled_date"),
        DateOrder("enrolled_date", "disenrolled_date"),
    ),
    row_rules=("enrollment_consistency",),
    description="Linkages enrollments in coordinated case planning (optional, v2).",
    optional=True,
)
