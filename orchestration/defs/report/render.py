"""The monthly evaluation report: one self-contained HTML page built only from the
`reporting` schema (small cells already suppressed), with the study's figures."""

from __future__ import annotations

import base64
import html
import io
from dataclasses import dataclass

import duckdb
import matplotlib

matplotlib.use("Agg")  # no screen on a server
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402


@dataclass(frozen=True)
class Section:
    table: str  # reporting.<table>
    title: str
    note: str


SECTIONS = (
    Section(
        "rpt_identification_timeliness",
        "Days from CWS case start to identification",
        "By county and office; ALL is the county. Identification in the case-start month counts as 0 days.",
    ),
    Section(
        "rpt_rereferral_rates",
        "Re-referrals per month before and after identification",
        "Families with more than one referral since the case start. REVIEWED families have a case "
        "review; NOT_REVIEWED (listed, never reviewed) is a comparison group. Descriptive, not causal.",
    ),
    Section(
        "rpt_event_types",
        "Substantiated allegation types and placement types",
        "Allegations naming a case participant as victim, and placements of the case's focus "
        "children, from the case start.",
    ),
    Section(
        "rpt_family_outcomes",
        "Placements, continuous CalWORKs participation and reunification",
        "Longest run of consecutive aided months from the identification month; reunification among "
        "families with an ended removal episode. Split by needs-shared timeliness and by "
        "joint-monitoring collaboration.",
    ),
    Section(
        "rpt_wages_by_quarter",
        "Quarterly wages around identification",
        "Adults of the CalWORKs case; quarter 0 holds the identification date. Only ended quarters.",
    ),
    Section(
        "rpt_case_review_indicators",
        "Case review indicators (the study's Table 3)",
        "Shares among counted answers; unknown and blank answers are excluded and counted apart.",
    ),
    Section(
        "rpt_maltreatment_recurrence",
        "Recurrence of substantiated maltreatment within 12 months",
        "CFSR-style: children under 18, reports within 14 days of the first excluded.",
    ),
)
HIDDEN = "—"


def read_section(
    con: duckdb.DuckDBPyConnection, section: Section, month: str
) -> pd.DataFrame:
    frame = con.execute(
        f"select * from reporting.{section.table} where report_month = ?", [month]
    ).df()
    # every column, left to right, as `order by all` would (not portable SQL)
    frame = frame.sort_values(
        list(frame.columns), na_position="last", ignore_index=True
    )
    return frame.drop(columns=["report_month", "is_suppressed"])


def _png(fig) -> str:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=90, bbox_inches="tight")
    plt.close(fig)
    return base64.b64encode(buffer.getvalue()).decode()


def _bar(frame: pd.DataFrame, label: str, value: str, title: str) -> str | None:
    shown = frame.dropna(subset=[value])
    if shown.empty:
        return None
    fig, ax = plt.subplots(figsize=(7, 0.4 * len(shown) + 1.2))
    ax.barh(shown[label].astype(str), shown[value].astype(float), color="#3b5b92")
    ax.set_title(title)
    ax.invert_yaxis()
    return _png(fig)


def charts(sections: dict[str, pd.DataFrame]) -> dict[str, str]:
    """The study's figures, from the suppressed aggregates: name -> base64 PNG."""
    out: dict[str, str | None] = {}
    rates = sections["rpt_rereferral_rates"]
    rates = rates.loc[rates["variant"] == "all"].assign(
        label=lambda d: (
            d["county_code"]
            + " "
            + d["review_group"]
            + " "
            + d["measure"]
            + " "
            + d["time_window"]
        )
    )
    out["rereferral_rates"] = _bar(
        rates, "label", "mean_monthly_rate", "Re-referrals per family-month"
    )
    timeliness = sections["rpt_identification_timeliness"].assign(
        label=lambda d: d["county_code"] + " office " + d["office_code"]
    )
    out["identification_days"] = _bar(
        timeliness, "label", "mean_days", "Mean days to identification"
    )
    events = sections["rpt_event_types"]
    allegations = events.loc[
        (events["event_type"] == "ALLEGATION") & (events["detail"] != "TOTAL")
    ]
    out["allegation_types"] = _bar(
        allegations.assign(label=lambda d: d["county_code"] + " " + d["detail"]),
        "label",
        "n",
        "Substantiated allegations by type",
    )
    outcomes = sections["rpt_family_outcomes"].assign(
        label=lambda d: d["county_code"] + " " + d["split"] + "=" + d["split_value"]
    )
    out["continuous_participation"] = _bar(
        outcomes,
        "label",
        "mean_longest_calworks_run_months",
        "Months of continuous CalWORKs participation",
    )
    out["reunification"] = _bar(
        outcomes, "label", "reunification_rate", "Reunification rate"
    )
    wages = sections["rpt_wages_by_quarter"].dropna(subset=["mean_wages"])
    if not wages.empty:
        fig, ax = plt.subplots(figsize=(7, 3))
        for county, rows in wages.groupby("county_code"):
            rows = rows.sort_values("quarter_offset")
            ax.plot(
                rows["quarter_offset"],
                rows["mean_wages"].astype(float),
                marker="o",
                label=county,
            )
        ax.axvline(0, color="grey", linestyle=":")
        ax.set_xlabel("quarters from identification")
        ax.set_title("Mean quarterly wages")
        ax.legend(title="county")
        out["wages"] = _png(fig)
    return {name: png for name, png in out.items() if png}


def _table(frame: pd.DataFrame) -> str:
    if frame.empty:
        return "<p><em>No rows this month.</em></p>"
    shown = frame.astype(object).where(frame.notna(), HIDDEN)
    return shown.to_html(index=False, border=0, classes="measures")


def render(con: duckdb.DuckDBPyConnection, month: str) -> tuple[str, dict[str, str]]:
    sections = {s.table: read_section(con, s, month) for s in SECTIONS}
    pictures = charts(sections)
    parts = [
        "<!doctype html><html><head><meta charset='utf-8'>",
        f"<title>Linkages evaluation, {html.escape(month)}</title>",
        "<style>body{font-family:sans-serif;max-width:60em;margin:2em auto;color:#222}"
        "table.measures{border-collapse:collapse;font-size:.85em;margin:.5em 0 1.5em}"
        "table.measures th,table.measures td{padding:.2em .6em;border-bottom:1px solid #ddd;text-align:right}"
        "img{max-width:100%}.note{color:#555}</style></head><body>",
        f"<h1>Linkages evaluation measures, report month {html.escape(month)}</h1>",
        f"<p class='note'>Built from the <code>reporting</code> schema only. {HIDDEN} = not shown: a count "
        "of 1 to 10, a figure that would reveal one (complementary suppression), or no data. "
        "Definitions: docs/measures.md. Associations, not effects.</p>",
    ]
    for section in SECTIONS:
        parts.append(f"<h2 id='{section.table}'>{html.escape(section.title)}</h2>")
        parts.append(f"<p class='note'>{html.escape(section.note)}</p>")
        parts.append(_table(sections[section.table]))
    if pictures:
        parts.append("<h2>Figures</h2>")
        for name, png in pictures.items():
            parts.append(
                f"<figure><img alt='{name}' src='data:image/png;base64,{png}'>"
                f"<figcaption>{html.escape(name.replace('_', ' '))}</figcaption></figure>"
            )
    parts.append("</body></html>")
    return "\n".join(parts), pictures
