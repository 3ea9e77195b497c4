"""What a source file's declaration is made of: column kinds, shared code sets,
and the column, key and date-order records (contract/__init__.py says what the
contract is)."""

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
    # absent = no data (v2's linkages_enrollments): the month runs with no rows
    optional: bool = False

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


def _c(name, kind=STR, **kw) -> Column:
    return Column(name, kind, **kw)


def _req(name, kind=STR, **kw) -> Column:
    return Column(name, kind, required=True, **kw)
