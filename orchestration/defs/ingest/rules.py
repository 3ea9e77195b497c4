"""The contract's row rules and types as SQL over a file's text columns
(CONTRACT.md §2-4, §8): which rules a row breaks, its typed values, and the soft
faults (an invalid SSN nulled, a ZIP not 5 digits, an unknown facility code)."""

from __future__ import annotations

from contract import (
    COLLAB_ACTIVITY,
    DATE,
    DECIMAL,
    FACILITY_TYPES,
    INT,
    MONTH,
    QUARTER,
    STR,
    Column,
    SourceFile,
    ssn_valid_sql,
)

MIN_DATE = "1900-01-01"


def text_value(col: Column) -> str:
    """The cleaned text of a column: trimmed, empty -> null, codes upper-cased."""
    v = f"nullif(trim(\"{col.name}\"), '')"
    return f"upper({v})" if col.codes and col.kind != INT else v


def row_rules(spec: SourceFile, as_of: str) -> list[tuple[str, str]]:
    """(rule text, SQL that is true when the row breaks it)."""
    rules = []
    for col in spec.columns:
        v = text_value(col)
        if col.required:
            rules.append((f"{col.name}: required value missing", f"{v} is null"))
        if col.kind == DATE:
            parsed = f"try_strptime({v}, '%Y-%m-%d')"
            rules.append(
                (
                    f"{col.name}: unparsable date",
                    f"{v} is not null and {parsed} is null",
                )
            )
            rules.append(
                (f"{col.name}: date before 1900", f"{parsed} < date '{MIN_DATE}'")
            )
            if col.not_after_as_of:
                rules.append(
                    (f"{col.name}: date in the future", f"{parsed} > date '{as_of}'")
                )
        elif col.kind == INT:
            cast = f"try_cast({v} as bigint)"
            rules.append(
                (
                    f"{col.name}: not a whole number",
                    f"{v} is not null and {cast} is null",
                )
            )
            if col.codes:
                codes = ", ".join(str(c) for c in col.codes)
                rules.append(
                    (f"{col.name}: code outside its set", f"{cast} not in ({codes})")
                )
        elif col.kind == DECIMAL:
            cast = f"try_cast({v} as double)"
            rules.append(
                (f"{col.name}: not a number", f"{v} is not null and {cast} is null")
            )
        elif col.kind == MONTH:
            rules.append(
                (
                    f"{col.name}: not a YYYY-MM month",
                    f"not regexp_full_match({v}, '[0-9]{{4}}-(0[1-9]|1[0-2])')",
                )
            )
        elif col.kind == QUARTER:
            rules.append(
                (
                    f"{col.name}: not a YYYYQn quarter",
                    f"not regexp_full_match({v}, '[0-9]{{4}}Q[1-4]')",
                )
            )
        elif col.codes:
            codes = ", ".join(f"'{c}'" for c in col.codes)
            rules.append((f"{col.name}: code outside its set", f"{v} not in ({codes})"))
        if col.kind in (INT, DECIMAL) and col.min_value is not None:
            rules.append(
                (
                    f"{col.name}: below {col.min_value:g}",
                    f"try_cast({v} as double) < {col.min_value}",
                )
            )
        if col.kind in (INT, DECIMAL) and col.max_value is not None:
            rules.append(
                (
                    f"{col.name}: above {col.max_value:g}",
                    f"try_cast({v} as double) > {col.max_value}",
                )
            )
        if col.pattern and col.name not in ("zip", "ssn"):
            rules.append(
                (
                    f"{col.name}: wrong format",
                    f"not regexp_matches({v}, '{col.pattern}')",
                )
            )
    for order in spec.date_orders:
        b = f"try_strptime({text_value(spec.column(order.begin))}, '%Y-%m-%d')"
        e = f"try_strptime({text_value(spec.column(order.end))}, '%Y-%m-%d')"
        rules.append((f"{order.end}: before {order.begin}", f"{e} < {b}"))
    if "case_review_consistency" in spec.row_rules:
        rules.extend(_case_review_rules(spec))
    if "enrollment_consistency" in spec.row_rules:
        rules.extend(_enrollment_rules(spec))
    return rules


def _enrollment_rules(spec: SourceFile) -> list[tuple[str, str]]:
    def v(name):
        return text_value(spec.column(name))

    return [
        (
            "enrolled_date: required when opted_in = Y",
            f"{v('opted_in')} = 'Y' and {v('enrolled_date')} is null",
        ),
        (
            "enrolled_date: must be empty when opted_in = N",
            f"{v('opted_in')} = 'N' and {v('enrolled_date')} is not null",
        ),
    ]


def _case_review_rules(spec: SourceFile) -> list[tuple[str, str]]:
    def v(name):
        return text_value(spec.column(name))

    rules = []
    for level, activities in COLLAB_ACTIVITY.items():
        no_activity = " and ".join(f"{v(a)} = 'N'" for a in activities)
        rules.append(
            (
                f"{level}: SOME or FULL where its activity was N",
                f"{v(level)} in ('SOME', 'FULL') and {no_activity}",
            )
        )
    rate = f"try_cast({v('joint_monitoring_per_month')} as double)"
    rules += [
        (
            "cftm_attendance: must be NEITHER when cftm_held = N",
            f"{v('cftm_held')} = 'N' and {v('cftm_attendance')} <> 'NEITHER'",
        ),
        (
            "joint_monitoring_per_month: must be 0 when joint_monitoring = N",
            f"{v('joint_monitoring')} = 'N' and {rate} <> 0",
        ),
        (
            "joint_monitoring_per_month: must be empty when joint_monitoring = U",
            f"{v('joint_monitoring')} = 'U' and {rate} is not null",
        ),
        (
            "needs_shared_date: only when needs_shared = Y",
            f"{v('needs_shared_date')} is not null and {v('needs_shared')} <> 'Y'",
        ),
    ]
    return rules


def typed(col: Column) -> str:
    v = text_value(col)
    if col.kind == DATE:
        return f"cast(try_strptime({v}, '%Y-%m-%d') as date)"
    if col.kind == INT:
        return f"try_cast({v} as bigint)"
    if col.kind == DECIMAL:
        return f"try_cast({v} as decimal(18, 2))"
    return v


def typed_columns(spec: SourceFile) -> tuple[str, dict[str, str]]:
    """The typed select list, and SQL counting each soft fault in `checked`."""
    parts, soft = [], {}
    ok = "from checked where _broken_rules = ''"
    for col in spec.columns:
        v = text_value(col)
        if col.name in spec.soft_ssn or (col.name == "ssn" and col.kind == STR):
            digits = f"regexp_replace({v}, '[- ]', '', 'g')"
            valid = ssn_valid_sql(digits)
            parts.append(f'case when {valid} then {digits} end as "{col.name}"')
            soft[f"{col.name}: invalid SSN nulled"] = (
                f"select count(*) {ok} and {v} is not null and not {valid}"
            )
        elif col.name == "zip":
            five = f"regexp_extract({v}, '^([0-9]{{5}})(-?[0-9]{{4}})?$', 1)"
            parts.append(f"nullif({five}, '') as \"zip\"")
            soft["zip: not 5 digits, nulled"] = (
                f"select count(*) {ok} and {v} is not null and {five} = ''"
            )
        elif col.name == "facility_type_code":
            codes = ", ".join(str(c) for c in FACILITY_TYPES)
            parts.append(f'try_cast({v} as bigint) as "{col.name}"')
            soft["facility_type_code: unknown code, mapped to OTHER"] = (
                f"select count(*) {ok} and try_cast({v} as bigint) not in ({codes})"
            )
        else:
            parts.append(f'{typed(col)} as "{col.name}"')
    return ", ".join(parts), soft
