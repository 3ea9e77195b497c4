"""The monthly evaluation report: one self-contained HTML page for a program manager
and an evaluator, built only from the `reporting` schema (small cells already
suppressed). Every figure is computed in dbt; this module only lays them out:
headline figures first, then the study's Table 3 and Figures 4-8 in its own shape,
each chart with its table, the comparison group, the trend, link quality."""

from __future__ import annotations

import base64
import html
import io

import duckdb
import matplotlib

matplotlib.use("Agg")  # no screen on a server
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402

from orchestration.defs.report import labels as L  # noqa: E402

# the reporting tables the page reads (the asset depends on each)
TABLES = (
    "rpt_identification_timeliness",
    "rpt_identification_routes",
    "rpt_rereferral_rates",
    "rpt_rereferral_families",
    "rpt_event_types",
    "rpt_family_outcomes",
    "rpt_case_review_indicators",
    "rpt_comparison_group",
    "rpt_monthly_trend",
    "rpt_wages_by_quarter",
    "rpt_maltreatment_recurrence",
)
# published by the clerical-review QA work (issue 20), when it has run
LINK_QUALITY = ("rpt_link_quality", "rpt_list_false_links")
HIDDEN = "hidden"
COLORS = ("#3b5b92", "#e07b39", "#6a9f58", "#b04a5a", "#8c6bb1", "#7f7f7f")


# -- reading ------------------------------------------------------------------


def read_table(con: duckdb.DuckDBPyConnection, table: str, month: str) -> pd.DataFrame:
    frame = con.execute(
        f"select * from reporting.{table} where report_month = ?", [month]
    ).df()
    return frame.drop(columns=["report_month"])


def read_optional(
    con: duckdb.DuckDBPyConnection, table: str, month: str
) -> pd.DataFrame | None:
    """A table another part of the pipeline may not have built yet: None if absent.
    Its report_month is a date (the month's first day): compared as text."""
    # the warehouse says: Spark has no information_schema
    if not con.table_exists("reporting", table):
        return None
    return con.execute(
        # a date against a date: casts to text differ by engine (Spark has no bare VARCHAR)
        f"select * from reporting.{table} where report_month = cast(? as date)",
        [f"{month[:7]}-01"],
    ).df()


# -- formatting ---------------------------------------------------------------


def _num(value, digits: int = 0) -> str:
    if value is None or pd.isna(value):
        return HIDDEN
    return f"{float(value):,.{digits}f}"


def _pct(value, digits: int = 1) -> str:
    if value is None or pd.isna(value):
        return HIDDEN
    return f"{100 * float(value):.{digits}f}%"


def _every(rate) -> str:
    """A monthly rate in words: 0.25 -> 'about 1 every 4 months'."""
    if rate is None or pd.isna(rate):
        return HIDDEN
    if rate == 0:
        return "none"
    return f"about 1 every {1 / float(rate):.0f} months"


def _png(fig) -> str:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=90, bbox_inches="tight")
    plt.close(fig)
    return base64.b64encode(buffer.getvalue()).decode()


def grouped_bars(
    groups: list[str],
    series: dict[str, list],
    title: str,
    ylabel: str,
    counts: dict[str, list] | None = None,
) -> str | None:
    """Bars of each series side by side for each group; a hidden value leaves a gap
    marked "hidden"; `counts` (same shape) are written over the bars as n=."""
    if not groups or all(pd.isna(v) for vs in series.values() for v in vs):
        return None
    fig, ax = plt.subplots(figsize=(7.5, 3.2))
    width = 0.8 / max(len(series), 1)
    for i, (name, values) in enumerate(series.items()):
        xs = [g + i * width for g in range(len(groups))]
        ys = [0 if pd.isna(v) else float(v) for v in values]
        bars = ax.bar(xs, ys, width, label=name, color=COLORS[i % len(COLORS)])
        ns = (counts or {}).get(name, [None] * len(values))
        for bar, v, n in zip(bars, values, ns, strict=True):
            if pd.isna(v):
                text = HIDDEN
            elif counts is not None:
                text = f"n={_num(n)}"
            else:
                continue
            ax.annotate(
                text,
                (bar.get_x() + width / 2, bar.get_height()),
                ha="center",
                va="bottom",
                fontsize=7,
            )
    ax.set_xticks([g + width * (len(series) - 1) / 2 for g in range(len(groups))])
    ax.set_xticklabels(groups)
    ax.set_title(title)
    ax.set_ylabel(ylabel)
    ax.legend(fontsize=8, frameon=False, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    ax.spines[["top", "right"]].set_visible(False)
    return _png(fig)


def _column_format(name: str, values: pd.Series):
    """How a column's numbers read: shares as percents, counts as whole numbers."""
    if not pd.api.types.is_numeric_dtype(values) or pd.api.types.is_bool_dtype(values):
        return None
    numbers = values.dropna().astype(float)
    if "rate" in name.lower() or "share" in name.lower():
        return _pct
    if (numbers == numbers.round()).all():
        return _num
    digits = 1 if numbers.abs().min() >= 1 else 3  # months vs rates a month
    return lambda v: _num(v, digits)


def _html_table(frame: pd.DataFrame) -> str:
    if frame.empty:
        return "<p class='note'>No rows this month.</p>"
    if "County" in frame.columns:  # counties in order, the rest as each section set it
        frame = frame.sort_values("County", kind="stable")
    shown = frame.astype(object).copy()
    for column in frame.columns:
        fmt = _column_format(str(column), frame[column])
        if fmt is not None:
            shown[column] = frame[column].map(fmt)
    shown = shown.where(frame.notna(), HIDDEN)
    return shown.to_html(index=False, border=0, classes="measures", escape=True)


def _figure(png: str | None, alt: str) -> str:
    if png is None:
        return f"<p class='note'>No chart: every figure of “{html.escape(alt)}” is hidden or missing.</p>"
    return f"<img alt='{html.escape(alt)}' src='data:image/png;base64,{png}'>"


# -- the sections ---------------------------------------------------------------


def headlines(t: dict[str, pd.DataFrame]) -> str:
    """Families identified, days to identification, re-referrals before -> after."""
    timeliness = t["rpt_identification_timeliness"]
    counties = timeliness.loc[timeliness["office_code"] == "ALL"].sort_values(
        "county_code"
    )
    rates = t["rpt_rereferral_rates"]
    rates = rates.loc[
        (rates["review_group"] == "ALL")
        & (rates["measure"] == "referrals")
        & (rates["variant"] == "all")
    ]
    cards = []
    for row in counties.itertuples():
        rate = rates.loc[rates["county_code"] == row.county_code].set_index(
            "time_window"
        )
        before = rate["mean_monthly_rate"].get("before")
        after = rate["mean_monthly_rate"].get("after")
        cards.append(
            "<div class='card'>"
            f"<h3>{html.escape(L.county(row.county_code))}</h3>"
            f"<p class='big'>{_num(row.n_families)}</p><p>families identified</p>"
            f"<p class='big'>{_num(row.median_days)}</p>"
            f"<p>days from CWS case start to identification (median; mean {_num(row.mean_days, 1)})</p>"
            f"<p class='big'>{_num(before, 2)} → {_num(after, 2)}</p>"
            "<p>re-referrals per family a month, before → after identification "
            f"({_every(before)} → {_every(after)})</p>"
            "</div>"
        )
    if not cards:
        return "<p class='note'>No family has been identified yet.</p>"
    return "<div class='cards'>" + "".join(cards) + "</div>"


def suppression_summary(t: dict[str, pd.DataFrame]) -> str:
    hidden = shown = 0
    where = []
    for table in TABLES:
        frame = t[table]
        if "is_suppressed" not in frame or frame.empty:
            continue
        n = int(frame["is_suppressed"].sum())
        hidden += n
        shown += len(frame) - n
        if n:
            where.append(f"{n} in {L.TABLE_TITLES[table].lower()}")
    if not hidden:
        return "<p>No figure is hidden this month.</p>"
    return (
        f"<p><strong>{hidden:,} of {hidden + shown:,} figures are hidden</strong> "
        f"({'; '.join(where)}). A figure is hidden when it counts 1 to 10 families or "
        "reviews, or when it could be worked out from the figures shown beside it (the "
        "hidden cell's partner, a total, or a share). Hidden figures say "
        f"“{HIDDEN}”; they are not zero.</p>"
    )


def table_3(t: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """The study's Table 3: a row per indicator, a column per county, each cell
    'share (n=count of counted); k unknown or blank'."""
    cells = t["rpt_case_review_indicators"].set_index(
        ["county_code", "indicator", "answer"]
    )
    timeliness = t["rpt_identification_timeliness"]
    counties = sorted(cells.index.get_level_values("county_code").unique())
    table = {}
    for county in counties:
        column = {}
        days = timeliness.loc[
            (timeliness["county_code"] == county) & (timeliness["office_code"] == "ALL")
        ]
        for label, indicator, answer in L.TABLE_3_ROWS:
            if indicator == "days_to_identification":
                mean = days["mean_days"].iloc[0] if len(days) else None
                n = days["n_families"].iloc[0] if len(days) else None
                column[label] = (
                    f"{_num(mean, 1)} days on average (n={_num(n)} families)"
                )
            elif indicator == "reviews":
                column[label] = _num(_get(cells, (county, "reviews", "TOTAL"), "n"))
            elif answer == "MEAN":
                mean = _get(cells, (county, indicator, "TOTAL_COUNTED"), "mean_value")
                n = _get(cells, (county, indicator, "TOTAL_COUNTED"), "n")
                column[label] = f"{_num(mean, 1)} a month (n={_num(n)})"
            else:
                column[label] = _cell(cells, county, indicator, answer)
        table[L.county(county)] = column
    frame = pd.DataFrame(table)
    frame.index.name = "Indicator"
    return frame.reset_index()


def _get(cells: pd.DataFrame, key: tuple, column: str):
    return cells[column].get(key) if key in cells.index else None


def _cell(cells: pd.DataFrame, county: str, indicator: str, answer: str) -> str:
    if (county, indicator, answer) not in cells.index:
        return "not asked"
    n = _get(cells, (county, indicator, answer), "n")
    share = _get(cells, (county, indicator, answer), "share")
    counted = _get(cells, (county, indicator, "TOTAL_COUNTED"), "n")
    excluded = _get(cells, (county, indicator, "EXCLUDED_UNKNOWN_OR_BLANK"), "n")
    if pd.isna(n):
        return "not shown (a count of 1 to 10, or one that would reveal it)"
    if pd.isna(share):
        # the excluded count is small: the share would give it back
        return f"n={_num(n)}; share not shown (1 to 10 answers unknown or blank)"
    text = f"{_pct(share)} (n={_num(n)} of {_num(counted)})"
    if excluded:
        return text + f"; {_num(excluded)} unknown or blank"
    return text


def rereferral_section(t: dict[str, pd.DataFrame]) -> tuple[str, dict]:
    rates = t["rpt_rereferral_rates"]
    both = rates.loc[rates["review_group"] == "ALL"]
    counties = sorted(both["county_code"].unique())

    def series(measure, variant):
        out = {}
        for window in ("before", "after"):
            rows = both.loc[
                (both["measure"] == measure)
                & (both["variant"] == variant)
                & (both["time_window"] == window)
            ].set_index("county_code")
            out[f"{measure.replace('_', ' ')} {window}"] = [
                rows["mean_monthly_rate"].get(c) for c in counties
            ]
        return out

    pictures = {
        "rereferral_rates": grouped_bars(
            [L.county(c) for c in counties],
            {**series("referrals", "all"), **series("substantiated", "all")},
            "Re-referrals a month, before and after identification",
            "per family a month",
        ),
    }
    families = (
        t["rpt_rereferral_families"]
        .assign(County=lambda d: d["county_code"].map(L.county))
        .rename(
            columns={
                "n_families": "Identified families",
                "n_with_rereferral": "With a re-referral",
                "n_without_rereferral": "Without one",
            }
        )[["County", "Identified families", "With a re-referral", "Without one"]]
    )
    groups = rates.loc[
        (rates["review_group"] != "ALL")
        & (rates["variant"] == "all")
        & (rates["measure"] == "referrals")
    ]
    groups = (
        groups.assign(
            County=lambda d: d["county_code"].map(L.county),
            Group=lambda d: d["review_group"].map(L.REVIEW_GROUPS),
            Window=lambda d: d["time_window"].map(WINDOWS),
        )
        .rename(
            columns={
                "n_families": "Families",
                "mean_monthly_rate": "Per family a month",
            }
        )[["County", "Group", "Window", "Families", "Per family a month"]]
        .sort_values(["County", "Group", "Window"], ascending=[True, True, False])
    )
    body = (
        "<p class='note'>Families with at least one re-referral since the CWS case started: "
        "the referral that opened the case is not a re-referral (the study's footnote 11). "
        "A referral is substantiated when any of its allegations is (disposition 45), "
        "unfounded when all are (46), else inconclusive or pending. Months are calendar "
        "months; the identification month counts as after. Descriptive, not causal.</p>"
        + _figure(pictures["rereferral_rates"], "re-referral rates")
        + "<p class='note'>Re-referrals often come in the month the case started; the last "
        "two columns leave them out, as the study did.</p>"
        + _html_table(rereferral_table(both))
        + "<h3>Families with and without a re-referral (footnote 12)</h3>"
        + _html_table(families)
        + "<h3>Reviewed families and the listed-but-never-reviewed</h3>"
        + _html_table(groups)
    )
    return body, pictures


WINDOWS = {"before": "before identification", "after": "from identification on"}


def rereferral_table(both: pd.DataFrame) -> pd.DataFrame:
    """A row per county and kind of re-referral; before and after side by side, with
    and without the case-start month, each 'rate a month - in words (n families)'."""
    columns = (
        ("all", "before", "Before identification"),
        ("all", "after", "From identification on"),
        ("excl_start_month", "before", "Before, leaving out the case-start month"),
        ("excl_start_month", "after", "After, leaving out the case-start month"),
    )
    rows = []
    for county in sorted(both["county_code"].unique()):
        for measure, label in L.MEASURES.items():
            part = both.loc[
                (both["county_code"] == county) & (both["measure"] == measure)
            ]
            cells = part.set_index(["variant", "time_window"])
            row = {"County": L.county(county), "Re-referrals": label}
            for variant, window, heading in columns:
                if (variant, window) not in cells.index:
                    row[heading] = "no families"
                    continue
                r = cells.loc[(variant, window)]
                rate = r["mean_monthly_rate"]
                row[heading] = (
                    f"{_num(rate, 3)} a month, {_every(rate)} (n={_num(r['n_families'])})"
                )
            rows.append(row)
    return pd.DataFrame(rows)


def events_section(t: dict[str, pd.DataFrame]) -> tuple[str, dict]:
    events = t["rpt_event_types"]
    outcomes = t["rpt_family_outcomes"]
    counties = sorted(events["county_code"].unique())
    pictures = {}
    parts = []
    for event_type, title in (
        ("PLACEMENT", "Placement types (the study's groups)"),
        ("ALLEGATION", "Substantiated allegation types"),
    ):
        rows = events.loc[
            (events["event_type"] == event_type) & (events["detail"] != "TOTAL")
        ]
        details = sorted(rows["detail"].unique())
        share = {}
        for county in counties:
            own = events.loc[
                (events["event_type"] == event_type) & (events["county_code"] == county)
            ]
            total = own.loc[own["detail"] == "TOTAL", "n"]
            total = total.iloc[0] if len(total) else None
            by = own.set_index("detail")["n"]
            share[L.county(county)] = [
                None if pd.isna(by.get(d)) or not total else by.get(d) / total
                for d in details
            ]
        pictures[event_type.lower()] = grouped_bars(
            [L.DETAILS.get(d, d.replace("_", " ").lower()) for d in details],
            share,
            title,
            "share of all",
        )
        table = (
            events.loc[events["event_type"] == event_type]
            .assign(
                County=lambda d: d["county_code"].map(L.county),
                Type=lambda d: d["detail"].map(
                    lambda x: L.DETAILS.get(x, x.replace("_", " ").lower())
                ),
            )
            .rename(columns={"n": "Count"})[["County", "Type", "Count"]]
        )
        parts.append(
            f"<h3>{html.escape(title)}</h3>"
            + _figure(pictures[event_type.lower()], title)
            + _html_table(table)
        )
    per_case = (
        outcomes.loc[outcomes["split"] == "ALL"]
        .assign(County=lambda d: d["county_code"].map(L.county))
        .rename(
            columns={"n_families": "Families", "mean_placements": "Placements per case"}
        )[["County", "Families", "Placements per case"]]
    )
    body = (
        "<p class='note'>Placements of the case's focus children that started during the case; "
        "foster family includes foster family agencies and FFA-certified homes; "
        "“not provided” = no facility code on the record (not the same as other). "
        "Allegations substantiated, naming a case participant as victim, from the case start.</p>"
        + _html_table(per_case)
        + "".join(parts)
    )
    return body, pictures


def association_section(t: dict[str, pd.DataFrame]) -> tuple[str, dict]:
    """Figures 5-8: continuous CalWORKs months and reunification, by needs-shared
    timeliness and by joint-monitoring collaboration, with each bar's n."""
    outcomes = t["rpt_family_outcomes"]
    counties = sorted(outcomes["county_code"].unique())
    pictures, parts = {}, []
    for figure, split, value, title, unit in L.ASSOCIATIONS:
        rows = outcomes.loc[outcomes["split"] == split]
        series, counts = {}, {}
        n_col = "n_exited" if value == "reunification_rate" else "n_families"
        for split_value in L.SPLIT_VALUES[split]:
            own = rows.loc[rows["split_value"] == split_value].set_index("county_code")
            label = L.SPLIT_LABELS[split_value]
            series[label] = [own[value].get(c) for c in counties]
            counts[label] = [own[n_col].get(c) for c in counties]
        pictures[figure] = grouped_bars(
            [L.county(c) for c in counties], series, title, unit, counts
        )
        order = {v: i for i, v in enumerate(L.SPLIT_VALUES[split])}
        table = (
            rows.sort_values("split_value", key=lambda c: c.map(order))
            .assign(
                County=lambda d: d["county_code"].map(L.county),
                Group=lambda d: d["split_value"].map(L.SPLIT_LABELS),
            )
            .rename(
                columns={
                    "n_families": "Families",
                    "mean_longest_calworks_run_months": "Continuous CalWORKs months (mean)",
                    "n_exited": "Families with an ended removal",
                    "n_reunified": "Reunified",
                    "reunification_rate": "Reunification rate",
                }
            )
        )
        keep = ["County", "Group", "Families"] + (
            ["Continuous CalWORKs months (mean)"]
            if value != "reunification_rate"
            else ["Families with an ended removal", "Reunified", "Reunification rate"]
        )
        parts.append(
            f"<h3>{html.escape(title)}</h3>"
            + _figure(pictures[figure], title)
            + _html_table(table[keep])
        )
    overall = (
        outcomes.loc[outcomes["split"] == "ALL"]
        .assign(County=lambda d: d["county_code"].map(L.county))
        .rename(
            columns={
                "n_families": "Families",
                "mean_longest_calworks_run_months": "Continuous CalWORKs months (mean)",
                "reunification_rate": "Reunification rate",
            }
        )[
            [
                "County",
                "Families",
                "Continuous CalWORKs months (mean)",
                "Reunification rate",
            ]
        ]
    )
    body = (
        "<p class='note'>Continuous CalWORKs participation: the longest run of consecutive aided "
        "months from the identification month. Reunification: among families whose child's "
        "removal ended. The first table counts every identified family; the figures split "
        "reviewed families by their review's answer. Associations, "
        "not effects.</p>" + _html_table(overall) + "".join(parts)
    )
    return body, pictures


def comparison_section(t: dict[str, pd.DataFrame]) -> str:
    frame = t["rpt_comparison_group"]
    if frame.empty or not (frame["enrollment_group"] == "ENROLLED").any():
        return (
            "<p><strong>The comparison cannot be made this month:</strong> there is no "
            "enrollment file (<code>linkages_enrollments.csv</code>), or no identified family "
            "in it has enrolled, so enrolled and never-enrolled families cannot be told apart.</p>"
        )
    sizes = frame.groupby("enrollment_group")[["n_families", "n_matched"]].first()
    rows = []
    for _, part in frame.sort_values("measure_order").groupby("measure_order"):
        cells = {"Measure": L.COMPARISON_MEASURES[part["measure"].iloc[0]]}
        for group in ("ENROLLED", "NEVER_ENROLLED"):
            row = part.loc[part["enrollment_group"] == group]
            if row.empty:
                cells[L.ENROLLMENT_GROUPS[group]] = "no families"
                continue
            r = row.iloc[0]
            if pd.isna(r["estimate"]):
                cells[L.ENROLLMENT_GROUPS[group]] = "not shown (a count of 1 to 10)"
                continue
            rate = r["measure"] == "reunification_rate"
            digits = 3 if r["measure"].endswith("per_month_after") else 2
            est = _pct(r["estimate"]) if rate else _num(r["estimate"], digits)
            if pd.notna(r["ci_low"]):
                low = _pct(r["ci_low"]) if rate else _num(r["ci_low"], digits)
                high = _pct(r["ci_high"]) if rate else _num(r["ci_high"], digits)
                est += f" (95%: {low} to {high})"
            cells[L.ENROLLMENT_GROUPS[group]] = f"{est}; n={_num(r['n'])}"
        rows.append(cells)
    size_text = "; ".join(
        f"{L.ENROLLMENT_GROUPS[g]}: {_num(s.n_families)} identified, {_num(s.n_matched)} matched"
        for g, s in sizes.iterrows()
    )
    return (
        "<p class='note'>Identified families enrolled in coordinated case planning against identified "
        "families never enrolled (offered and declined, or never offered), matched one to one exactly on "
        "county, plan type, prevention level in the identification month, months from case start to "
        "identification (0, 1–3, 4–6, 7–12, 13+) and re-referrals before identification (0, 1, 2+). "
        f"{html.escape(size_text)}. Intervals for means need 30 families. Matching balances only "
        "these five: an association, not an effect.</p>"
        + _html_table(pd.DataFrame(rows))
    )


def routes_section(t: dict[str, pd.DataFrame]) -> str:
    """The daily route beside the monthly one, on the families the daily route noticed."""
    frame = t["rpt_identification_routes"]
    if frame.empty:
        return (
            "<p><strong>No comparison this month:</strong> the daily route (daily snapshots "
            "in <code>landing/daily/</code>) noticed no family identified by now, so every "
            "family is dated as the monthly route dates it: the first day of the month it "
            "was first listed.</p>"
        )
    shown = frame.sort_values(["county_code", "route"]).assign(
        County=lambda d: d["county_code"].map(L.county),
        Route=lambda d: d["route"].map(L.ROUTES),
    )
    shown = shown.rename(columns=L.ROUTE_COLUMNS)[
        ["County", "Route", *L.ROUTE_COLUMNS.values()]
    ]
    return (
        "<p class='note'>The same families on both routes: those the daily route noticed. The "
        "daily route identifies a family on the day of its notice; the monthly route on the "
        "day it produces the lists of the month before (the 3rd). Both records exist from the "
        "later of the CalWORKs application and the CWS case start.</p>"
        + _html_table(shown)
    )


def trend_section(t: dict[str, pd.DataFrame]) -> tuple[str, dict]:
    trend = t["rpt_monthly_trend"]
    pictures = {}
    if trend.empty:
        return "<p class='note'>No months yet.</p>", pictures
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 3.2))
    for series, ax, title in (
        ("list", left, "Families on each list"),
        ("prevention_level", right, "CalWORKs cases by prevention level"),
    ):
        rows = trend.loc[trend["series"] == series]
        for j, (category, own) in enumerate(rows.groupby("category")):
            own = own.sort_values("list_month")
            ax.plot(
                own["list_month"],
                own["n"].astype(float),
                marker="o",
                label=L.category(category),
                color=COLORS[j % len(COLORS)],
            )
        ax.set_title(title)
        ax.tick_params(axis="x", rotation=45, labelsize=7)
        if ax.get_legend_handles_labels()[0]:
            ax.legend(fontsize=7, frameon=False)
        ax.spines[["top", "right"]].set_visible(False)
    pictures["trend"] = _png(fig)
    table = trend.assign(What=lambda d: d["category"].map(L.category)).pivot_table(
        index="list_month", columns="What", values="n", aggfunc="first", dropna=False
    )
    table = table.reset_index().rename(columns={"list_month": "Month"})
    table.columns.name = None
    order = [
        L.category(c) for c in (*L.MATCH_LISTS, "TERTIARY", "SECONDARY", "PRIMARY")
    ]
    table = table[["Month"] + [c for c in order if c in table.columns]]
    return _figure(pictures["trend"], "trend") + _html_table(table), pictures


def wages_section(t: dict[str, pd.DataFrame]) -> tuple[str, dict]:
    wages = t["rpt_wages_by_quarter"]
    pictures = {}
    shown = wages.dropna(subset=["mean_wages"])
    if not shown.empty:
        fig, ax = plt.subplots(figsize=(7.5, 3))
        for i, (county, rows) in enumerate(shown.groupby("county_code")):
            rows = rows.sort_values("quarter_offset")
            ax.plot(
                rows["quarter_offset"],
                rows["mean_wages"].astype(float),
                marker="o",
                label=L.county(county),
                color=COLORS[i % len(COLORS)],
            )
        ax.axvline(0, color="grey", linestyle=":")
        ax.xaxis.get_major_locator().set_params(integer=True)
        ax.set_xlabel(
            "quarters from identification (0 = the quarter of identification)"
        )
        ax.set_ylabel("dollars a quarter")
        ax.set_title("Mean quarterly wages of the family's adults")
        ax.legend(frameon=False)
        ax.spines[["top", "right"]].set_visible(False)
        pictures["wages"] = _png(fig)
    table = (
        wages.sort_values(["county_code", "quarter_offset"])
        .assign(County=lambda d: d["county_code"].map(L.county))
        .rename(
            columns={
                "quarter_offset": "Quarter from identification",
                "n_families": "Families observed",
                "mean_wages": "Mean wages ($)",
                "share_with_wages": "Share with any wages",
            }
        )[
            [
                "County",
                "Quarter from identification",
                "Families observed",
                "Mean wages ($)",
                "Share with any wages",
            ]
        ]
    )
    return _figure(pictures.get("wages"), "wages") + _html_table(table), pictures


def recurrence_section(t: dict[str, pd.DataFrame]) -> str:
    frame = (
        t["rpt_maltreatment_recurrence"]
        .assign(
            Children=lambda d: d["population"].map(
                {
                    "IDENTIFIED_FAMILIES": "in identified families",
                    "OTHER_CHILDREN": "all other children",
                }
            )
        )
        .rename(
            columns={
                "n_children": "Children with a substantiated report",
                "n_recurred": "Another within 12 months",
                "recurrence_rate": "Recurrence rate",
            }
        )
    )
    return (
        "<p class='note'>CFSR-style: children under 18 with a substantiated allegation in the 12 months "
        "ending a year ago, and whether another was substantiated within 12 months (reports within "
        "14 days of the first are the same incident).</p>"
        + _html_table(
            frame[
                [
                    "Children",
                    "Children with a substantiated report",
                    "Another within 12 months",
                    "Recurrence rate",
                ]
            ]
        )
    )


def link_quality_section(
    quality: pd.DataFrame | None, false_links: pd.DataFrame | None
) -> str:
    if quality is None or quality.empty:
        return "<p>No quality-check decisions yet: no clerical QA sample has been reviewed for this month.</p>"
    q = (
        quality.sort_values("score_band")
        .assign(
            Precision=lambda d: [
                f"{_pct(p)} (95%: {_pct(lo)} to {_pct(hi)})"
                for p, lo, hi in zip(
                    d["precision"], d["precision_low"], d["precision_high"], strict=True
                )
            ]
        )
        .rename(
            columns={
                "score_band": "Match score band",
                "qa_pairs_decided": "Pairs checked",
                "qa_matches": "Confirmed matches",
            }
        )
    )
    body = (
        "<p class='note'>A random sample of linked pairs checked by reviewers: the share that were truly the "
        "same person, by the model's score band.</p>"
        + _html_table(
            q[["Match score band", "Pairs checked", "Confirmed matches", "Precision"]]
        )
    )
    if false_links is not None and not false_links.empty:
        f = false_links.assign(List=lambda d: d["list_name"].map(L.category)).rename(
            columns={
                "listed_rows": "Rows on the list",
                "estimated_false_links": "Estimated wrong links",
            }
        )
        f["Estimated wrong links"] = f["Estimated wrong links"].map(
            lambda v: _num(v, 1)
        )
        body += _html_table(f[["List", "Rows on the list", "Estimated wrong links"]])
    return body


# -- the page -------------------------------------------------------------------

STYLE = (
    "body{font-family:system-ui,sans-serif;max-width:68em;margin:2em auto;padding:0 1em;color:#222;line-height:1.4}"
    "h1{font-size:1.6em;margin-bottom:.2em}h2{border-bottom:2px solid #3b5b92;padding-bottom:.2em;margin-top:2em}"
    ".cards{display:flex;gap:1em;flex-wrap:wrap}.card{flex:1;min-width:16em;border:1px solid #ccd;border-radius:6px;padding:.6em 1em;background:#f6f8fc}"
    ".card h3{margin:.2em 0}.card p{margin:.1em 0}.card .big{font-size:1.7em;font-weight:600;color:#3b5b92;margin-top:.4em}"
    "table.measures{border-collapse:collapse;font-size:.85em;margin:.5em 0 1.5em}"
    "table.measures th{background:#eef1f7;text-align:left}"
    "table.measures th,table.measures td{padding:.25em .6em;border-bottom:1px solid #ddd;vertical-align:top}"
    "img{max-width:100%}.note{color:#555;font-size:.92em}nav a{margin-right:1em}"
)


def render(con: duckdb.DuckDBPyConnection, month: str) -> tuple[str, dict[str, str]]:
    t = {table: read_table(con, table, month) for table in TABLES}
    quality = [read_optional(con, table, month) for table in LINK_QUALITY]
    pictures: dict[str, str | None] = {}
    sections = []

    def add(anchor: str, title: str, body: str) -> None:
        sections.append((anchor, title, body))

    add("headlines", "This month at a glance", headlines(t) + suppression_summary(t))
    add(
        "routes",
        "How soon families are identified: the daily route beside the monthly one",
        routes_section(t),
    )
    add(
        "table3",
        "Case reviews: indicators of coordinated case planning (the study's Table 3)",
        "<p class='note'>Latest case review of each family. Shares count only reviews with an answer: "
        "“I do not know” and blank answers are left out and counted after the share. "
        "Timeliness is among reviews that say needs were shared and give the date.</p>"
        + _html_table(table_3(t)),
    )
    body, pics = rereferral_section(t)
    add("rereferrals", "Re-referrals before and after identification (Figure 4)", body)
    pictures.update(pics)
    body, pics = association_section(t)
    add("associations", "CalWORKs participation and reunification (Figures 5–8)", body)
    pictures.update(pics)
    body, pics = events_section(t)
    add("placements", "Placements and substantiated allegations", body)
    pictures.update(pics)
    add(
        "comparison",
        "Enrolled families against a matched comparison group",
        comparison_section(t),
    )
    body, pics = trend_section(t)
    add("trend", "List sizes and prevention levels, month by month", body)
    pictures.update(pics)
    body, pics = wages_section(t)
    add("wages", "Wages around identification", body)
    pictures.update(pics)
    add(
        "recurrence",
        "Recurrence of substantiated maltreatment within 12 months",
        recurrence_section(t),
    )
    add(
        "link-quality",
        "Link quality (clerical QA sample)",
        link_quality_section(*quality),
    )

    parts = [
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>",
        f"<title>Linkages evaluation, {html.escape(month)}</title>",
        f"<style>{STYLE}</style></head><body>",
        f"<h1>Linkages evaluation — report month {html.escape(L.month(month))}</h1>",
        "<p class='note'>Mutual families served by CalWORKs and Child Welfare, measured as the "
        "Linkages 2.0 evaluation (RDA, 2025) measured them. Associations, not effects: families "
        "were not assigned to Linkages at random. Definitions: docs/measures.md.</p>",
        "<nav>"
        + "".join(
            f"<a href='#{a}'>{html.escape(L.SHORT[a])}</a>" for a, _, _ in sections
        )
        + "</nav>",
    ]
    for anchor, title, body in sections:
        parts.append(f"<h2 id='{anchor}'>{html.escape(title)}</h2>{body}")
    parts.append("</body></html>")
    return "\n".join(parts), {k: v for k, v in pictures.items() if v}
