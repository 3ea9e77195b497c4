"""Plain words for the report: what each code, indicator and measure is called on
the page (the codes themselves stay in the tables and docs/measures.md)."""

from __future__ import annotations

import pandas as pd

from orchestration.lib.dbt_project import MATCH_LISTS


def county(code: str) -> str:
    return f"County {code}"


def month(key: str) -> str:
    return pd.Period(key, "M").strftime("%B %Y")


def category(code: str) -> str:
    """A list's table name or a prevention level, in words."""
    if code in MATCH_LISTS:
        return f"{MATCH_LISTS[code]} list"
    return {"PRIMARY": "Primary", "SECONDARY": "Secondary", "TERTIARY": "Tertiary"}.get(
        code, code.replace("_", " ").lower()
    )


TABLE_TITLES = {
    "rpt_identification_timeliness": "Days to identification",
    "rpt_identification_routes": "Daily and monthly route",
    "rpt_rereferral_rates": "Re-referral rates",
    "rpt_rereferral_families": "Families with re-referrals",
    "rpt_event_types": "Placements and allegations",
    "rpt_family_outcomes": "CalWORKs participation and reunification",
    "rpt_case_review_indicators": "Case reviews (Table 3)",
    "rpt_comparison_group": "Comparison group",
    "rpt_monthly_trend": "Trend",
    "rpt_wages_by_quarter": "Wages",
    "rpt_maltreatment_recurrence": "Recurrence",
}

SHORT = {
    "headlines": "At a glance",
    "routes": "Daily route",
    "table3": "Table 3",
    "rereferrals": "Re-referrals",
    "associations": "Figures 5–8",
    "placements": "Placements",
    "comparison": "Comparison group",
    "trend": "Trend",
    "wages": "Wages",
    "recurrence": "Recurrence",
    "link-quality": "Link quality",
}

ROUTES = {
    "DAILY": "Daily route (notice day)",
    "MONTHLY": "Monthly route (list day)",
}
ROUTE_COLUMNS = {
    "n_families": "Families",
    "median_days_to_identification": "Days from CWS case start (median)",
    "mean_days_to_identification": "Days from CWS case start (mean)",
    "median_days_from_both_records": "Days from both records existing (median)",
    "mean_days_from_both_records": "Days from both records existing (mean)",
    "share_same_day": "Identified the day both records existed",
}

# (row label, indicator, answer) of Table 3, in the study's order
TABLE_3_ROWS = (
    ("Cases reviewed", "reviews", "TOTAL"),
    ("Days from case start to identification", "days_to_identification", None),
    ("Family needs shared between CalWORKs and CWS workers", "needs_shared", "Y"),
    ("… within 5 days of identification", "needs_shared_timeliness", "WITHIN_5_DAYS"),
    ("… within 10 days", "needs_shared_timeliness", "WITHIN_10_DAYS"),
    ("… within 1 month", "needs_shared_timeliness", "WITHIN_1_MONTH"),
    ("At least some collaboration on sharing needs", "collab_needs", "SOME_OR_FULL"),
    ("Objectives included in the case plan", "objectives_in_plan", "Y"),
    ("At least some collaboration on objectives", "collab_objectives", "SOME_OR_FULL"),
    ("Both agencies monitored the case plan", "joint_monitoring", "Y"),
    (
        "Joint monitoring at least once a month",
        "joint_monitoring_monthly",
        "AT_LEAST_MONTHLY",
    ),
    (
        "Joint monitoring contacts a month (mean, where monitored)",
        "joint_monitoring_per_month",
        "MEAN",
    ),
    (
        "At least some collaboration on joint monitoring",
        "collab_monitoring",
        "SOME_OR_FULL",
    ),
    ("Child and Family Team Meeting held", "cftm_held", "Y"),
    ("… attended by both agencies", "cftm_attendance", "BOTH"),
    ("At least some collaboration on the CFTM", "collab_cftm", "SOME_OR_FULL"),
    ("CalWORKs services recommended", "calworks_services_recommended", "Y"),
    ("CWS services recommended", "cws_services_recommended", "Y"),
    ("At least some collaboration on services", "collab_services", "SOME_OR_FULL"),
    ("Family accessed the recommended services", "services_accessed", "Y"),
    ("Services recommended: none", "services_recommended_count", "NONE"),
    ("Services recommended: 1 to 5", "services_recommended_count", "ONE_TO_FIVE"),
    (
        "Services recommended: more than 5",
        "services_recommended_count",
        "MORE_THAN_FIVE",
    ),
    (
        "At least some collaboration on eligibility",
        "collab_eligibility",
        "SOME_OR_FULL",
    ),
)

MEASURES = {
    "referrals": "all re-referrals",
    "substantiated": "substantiated",
    "unfounded": "unfounded",
    "inconclusive_or_pending": "inconclusive or pending",
}
REVIEW_GROUPS = {"REVIEWED": "reviewed", "NOT_REVIEWED": "listed, never reviewed"}
DETAILS = {
    "FOSTER_FAMILY_OR_FFA": "foster family or FFA",
    "RELATIVE_NREFM": "relative or NREFM",
    "OTHER": "other",
    "NOT_PROVIDED": "not provided",
}

# (picture name, split, value column, title, y axis) of the study's Figures 5-8
ASSOCIATIONS = (
    (
        "figure_5",
        "needs_shared_timeliness",
        "mean_longest_calworks_run_months",
        "Figure 5: timeliness of sharing needs and continuous CalWORKs months",
        "months (mean)",
    ),
    (
        "figure_6",
        "joint_monitoring_collaboration",
        "mean_longest_calworks_run_months",
        "Figure 6: joint-monitoring collaboration and continuous CalWORKs months",
        "months (mean)",
    ),
    (
        "figure_7",
        "needs_shared_timeliness",
        "reunification_rate",
        "Figure 7: timeliness of sharing needs and reunification",
        "share reunified",
    ),
    (
        "figure_8",
        "joint_monitoring_collaboration",
        "reunification_rate",
        "Figure 8: joint-monitoring collaboration and reunification",
        "share reunified",
    ),
)
SPLIT_VALUES = {
    "needs_shared_timeliness": ("WITHIN_10_DAYS", "LATER"),
    "joint_monitoring_collaboration": ("SOME_OR_FULL", "NONE"),
}
SPLIT_LABELS = {
    "ALL": "all",
    "WITHIN_10_DAYS": "needs shared within 10 days",
    "LATER": "shared later",
    "SOME_OR_FULL": "some or full collaboration",
    "NONE": "no collaboration",
}

ENROLLMENT_GROUPS = {
    "ENROLLED": "Enrolled",
    "NEVER_ENROLLED": "Never enrolled (matched)",
}
COMPARISON_MEASURES = {
    "rereferrals_per_month_after": "Re-referrals per family a month after identification",
    "substantiated_per_month_after": "Substantiated re-referrals per family a month after",
    "placements_per_case": "Placements per case",
    "continuous_calworks_months": "Continuous CalWORKs months after identification",
    "reunification_rate": "Reunification rate (ended removals)",
}
